/**
 * Cloud Adoption Framework names for a workspace set (the product rules "Names and tags"), checked against
 * Azure's naming rules (Azure's resource naming rules).
 *
 * Every name is a pure function of the request's scope, environment, region, subscription and the
 * named thing (person, VM size, pipeline) — never of the request id — so the same workspace set
 * always gets the same names and a retried PUT converges instead of creating a twin. When a name
 * would be too long or break a rule, it is truncated or sanitised deterministically and a short
 * hash of the full input is appended, so two different inputs never collapse onto one name.
 *
 * Pure module: uses uuid's v5 (SHA-1) for hashing, so it runs in the browser, the CLI and Node.
 */
import { parse as uuidParse, v5 as uuidv5 } from "uuid";
import type { PlanEnvironment, PlanInput } from "./types";
import { ENVIRONMENTS } from "@/lib/vocabulary";

/** Atrium's UUIDv5 namespace (fixed forever: changing it renames every resource). */
export const ATRIUM_NAMESPACE = "3b0c5f4e-7a51-4d7e-9c1a-6f2e8d4b9a10";

// The namespace parsed once and names encoded with TextEncoder: the same UUIDs as passing strings, at a
// fraction of the cost (a 50-member plan derives hundreds of them).
const NAMESPACE_BYTES = uuidParse(ATRIUM_NAMESPACE);
const utf8 = new TextEncoder();

// A change plan builds two nearly identical plans: remembering recent UUIDs halves its hashing. Bounded,
// and a pure function's cache can never be stale.
const guidCache = new Map<string, string>();
const GUID_CACHE_MAX = 20_000;

/** Deterministic UUIDv5 of `name` in Atrium's namespace. */
export function deterministicGuid(name: string): string {
  const known = guidCache.get(name);
  if (known) return known;
  const guid = uuidv5(utf8.encode(name), NAMESPACE_BYTES);
  if (guidCache.size >= GUID_CACHE_MAX) guidCache.clear();
  guidCache.set(name, guid);
  return guid;
}

/** `n` lower-case hex characters (n ≤ 32) derived from `input`. */
export function shortHash(input: string, n: number): string {
  const hex = deterministicGuid(input).replace(/-/g, "");
  // Skip the version (index 12) and variant (index 16) nibbles, which are not random.
  const bits = hex.slice(0, 12) + hex.slice(13, 16) + hex.slice(17);
  return bits.slice(0, n);
}

/** `n` lower-case letters (a–z, n ≤ 13) derived from `input`, for names where a hyphen must be followed by a letter. */
export function letterHash(input: string, n: number): string {
  let v = BigInt(`0x${shortHash(input, 16)}`);
  let out = "";
  for (let i = 0; i < n; i++) {
    out += String.fromCharCode(97 + Number(v % BigInt(26)));
    v /= BigInt(26);
  }
  return out;
}

/** Lower-case, `[a-z0-9-]`, no leading/trailing/double hyphens. */
export function slugPart(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Lower-case letters and digits only. */
export function alnumPart(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]/g, "");
}

const trimHyphens = (s: string) => s.replace(/^-+|-+$/g, "");

/** Fits a slug into `budget` characters; when truncated, appends `-<hash4>` of the full slug. */
function fitSlug(slug: string, budget: number): string {
  if (slug.length <= budget) return slug;
  const keep = Math.max(0, budget - 5);
  const head = trimHyphens(slug.slice(0, keep));
  return head ? `${head}-${shortHash(slug, 4)}` : shortHash(slug, Math.min(budget, 8));
}

// ---------------------------------------------------------------------------------------------
// Azure's rules

export type NamedKind =
  | "resourceGroup"
  | "workspace"
  | "storageAccount"
  | "keyVault"
  | "applicationInsights"
  | "privateEndpoint"
  | "compute"
  | "gitConnection";

/**
 * Returns why `name` breaks Azure's rule for `kind`, or null when it is valid.
 * Sources: resource-name-rules (azure-docs), the ML spec regex, compute-instance docs
 * (Azure's rules for both workspaces and computes: 3–16, start with a letter,
 * a hyphen must be followed by at least one letter, no trailing hyphen).
 */
export function nameRuleViolation(kind: NamedKind, name: string): string | null {
  const len = name.length;
  switch (kind) {
    case "resourceGroup":
      if (len < 1 || len > 90) return "a resource group name has 1 to 90 characters";
      if (!/^[A-Za-z0-9_\-.()]+$/.test(name)) return "a resource group name uses letters, digits, _ - . ( )";
      if (name.endsWith(".")) return "a resource group name can't end with a dot";
      return null;
    case "workspace":
      if (len < 3 || len > 33) return "a workspace name has 3 to 33 characters";
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name))
        return "a workspace name starts with a letter or digit and uses letters, digits, _ and -";
      return null;
    case "storageAccount":
      if (len < 3 || len > 24) return "a storage account name has 3 to 24 characters";
      if (!/^[a-z0-9]+$/.test(name)) return "a storage account name uses lower-case letters and digits only";
      return null;
    case "keyVault":
      if (len < 3 || len > 24) return "a key vault name has 3 to 24 characters";
      if (!/^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/.test(name))
        return "a key vault name starts with a letter, ends with a letter or digit and uses letters, digits and hyphens";
      if (name.includes("--")) return "a key vault name can't contain consecutive hyphens";
      return null;
    case "applicationInsights":
      if (len < 1 || len > 260) return "an Application Insights name has 1 to 260 characters";
      if (!/^[A-Za-z0-9_\-.()]+$/.test(name)) return "an Application Insights name uses letters, digits, _ - . ( )";
      return null;
    case "privateEndpoint":
      if (len < 2 || len > 64) return "a private endpoint name has 2 to 64 characters";
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/.test(name))
        return "a private endpoint name starts with a letter or digit and ends with a letter, digit or _";
      return null;
    case "compute":
      if (len < 3 || len > 16) return "a compute name has 3 to 16 characters";
      if (!/^[a-zA-Z](?:[a-zA-Z0-9]|-(?=.*[a-zA-Z]))*$/.test(name))
        return "a compute name starts with a letter, uses letters, digits and hyphens, and every hyphen is followed by a letter";
      if (name.endsWith("-")) return "a compute name can't end with a hyphen";
      return null;
    case "gitConnection":
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name))
        return "a connection name has 3 to 33 letters, digits, _ or -, starting with a letter or digit";
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Names

/** The slug that names the workspace set: team slug, project slug, or business-division slug for `shared`. */
export function scopeSlugOf(input: Pick<PlanInput, "pattern" | "team" | "project">): string {
  if (input.pattern === "project") return slugPart(input.project?.slug ?? "");
  if (input.pattern === "shared") return slugPart(input.team.businessDivision);
  return slugPart(input.team.slug);
}

export interface EnvironmentNames {
  resourceGroup: string;
  workspace: string;
  storageAccount: string;
  keyVault: string;
  applicationInsights: string;
  privateEndpoint: string;
}

/** Length of the longest environment name ("test", "prod"): the budget every environment's names are cut to. */
export const LONGEST_ENVIRONMENT = Math.max(...ENVIRONMENTS.map((e) => e.length));

/** Names of the fixed resources of one environment. `subscriptionId` keeps global names (storage, key vault) apart across subscriptions. */
export function environmentNames(
  scope: string,
  env: PlanEnvironment,
  region: string,
  subscriptionId: string,
): EnvironmentNames {
  const globalKey = `${subscriptionId.toLowerCase()}/${scope}/${env}`;
  // Budgets are computed for the longest environment name, not this one: one set's names then share one
  // scope part (mlw-<scope>-dev, mlw-<scope>-test), so people and scripts recognise them as one set.
  const e = LONGEST_ENVIRONMENT;
  const workspace = `mlw-${fitSlug(scope, 33 - "mlw-".length - 1 - e)}-${env}`;
  const stScope = alnumPart(scope).slice(0, 24 - 2 - e - 6);
  const kvScope = trimHyphens(fitSlug(scope, 24 - 3 - 1 - e - 1 - 5).replace(/-+/g, "-"));
  return {
    resourceGroup: `rg-${fitSlug(scope, 90 - 3 - 1 - e - 1 - region.length)}-${env}-${region}`,
    workspace,
    storageAccount: `st${stScope}${env}${shortHash(globalKey, 6)}`,
    keyVault: `kv-${kvScope ? `${kvScope}-` : ""}${env}-${shortHash(globalKey, 5)}`,
    applicationInsights: `appi-${fitSlug(scope, 200)}-${env}`,
    privateEndpoint: `pep-${workspace}`,
  };
}

const COMPUTE_MAX = 16;

/** `<prefix>-<part>`, or, when that breaks the compute rule, `<prefix>-<part…>-<4 letters>` of the full input. */
function computeName(prefix: string, part: string, hashSource: string): string {
  const candidate = part ? `${prefix}-${part}` : "";
  if (candidate && candidate.length <= COMPUTE_MAX && nameRuleViolation("compute", candidate) === null)
    return candidate;
  const h = letterHash(hashSource, 4);
  const room = COMPUTE_MAX - prefix.length - 1 - 1 - h.length;
  const head = trimHyphens(part.slice(0, room));
  return head ? `${prefix}-${head}-${h}` : `${prefix}-${h}`;
}

/**
 * Compute-instance name `ci-<user>-<hash>` (user: first 7 letters/digits of the e-mail's local part; hash: 5 letters). Compute-instance names are unique per Azure region, not
 * per workspace, so the hash (of subscription, scope, environment and the person's object id) is
 * always added: two workspace sets in one region never ask for the same instance name.
 */
export function computeInstanceName(
  scope: string,
  env: PlanEnvironment,
  subscriptionId: string,
  email: string,
  entraObjectId: string,
): string {
  const user = alnumPart(email.split("@")[0] ?? "").slice(0, 7);
  const h = letterHash(`${subscriptionId.toLowerCase()}/${scope}/${env}/${entraObjectId.toLowerCase()}`, 5);
  return user ? `ci-${user}-${h}` : `ci-${h}`;
}

/** `Standard_DS3_v2` → `ds3v2`. */
export function vmSizeShortName(vmSize: string): string {
  return alnumPart(vmSize.replace(/^standard_/i, ""));
}

/** Development cluster `cc-<size>`. */
export function sizeClusterName(vmSize: string): string {
  return computeName("cc", vmSizeShortName(vmSize), `size/${vmSize.toLowerCase()}`);
}

/** Pipeline cluster `cc-<pipeline>`. */
export function pipelineClusterName(pipeline: string): string {
  return computeName("cc", slugPart(pipeline), `pipeline/${pipeline}`);
}

/** Git connection `git-<repository>`. */
export function gitConnectionName(url: string): string {
  let repo = "";
  try {
    repo = new URL(url).pathname.split("/").filter(Boolean).pop() ?? "";
  } catch {
    repo = "";
  }
  repo = slugPart(repo.replace(/\.git$/i, ""));
  const candidate = repo ? `git-${repo}` : "git-repository";
  if (candidate.length <= 33) return candidate;
  return `git-${trimHyphens(repo.slice(0, 33 - 4 - 5))}-${shortHash(url, 4)}`;
}
