/**
 * Azure's errors, classified once for every step kind: which are transient (the step's attempt is retried with
 * backoff), which are decisions (the step fails and a person must act), and how to say so in words a person can act on.
 */
import type { PlanStep, StepKind } from "@/lib/plan/types";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Each kind as it reads inside a sentence ("Creating the compute cluster …"); lib/plan/labels.ts has the titles. */
const KIND_IN_SENTENCE: Record<StepKind, string> = {
  resourceGroup: "resource group",
  storageAccount: "storage account",
  keyVault: "key vault",
  applicationInsights: "Application Insights component",
  workspace: "Azure ML workspace",
  privateEndpoint: "private endpoint",
  privateDnsZoneGroup: "private DNS zone group",
  roleDefinition: "custom role definition",
  roleAssignment: "role assignment",
  computeInstance: "compute instance",
  computeCluster: "compute cluster",
  gitConnection: "Git connection",
  budget: "budget",
};

export class StepError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly retryable: boolean,
    public readonly statusCode?: number,
    public readonly retryAfterMs?: number | null,
  ) {
    super(message);
    this.name = "StepError";
  }
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  "PrincipalNotFound",
  "InternalServerError",
  "ServiceUnavailable",
  "GatewayTimeout",
  "RetryableError",
  "RetryableErrorDueToAnotherOperation",
  "AnotherOperationInProgress",
  "SubscriptionRequestsThrottled",
  "TooManyRequests",
  "REQUEST_SEND_ERROR",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "RequestTimedOut",
  "EPIPE",
  "OperationFailed",
]);

export interface ArmErrorInfo {
  statusCode?: number;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs: number | null;
}

/** Normalises SDK errors (RestError, core-lro's "long-running operation has failed", transport errors). */
export function armErrorInfo(err: unknown): ArmErrorInfo {
  if (err instanceof StepError)
    return {
      statusCode: err.statusCode,
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      retryAfterMs: err.retryAfterMs ?? null,
    };
  const e = err as {
    statusCode?: number;
    code?: string;
    message?: string;
    name?: string;
    response?: { headers?: { get?: (n: string) => string | undefined } };
    details?: unknown;
  };
  const message = e?.message ?? String(err);
  if (e?.name === "AbortError")
    return {
      code: "Aborted",
      message: "The worker stopped while this step was running.",
      retryable: true,
      retryAfterMs: null,
    };
  // core-lro 2: "The long-running operation has failed. QuotaExceeded. Not enough cores."
  const lro = /long-running operation has failed\.?\s*([A-Za-z]+)?\.?\s*(.*)$/s.exec(message);
  if (lro && !e.statusCode) {
    const code = lro[1] ?? "OperationFailed";
    return { code, message: lro[2]?.trim() || message, retryable: TRANSIENT_CODES.has(code), retryAfterMs: null };
  }
  // The request-timeout policy (clients.ts) names a request that got no answer ETIMEDOUT, so that the SDK's own retry
  // resends it; once those retries are spent it is still transient for the step.
  if (e?.code === "ETIMEDOUT" && !e.statusCode)
    return { code: "RequestTimedOut", message, retryable: true, retryAfterMs: null };
  const details = obj(obj(e?.details).error);
  const code = e?.code ?? str(details.code) ?? (e?.statusCode ? `Http${e.statusCode}` : "UnknownError");
  const status = e?.statusCode;
  let retryAfter: number | null = null;
  const header = e?.response?.headers?.get?.("retry-after");
  if (header && Number.isFinite(Number(header))) retryAfter = Number(header) * 1000;
  const conflictInProgress = status === 409 && /provisioning state|in progress|another operation/i.test(message);
  const retryable =
    TRANSIENT_CODES.has(code) ||
    (status !== undefined && TRANSIENT_STATUS.has(status)) ||
    conflictInProgress ||
    (!status && /socket hang up|ECONNRESET|network|timed out/i.test(message));
  return { statusCode: status, code, message, retryable, retryAfterMs: retryAfter };
}

/** Azure's error in words a person can act on. */
export function describeStepError(
  step: Pick<PlanStep, "kind" | "name" | "target" | "body">,
  info: { code: string; message: string },
): string {
  const op = (step as { op?: string }).op;
  const verb = op === "delete" ? "Deleting" : op === "update" ? "Updating" : "Creating";
  const what = `${verb} the ${KIND_IN_SENTENCE[step.kind]} "${step.name}"`;
  const sub = step.target.subscriptionId;
  switch (info.code) {
    case "AuthorizationFailed":
      return `${what} was refused: Atrium's identity lacks permission in subscription ${sub}. Ask a subscription owner to grant it Contributor and Role Based Access Control Administrator, then retry. Azure said: ${info.message}`;
    case "QuotaExceeded":
    case "OperationNotAllowed":
      return `${what} failed: the subscription ${sub} has no quota left for this VM size. Request more quota in the Azure portal (or choose another size), then retry. Azure said: ${info.message}`;
    case "MissingSubscriptionRegistration":
      return `${what} failed: a resource provider is not registered in subscription ${sub}. Register it (az provider register), then retry. Azure said: ${info.message}`;
    case "PrincipalNotFound":
      return `${what} failed: the person's Entra object id is not (yet) in the directory. Check the member's object id in the people admin page; if the account was just created, retry in a few minutes. Azure said: ${info.message}`;
    case "InvalidResourceReference":
    case "LinkedInvalidPropertyId":
      return `${what} failed: it refers to a resource that does not exist (check the private-endpoint subnet and DNS zones in the portal settings), then retry. Azure said: ${info.message}`;
    case "StorageAccountAlreadyTaken":
    case "VaultAlreadyExists":
      return `${what} failed: the globally unique name "${step.name}" is already used outside this request. An admin must free the name (or purge a soft-deleted vault), then retry. Azure said: ${info.message}`;
    case "RequestTimedOut":
      return `${what} failed: Azure did not answer, several times in a row (${info.message}). Check Azure's status page and the network between Atrium and management.azure.com, then retry.`;
    case "OperationTimedOut":
      return `${what} did not finish in time: ${info.message} Check the resource's deployment in the Azure portal; a retry waits for it again (it is not created twice).`;
    case "ComputeDrift":
      return `${what} was skipped: a compute with this name already exists with a different specification, and Atrium never overwrites a compute. ${info.message} Delete or align the existing compute, then retry.`;
    case "RoleDefinitionWithSameNameExists":
      return `${what} failed: a custom role with the same name but another id exists in the tenant. An admin must rename or delete it, then retry. Azure said: ${info.message}`;
    default:
      return `${what} failed (${info.code}): ${info.message}`;
  }
}
