/**
 * Public types of the ARM simulator. Kept free of Next.js and Prisma so the simulator starts in a plain Node process.
 */
import type { OutOfBandChange } from "./out-of-band";

export interface DirectoryPrincipal {
  objectId: string;
  tenantId?: string;
  type?: "User" | "Group" | "ServicePrincipal" | "ForeignGroup" | "Device";
  displayName?: string;
}

export interface ThrottlingBucket {
  /** Bucket size (burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface ThrottlingOptions {
  enabled?: boolean;
  writes?: ThrottlingBucket;
  deletes?: ThrottlingBucket;
  reads?: ThrottlingBucket;
}

export type FaultKind =
  | "throttle" // 429 with Retry-After
  | "throttle-no-retry-after" // 429 without Retry-After
  | "internal-error" // 500
  | "service-unavailable" // 503
  | "connection-reset" // socket destroyed before any response
  | "hang" // a response that never comes
  | "lro-failed" // the long-running operation started by this request ends Failed
  | "principal-not-found"; // 400 PrincipalNotFound on a role assignment PUT

export interface FaultRule {
  kind: FaultKind;
  /** HTTP method to match (case-insensitive); any when absent. "write" matches PUT/PATCH/POST, "read" GET/HEAD. */
  method?: string;
  /** Regular expression (case-insensitive) matched against the normalised request path; any when absent. */
  pathPattern?: string;
  /** Apply to the next N matching requests (a script). */
  count?: number;
  /** Apply to each matching request with this probability (0..1), drawn from the seeded PRNG. */
  rate?: number;
  /** Retry-After seconds for "throttle" (default 1). */
  retryAfterSeconds?: number;
  /** Error code/message for "lro-failed" (defaults: InternalServerError). */
  errorCode?: string;
  errorMessage?: string;
}

export interface FaultOptions {
  /** Seed of the PRNG that decides rate-based faults (defaults to the simulator seed). */
  seed?: number;
  rules?: FaultRule[];
}

export interface LandingZone {
  subnetIds: string[];
  privateDnsZoneIds: string[];
  /** Region of the hub virtual network; inferred from the ids (e.g. vnet-hub-westeurope) when absent, else eastus. */
  location?: string;
}

export interface ArmSimulatorOptions {
  port?: number;
  host?: string;
  /** Multiplies every latency of the profile: 1 realistic, 0 instant. */
  timeScale?: number;
  stateFile?: string | null;
  certDir?: string;
  seed?: number;
  throttling?: ThrottlingOptions;
  faults?: FaultOptions;
  principals?: DirectoryPrincipal[];
  /** Real milliseconds before an added principal becomes visible to role assignments (unless principalType is sent). */
  principalReplicationDelayMs?: number;
  landingZone?: LandingZone;
  tenantId?: string;
  /** Soft-delete retention for ML workspaces (real ms, not scaled). Default 14 days. */
  softDeleteRetentionMs?: number;
  /** Maximum request-log entries kept (oldest dropped first). Default 5000. */
  requestLogLimit?: number;
  /** Azure ML quota limits by usage name, for all regions or one ("westeurope/<name>"); see providers/ml-quota.ts. */
  quotaLimits?: Record<string, number>;
  /** Azure Policy rules checkPolicyRestrictions evaluates (providers/policy-insights.ts); none by default. */
  policyRules?: import("./providers/policy-insights").PolicyRule[];
  /** When set, control endpoints that change anything require `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /** Override single latency entries ([minMs, maxMs] at time scale 1). */
  latencyProfile?: Partial<Record<LatencyOperation, [number, number]>>;
}

export type LatencyOperation =
  | "read"
  | "resourceGroupWrite"
  | "resourceGroupDelete"
  | "storageAccountCreate"
  | "storageAccountDelete"
  | "keyVaultCreate"
  | "keyVaultDelete"
  | "appInsightsWrite"
  | "appInsightsDelete"
  | "workspaceCreate"
  | "workspaceUpdate"
  | "workspaceDelete"
  | "computeInstanceCreate"
  | "amlComputeCreate"
  | "computeUpdate"
  | "computeInstanceDelete"
  | "amlComputeDelete"
  | "connectionWrite"
  | "privateEndpointCreate"
  | "privateEndpointDelete"
  | "privateDnsZoneGroupWrite"
  | "privateDnsZoneGroupDelete"
  | "networkWrite"
  | "roleDefinitionWrite"
  | "roleAssignmentWrite"
  | "roleDelete";

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  apiVersion: string | null;
  status: number;
  durationMs: number;
  correlationId: string;
  requestId: string;
  clientRequestId: string | null;
  timestamp: string;
  /** Parsed JSON request body (null when there was none or it was not JSON). */
  body: unknown;
  /** Error code of an error response. */
  errorCode: string | null;
  /** Injected fault, when one applied. */
  fault: FaultKind | null;
  /** Set on a change made out of band (as a person in the Azure portal would), not through the ARM API. */
  outOfBand?: { kind: string; resourceId: string };
}

export interface SimResource {
  id: string;
  type: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string | null;
  location: string | null;
  provisioningState: string | null;
  createdAt: string;
  updatedAt: string;
  tags: Record<string, string>;
  /** The resource as a GET through ARM would return it. */
  resource: Record<string, unknown>;
}

export interface SoftDeletedWorkspace {
  id: string;
  name: string;
  location: string | null;
  deletedAt: string;
  purgeAt: string;
}

export interface ArmSimulator {
  url: string;
  port: number;
  certPem: string;
  certPath: string;
  timeScale: number;
  close(): Promise<void>;
  requestLog(): LoggedRequest[];
  resetLog(): void;
  resources(): SimResource[];
  softDeletedWorkspaces(): SoftDeletedWorkspace[];
  addPrincipals(principals: DirectoryPrincipal[]): void;
  setFaults(faults: FaultOptions): void;
  /**
   * Changes the estate out of band, as a person in the Azure portal would (see out-of-band.ts for the kinds);
   * returns the resource as GET now shows it and records the change in the request log.
   */
  outOfBand(change: OutOfBandChange): Record<string, unknown>;
  /** Merges Azure ML quota limits (as PUT /_simulator/quotas). */
  setQuotaLimits(limits: Record<string, number>): void;
  /** Replaces the Azure Policy rules (as PUT /_simulator/policies). */
  setPolicyRules(rules: import("./providers/policy-insights").PolicyRule[]): void;
  /** Waits until the state file (if any) reflects every change so far. */
  flush(): Promise<void>;
}
