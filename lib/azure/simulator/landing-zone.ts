/** Seeds the hub network a landing zone provides (resource groups, VNets, subnets, private DNS zones). */
import { randomUUID } from "node:crypto";
import { keyOf, parseResourceId, rgId } from "./paths";
import { T, TERMINAL_OK } from "./provider";
import type { Json, Store } from "./store";

/** Seeds the hub network resources the portal's settings point at (resource groups, VNets, subnets, DNS zones). */
export function seedLandingZone(
  store: Store,
  now: number,
  subnetIds: string[],
  privateDnsZoneIds: string[],
  location = "eastus",
): void {
  const ensureGroup = (sub: string, rg: string) => {
    const key = keyOf(rgId(sub, rg));
    if (store.get(key)) return;
    store.put({
      key,
      id: rgId(sub, rg),
      type: T.rg,
      name: rg,
      subscriptionId: sub,
      resourceGroup: rg,
      location,
      body: {
        id: rgId(sub, rg),
        name: rg,
        type: T.rg,
        location,
        tags: { "managed-by": "landing-zone" },
        properties: { provisioningState: TERMINAL_OK },
      },
      createdAt: now,
      updatedAt: now,
    });
  };
  const ensure = (id: string, type: string, loc: string | null, properties: Json) => {
    const key = keyOf(id);
    if (store.get(key)) return;
    const parsed = parseResourceId(id)!;
    store.put({
      key,
      id,
      type,
      name: parsed.name,
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      location: loc,
      body: {
        id,
        name: parsed.name,
        type,
        ...(loc && type !== T.subnet ? { location: loc } : {}),
        etag: `W/"${randomUUID()}"`,
        properties: { ...properties, provisioningState: TERMINAL_OK },
      },
      createdAt: now,
      updatedAt: now,
    });
  };
  subnetIds.forEach((subnetId, i) => {
    const parsed = parseResourceId(subnetId);
    if (!parsed || parsed.type !== T.subnet || !parsed.resourceGroup)
      throw new Error(`landing zone: not a subnet id: ${subnetId}`);
    ensureGroup(parsed.subscriptionId, parsed.resourceGroup);
    const vnetId = subnetId.replace(/\/subnets\/[^/]+$/i, "");
    ensure(vnetId, T.vnet, location, {
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      resourceGuid: randomUUID(),
    });
    ensure(subnetId, T.subnet, location, {
      addressPrefix: `10.0.${i + 1}.0/24`,
      privateEndpointNetworkPolicies: "Disabled",
    });
  });
  for (const zoneId of privateDnsZoneIds) {
    const parsed = parseResourceId(zoneId);
    if (!parsed || parsed.type !== T.dnsZone || !parsed.resourceGroup)
      throw new Error(`landing zone: not a private DNS zone id: ${zoneId}`);
    ensureGroup(parsed.subscriptionId, parsed.resourceGroup);
    ensure(zoneId, T.dnsZone, "global", {
      maxNumberOfRecordSets: 25000,
      numberOfRecordSets: 1,
      numberOfVirtualNetworkLinks: 0,
    });
  }
}
