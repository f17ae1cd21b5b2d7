/** Request-path normalisation and ARM id parsing. Paths match case-insensitively; repeated slashes collapse. */

export function normalizePath(rawPath: string): string {
  let p = rawPath.replace(/\/{2,}/g, "/");
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p.startsWith("/") ? p : `/${p}`;
}

export function splitSegments(normalized: string): string[] {
  const out: string[] = [];
  for (const raw of normalized.split("/")) {
    if (!raw) continue;
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      out.push(raw);
    }
  }
  return out;
}

export function parseQuery(qs: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!qs) return out;
  for (const [k, v] of new URLSearchParams(qs)) {
    const key = k.toLowerCase();
    if (!(key in out)) out[key] = v;
  }
  return out;
}

/** Canonical casing of the resource types the simulator knows, keyed by lower-case `namespace/type[/child…]`. */
export const CANONICAL_TYPES: Record<string, string> = {};
for (const t of [
  "Microsoft.Resources/resourceGroups",
  "Microsoft.Storage/storageAccounts",
  "Microsoft.KeyVault/vaults",
  "microsoft.insights/components",
  "Microsoft.MachineLearningServices/workspaces",
  "Microsoft.MachineLearningServices/workspaces/computes",
  "Microsoft.MachineLearningServices/workspaces/connections",
  "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections",
  "Microsoft.Network/privateEndpoints",
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
  "Microsoft.Network/virtualNetworks",
  "Microsoft.Network/virtualNetworks/subnets",
  "Microsoft.Network/privateDnsZones",
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  "Microsoft.Authorization/roleAssignments",
  "Microsoft.Authorization/roleDefinitions",
  "Microsoft.Consumption/budgets",
]) {
  CANONICAL_TYPES[t.toLowerCase()] = t;
}

export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup: string | null;
  /** Canonical full type, e.g. Microsoft.Network/virtualNetworks/subnets (lower-case when unknown). */
  type: string;
  names: string[];
  name: string;
}

/** Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{child}/{name}]…`. */
export function parseResourceId(id: string): ParsedResourceId | null {
  const segs = splitSegments(normalizePath(id));
  const low = segs.map((s) => s.toLowerCase());
  if (low[0] !== "subscriptions" || segs.length < 2) return null;
  const subscriptionId = segs[1];
  if (segs.length === 4 && low[2] === "resourcegroups") {
    return {
      subscriptionId,
      resourceGroup: segs[3],
      type: "Microsoft.Resources/resourceGroups",
      names: [segs[3]],
      name: segs[3],
    };
  }
  if (low[2] !== "resourcegroups" || low[4] !== "providers" || segs.length < 8) return null;
  const rest = segs.slice(6);
  if (rest.length % 2 !== 0) return null;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]);
    names.push(rest[i + 1]);
  }
  const lowerType = `${segs[5]}/${types.join("/")}`.toLowerCase();
  return {
    subscriptionId,
    resourceGroup: segs[3],
    type: CANONICAL_TYPES[lowerType] ?? lowerType,
    names,
    name: names[names.length - 1],
  };
}

/** Builds a canonical resource id. */
export function buildId(subscriptionId: string, resourceGroup: string, type: string, names: string[]): string {
  const [ns, ...types] = type.split("/");
  let id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${ns}`;
  types.forEach((t, i) => {
    id += `/${t}/${names[i]}`;
  });
  return id;
}

export const keyOf = (id: string): string => normalizePath(id).toLowerCase();

export const rgId = (subscriptionId: string, resourceGroup: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
