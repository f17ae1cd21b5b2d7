// The portal settings form (pure: shared by the form and the server action). Every field is validated on the
// server with a message that says what is expected.
import { z } from "zod";
import { UUID_PATTERN as GUID } from "@/lib/access/params";

const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : trimmed(v));

const SUBNET_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w._()]{1,90}\/providers\/Microsoft\.Network\/virtualNetworks\/[-\w._]{2,64}\/subnets\/[-\w._]{1,80}$/i;
const zoneId = (zone: string) =>
  new RegExp(
    `^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\\w._()]{1,90}/providers/Microsoft\\.Network/privateDnsZones/${zone.replace(/\./g, "\\.")}$`,
    "i",
  );

export const API_ZONE = "privatelink.api.azureml.ms";
export const NOTEBOOKS_ZONE = "privatelink.notebooks.azure.net";

const guid = (what: string) =>
  z.preprocess(
    trimmed,
    z
      .string({ error: `Enter the ${what}.` })
      .regex(GUID, `The ${what} is a GUID, e.g. 00000000-0000-0000-0000-000000000000.`),
  );
const optionalGuid = (what: string) =>
  z.preprocess(
    emptyToUndefined,
    z.string().regex(GUID, `The ${what} is a GUID, e.g. 00000000-0000-0000-0000-000000000000.`).optional(),
  );
const optionalZone = (zone: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        zoneId(zone),
        `Enter the resource id of the ${zone} private DNS zone: /subscriptions/…/resourceGroups/…/providers/Microsoft.Network/privateDnsZones/${zone}.`,
      )
      .optional(),
  );

export const settingsSchema = z
  .object({
    version: z.coerce.number({ error: "Reload the page and try again." }).int().min(1),
    azureTenantId: guid("Entra tenant id"),
    subscriptionDev: optionalGuid("development subscription id"),
    subscriptionTest: optionalGuid("test subscription id"),
    subscriptionProd: optionalGuid("production subscription id"),
    allowedRegions: z.preprocess(
      (v) =>
        typeof v === "string"
          ? v
              .split(/[\s,]+/)
              .filter(Boolean)
              .map((r) => r.toLowerCase())
          : v,
      z
        .array(
          z.string().regex(/^[a-z][a-z0-9]{2,30}$/, "Regions are Azure region names such as westeurope or eastus2."),
          { error: "List at least one region." },
        )
        .min(1, "List at least one region.")
        .max(60, "At most 60 regions.")
        .refine((a) => new Set(a).size === a.length, "List each region once."),
    ),
    privateEndpointSubnetId: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          SUBNET_ID,
          "Enter the resource id of the hub subnet for private endpoints: /subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/….",
        )
        .optional(),
    ),
    apiDnsZoneId: optionalZone(API_ZONE),
    notebooksDnsZoneId: optionalZone(NOTEBOOKS_ZONE),
    defaultIdleShutdownMinutes: z.coerce
      .number({ error: "Enter the idle shutdown time in minutes." })
      .int("Enter whole minutes.")
      .min(15, "Idle shutdown is at least 15 minutes.")
      .max(4320, "Idle shutdown is at most 4,320 minutes (3 days)."),
    allowedVmSizes: z.preprocess(
      (v) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.string().max(64)).max(200),
    ),
  })
  .superRefine((v, ctx) => {
    const privateLinkParts = [v.privateEndpointSubnetId, v.apiDnsZoneId, v.notebooksDnsZoneId];
    const given = privateLinkParts.filter(Boolean).length;
    if (given > 0 && given < 3) {
      for (const [key, value] of [
        ["privateEndpointSubnetId", v.privateEndpointSubnetId],
        ["apiDnsZoneId", v.apiDnsZoneId],
        ["notebooksDnsZoneId", v.notebooksDnsZoneId],
      ] as const) {
        if (!value)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message:
              "Private Link needs the subnet and both DNS zones; fill in all three, or clear all three to offer public workspaces only.",
          });
      }
    }
    if (v.allowedVmSizes.length === 0)
      ctx.addIssue({ code: "custom", path: ["allowedVmSizes"], message: "Allow at least one VM size." });
  });

export type SettingsInput = z.infer<typeof settingsSchema>;

/** The settings as one flat, comparable record (what the form edits and the audit diff shows). */
export type SettingsSnapshot = {
  azureTenantId: string;
  subscriptions: { dev: string | null; test: string | null; prod: string | null };
  allowedRegions: string[];
  privateEndpointSubnetId: string | null;
  privateDnsZoneIds: string[];
  defaultIdleShutdownMinutes: number;
  allowedVmSizes: string[];
};

/** The changed top-level keys only, as {before, after}. */
export function settingsDiff(
  before: SettingsSnapshot,
  after: SettingsSnapshot,
): { before: Partial<SettingsSnapshot>; after: Partial<SettingsSnapshot> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof SettingsSnapshot)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b as Partial<SettingsSnapshot>, after: a as Partial<SettingsSnapshot> };
}
