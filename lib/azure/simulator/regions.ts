/**
 * The Azure public-cloud regions the simulator serves (those ARM listed as available for resource groups in its
 * LocationNotAvailableForResourceGroup answers, 2024, without the canary regions): one list, used to refuse unknown locations the way ARM does and
 * to infer a landing zone's region from its ids. ARM accepts a region's display name too ("West Europe") and answers
 * with its programmatic name ("westeurope"), so a location is compared with spaces removed and in lower case.
 * Errors as ARM words them (seen in Azure CLI and SDK issue reports): a resource group answers 400
 * LocationNotAvailableForResourceGroup, any other resource type 400 LocationNotAvailableForResourceType, each listing
 * the regions that are available.
 */
import { ArmError } from "./errors";

export const REGIONS = [
  "westeurope",
  "northeurope",
  "swedencentral",
  "uksouth",
  "ukwest",
  "francecentral",
  "germanywestcentral",
  "switzerlandnorth",
  "norwayeast",
  "polandcentral",
  "italynorth",
  "spaincentral",
  "eastus2",
  "eastus",
  "westus3",
  "westus2",
  "westus",
  "centralus",
  "northcentralus",
  "southcentralus",
  "westcentralus",
  "canadacentral",
  "canadaeast",
  "brazilsouth",
  "australiaeast",
  "southeastasia",
  "eastasia",
  "japaneast",
  "koreacentral",
  "centralindia",
  "uaenorth",
  "southafricanorth",
  "australiasoutheast",
  "australiacentral",
  "australiacentral2",
  "japanwest",
  "koreasouth",
  "southindia",
  "westindia",
  "jioindiawest",
  "mexicocentral",
  "qatarcentral",
  "israelcentral",
] as const;

const KNOWN = new Set<string>(REGIONS);

/** Types whose only location is "global" (private DNS zones and their links, as Azure requires). */
const GLOBAL_TYPES = new Set([
  "microsoft.network/privatednszones",
  "microsoft.network/privatednszones/virtualnetworklinks",
]);

/** The programmatic form ARM stores: "West Europe" → "westeurope". */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** The region named in an id (hub names usually carry it, e.g. vnet-hub-westeurope). */
export function inferRegion(text: string): string | null {
  const lower = text.toLowerCase();
  for (const region of REGIONS) if (new RegExp(`(^|[^a-z0-9])${region}([^a-z0-9]|$)`).test(lower)) return region;
  return null;
}

/** The normalised location of a resource group, or ARM's refusal. */
export function resourceGroupLocation(location: string): string {
  const normal = normalizeLocation(location);
  if (KNOWN.has(normal)) return normal;
  throw new ArmError(
    400,
    "LocationNotAvailableForResourceGroup",
    `The provided location '${location}' is not available for resource group. List of available regions is '${REGIONS.join(",")}'.`,
  );
}

/** The normalised location of a resource of `type` (canonical type), or ARM's refusal. */
export function resourceLocation(location: string, type: string): string {
  const normal = normalizeLocation(location);
  const global = GLOBAL_TYPES.has(type.toLowerCase());
  if (global ? normal === "global" : KNOWN.has(normal)) return normal;
  const available = global ? "global" : REGIONS.join(",");
  throw new ArmError(
    400,
    "LocationNotAvailableForResourceType",
    `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is '${available}'.`,
  );
}
