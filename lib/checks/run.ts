import "server-only";
/**
 * Runs the pre-approval checks of one request (a new request or a change request alike: both store their plan's
 * steps on the request) and records the run. The Azure reads go out in parallel through the project's client factory,
 * so they share its ARM token buckets; a read that fails becomes a warning that says the check could not run (an
 * approver may acknowledge it; the engine checks again before it writes), never a silent pass.
 */
import { recordAuditEvent } from "@/lib/audit/record-event";
import { withArmCallContext } from "@/lib/azure/call-context";
import type { ClientFactory } from "@/lib/azure/clients";
import {
  checkPolicyRestrictions,
  countRoleAssignments,
  listDeletedVaults,
  readUsages,
  readVmSizes,
  resourceGroupExists,
} from "@/lib/azure/preflight";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/generated/prisma/client";
import { checksClientFactory } from "./azure";
import {
  type CheckedStep,
  type CheckResult,
  computeNeeds,
  countAssignments,
  evaluateNames,
  evaluatePolicy,
  evaluateQuota,
  evaluateRoleAssignments,
  type HeldName,
  namesPass,
  worstStatus,
} from "./evaluate";
import { toCheckReport, type CheckReport, type CheckTrigger } from "./report";

/** Requests whose plans are approved but not yet applied: their computes and assignments are spoken for. */
const PENDING_STATUSES = ["APPROVED", "STAKEHOLDER_APPROVED", "PROVISIONING"] as const;
/**
 * At apply time the engine serves runs in the order they start: what is spoken for then is what other runs are
 * applying now; approved requests not yet started are checked again when they start.
 */
const APPLYING_STATUSES = ["PROVISIONING"] as const;

/** ARM types of the planned resources Azure Policy is asked about (top-level resources of the resource group). */
const POLICY_TYPES: Record<string, string> = {
  resourceGroup: "Microsoft.Resources/resourceGroups",
  storageAccount: "Microsoft.Storage/storageAccounts",
  keyVault: "Microsoft.KeyVault/vaults",
  applicationInsights: "Microsoft.Insights/components",
  workspace: "Microsoft.MachineLearningServices/workspaces",
  privateEndpoint: "Microsoft.Network/privateEndpoints",
};

export interface RunChecksOptions {
  trigger: CheckTrigger;
  /** Who asked (re-run); null when Atrium runs them. */
  actorId?: string | null;
  correlationId: string;
  /** Defaults to the process's factory (checksClientFactory); the engine passes its own. */
  factory?: ClientFactory | null;
  /** The request as the caller already read it, to save a query. */
  request?: CheckedRequest;
}

type PendingRequest = { number: number; region: string | null; steps: CheckedStep[] };

const stepsOf = (plan: unknown): CheckedStep[] =>
  Array.isArray((plan as { steps?: unknown })?.steps) ? ((plan as { steps: CheckedStep[] }).steps ?? []) : [];

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

function couldNotCheck(id: string, what: string, err: unknown): CheckResult {
  return {
    kind: id.split("/")[0] as CheckResult["kind"],
    id: `${id}/unavailable`,
    status: "warn",
    title: `Could not check ${what}`,
    detail: `Azure did not answer: ${message(err)}`,
    action:
      "Re-run the checks. If this persists, approving means accepting that this was not checked (it is checked again before provisioning).",
    environment: null,
  };
}

/** The result of one Azure read, or the warning that it failed. */
async function attempt<T>(id: string, what: string, read: () => Promise<T>): Promise<T | CheckResult> {
  try {
    return await read();
  } catch (err) {
    return couldNotCheck(id, what, err);
  }
}
const failed = (v: unknown): v is CheckResult =>
  typeof v === "object" && v !== null && "status" in v && "kind" in v && "title" in v;

/**
 * Everything the checks evaluate, from the database and from Azure. The database's part may still be on its way: the
 * Azure reads do not wait for it.
 */
export async function evaluateChecks(
  factory: ClientFactory,
  request: { id: string; region: string; steps: CheckedStep[] },
  pendingRequests: PendingRequest[] | Promise<PendingRequest[]>,
  heldWorkspaces: HeldName[] | Promise<HeldName[]>,
): Promise<CheckResult[]> {
  const { region, steps } = request;
  const mine = computeNeeds(steps);
  const pendingNeeds = Promise.resolve(pendingRequests).then((requests) =>
    requests
      .filter((p) => (p.region ?? "").toLowerCase() === region.toLowerCase())
      .flatMap((p) => computeNeeds(p.steps, `REQ-${String(p.number).padStart(5, "0")} `)),
  );
  // Awaited only by the checks that need it (a plan without computes never does): a failed read must not go unhandled.
  pendingNeeds.catch(() => undefined);
  const subscriptions = [...new Set(steps.map((s) => s.target.subscriptionId).filter(Boolean))];

  const quota = subscriptions
    .filter((sub) => mine.some((n) => n.subscriptionId === sub))
    .map(async (sub) => {
      const facts = await attempt(`quota/${sub}`, `the vCPU quota in ${region}`, () =>
        Promise.all([readVmSizes(factory, sub, region), readUsages(factory, sub, region)]),
      );
      if (failed(facts)) return [facts];
      const pending = await pendingNeeds;
      return evaluateQuota(
        { subscriptionId: sub, region, vmSizes: facts[0], usages: facts[1] },
        mine.filter((n) => n.subscriptionId === sub),
        pending.filter((n) => n.subscriptionId === sub),
      );
    });

  const environments = [...new Set(steps.map((s) => s.environment).filter((e) => e !== null))];
  const policy = environments.map(async (env) => {
    const planned = steps.filter(
      (s) => s.environment === env && POLICY_TYPES[s.kind] && (s.op ?? "create") !== "delete",
    );
    if (planned.length === 0) return [];
    const rgStep = steps.find((s) => s.environment === env && s.target.resourceGroup);
    const sub = rgStep?.target.subscriptionId ?? "";
    const rg = rgStep?.target.resourceGroup ?? null;
    const exists = await attempt(`policy/${env}`, `Azure Policy for ${env}`, () =>
      rg ? resourceGroupExists(factory, sub, rg) : Promise.resolve(false),
    );
    if (failed(exists)) return [exists];
    const perStep = await Promise.all(
      planned.map(async (s) => {
        const content = { type: POLICY_TYPES[s.kind], name: s.name, ...(s.body ?? {}) };
        const scope = s.kind === "resourceGroup" || !exists ? null : rg;
        const restrictions = await attempt(`policy/${s.resourceId}`, `Azure Policy for ${s.name}`, () =>
          checkPolicyRestrictions(factory, sub, scope, content, s.apiVersion ?? ""),
        );
        return failed(restrictions) ? [restrictions] : evaluatePolicy(s, restrictions);
      }),
    );
    const results = perStep.flat();
    if (results.length > 0) return results;
    return [
      {
        kind: "policy" as const,
        id: `policy/${env}`,
        status: "pass" as const,
        title: `Azure Policy allows ${env}`,
        detail: `No policy restricts the ${planned.length} planned ${env} resources as they would be sent.`,
        environment: env,
      },
    ];
  });

  const vaultSubs = [
    ...new Set(
      steps.filter((s) => s.kind === "keyVault" && (s.op ?? "create") !== "delete").map((s) => s.target.subscriptionId),
    ),
  ];
  const names = (async () => {
    const lists = await Promise.all(
      vaultSubs.map((sub) => attempt(`names/${sub}`, "soft-deleted key vaults", () => listDeletedVaults(factory, sub))),
    );
    const unavailable = lists.filter(failed);
    const held: HeldName[] = [
      ...(await heldWorkspaces),
      ...lists.flatMap((l) =>
        failed(l)
          ? []
          : l.map((v) => ({
              kind: "keyVault" as const,
              name: v.name,
              until: v.scheduledPurgeDate,
              purgeBlocked: v.purgeProtectionEnabled,
            })),
      ),
    ];
    const found = evaluateNames(steps, held);
    return [...unavailable, ...(found.length > 0 || unavailable.length > 0 ? found : [namesPass(steps)])];
  })();

  const myAssignments = countAssignments(steps);
  const theirAssignments = Promise.resolve(pendingRequests).then((requests) => {
    const counts = new Map<string, number>();
    for (const p of requests)
      for (const [sub, n] of countAssignments(p.steps)) counts.set(sub, (counts.get(sub) ?? 0) + n);
    return counts;
  });
  theirAssignments.catch(() => undefined);
  const assignments = [...myAssignments.entries()].map(async ([sub, n]) => {
    const existing = await attempt(`roleAssignments/${sub}`, "the role assignment limit", () =>
      countRoleAssignments(factory, sub),
    );
    if (failed(existing)) return existing;
    const pending = (await theirAssignments).get(sub) ?? 0;
    return evaluateRoleAssignments({ subscriptionId: sub, existing, mine: n, pending });
  });

  const [q, p, n, a] = await Promise.all([Promise.all(quota), Promise.all(policy), names, Promise.all(assignments)]);
  const quotaResults = q.flat();
  if (mine.length === 0)
    quotaResults.push({
      kind: "quota",
      id: "quota/none",
      status: "pass",
      title: "No compute to create",
      detail: "This plan creates no compute instance or cluster, so it needs no vCPU quota.",
      environment: null,
    });
  return [...quotaResults, ...p.flat(), ...n, ...a];
}

/**
 * Requests in the given statuses (other than this one) with only the plan steps the checks count against the same
 * limits: computes (vCPU quota) and role assignments. The rest of their plans never leaves the database — at apply
 * time fifty runs at once would otherwise each read fifty whole plans.
 */
async function pendingComputeAndAssignments(requestId: string, statuses: readonly string[]): Promise<PendingRequest[]> {
  const rows = await db.$queryRaw<{ number: number; region: string | null; steps: CheckedStep[] | null }[]>`
    SELECT number, region,
           jsonb_path_query_array(plan, '$.steps[*] ? (@.kind == "computeInstance" || @.kind == "computeCluster" || @.kind == "roleAssignment")') AS steps
      FROM workspace_requests
     WHERE id <> ${requestId}::uuid AND status::text = ANY(${statuses}) AND plan IS NOT NULL`;
  return rows.map((r) => ({ number: r.number, region: r.region, steps: r.steps ?? [] }));
}

/**
 * Workspaces Atrium deleted whose names Azure still holds (soft delete keeps them 14 days unless purged). Those of the
 * request's own workspace set are not in the way: recovering the set re-creates them under the same names.
 */
async function heldWorkspaceNames(steps: CheckedStep[], ownSetId: string | null): Promise<HeldName[]> {
  const ids = steps.filter((s) => s.kind === "workspace" && (s.op ?? "create") !== "delete").map((s) => s.resourceId);
  if (ids.length === 0) return [];
  const rows = await db.workspace.findMany({
    where: {
      armId: { in: ids, mode: "insensitive" },
      status: "DECOMMISSIONED",
      OR: [{ workspaceSetId: null }, { workspaceSet: { status: { not: "PURGED" } } }],
      ...(ownSetId ? { NOT: { workspaceSetId: ownSetId } } : {}),
    },
    select: { name: true },
  });
  return rows.map((r) => ({ kind: "workspace", name: r.name, until: null }));
}

type CheckedRequest = {
  id: string;
  region: string | null;
  plan: unknown;
  planHash: string | null;
  workspaceSetId: string | null;
};

/** Checks whose Azure reads are under way: `record()` waits for them and records the run. */
export interface ChecksInFlight {
  record(): Promise<CheckReport>;
}

/**
 * Starts every check of a request already read (plan and hash) without waiting for anything: the Azure reads go out
 * now, what other requests have spoken for is read from the database meanwhile. Nothing is recorded until `record()`,
 * so a caller that no longer needs the checks (a run that turned out not to be startable) drops them. Null when the
 * request has no plan to check.
 */
export function startChecks(
  request: CheckedRequest,
  factory: ClientFactory,
  options: Omit<RunChecksOptions, "factory" | "request">,
): ChecksInFlight | null {
  const { plan, planHash, region } = request;
  if (!plan || !planHash || !region) return null;
  const started = Date.now();
  const steps = stepsOf(plan);
  const statuses = options.trigger === "apply" ? [...APPLYING_STATUSES] : [...PENDING_STATUSES];
  const spokenFor = Promise.all([
    pendingComputeAndAssignments(request.id, statuses),
    heldWorkspaceNames(steps, request.workspaceSetId),
  ]);
  spokenFor.catch(() => undefined);
  // The reads carry the check run's correlation id (the run's id at apply time) to ARM, and share the buckets fairly.
  const results = withArmCallContext({ correlationId: options.correlationId, flow: options.correlationId }, () =>
    evaluateChecks(
      factory,
      { id: request.id, region, steps },
      spokenFor.then(([pending]) => pending),
      spokenFor.then(([, held]) => held),
    ),
  );
  results.catch(() => undefined);
  return {
    record: async () => recordChecks(request.id, planHash, await results, Date.now() - started, options),
  };
}

/**
 * Runs every check for the request's current plan and records the run. Returns null when this process has no Azure
 * to ask (simulator mode without a simulator: nothing can be provisioned either).
 */
export async function runChecks(requestId: string, options: RunChecksOptions): Promise<CheckReport | null> {
  const factory = options.factory === undefined ? await checksClientFactory() : options.factory;
  if (!factory) return null;
  const request =
    options.request ??
    (await db.workspaceRequest.findUnique({
      where: { id: requestId },
      select: { id: true, region: true, plan: true, planHash: true, workspaceSetId: true },
    }));
  if (!request) return null;
  return (await startChecks(request, factory, options)?.record()) ?? null;
}

async function recordChecks(
  requestId: string,
  planHash: string,
  results: CheckResult[],
  durationMs: number,
  options: Pick<RunChecksOptions, "trigger" | "actorId" | "correlationId">,
): Promise<CheckReport> {
  const status = worstStatus(results);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.feasibilityCheck.create({
      data: {
        requestId,
        planHash,
        trigger: options.trigger,
        status,
        results: results as unknown as Prisma.InputJsonValue,
        ranById: options.actorId ?? null,
        durationMs,
      },
    });
    await recordAuditEvent(tx, {
      actor: options.actorId ? { kind: "user", id: options.actorId } : { kind: "system", name: "checks" },
      action: "request.checks_ran",
      entityType: "request",
      entityId: requestId,
      requestId,
      before: null,
      after: {
        checkId: created.id,
        trigger: options.trigger,
        status,
        planHash,
        failed: results.filter((r) => r.status === "fail").map((r) => r.id),
        warnings: results.filter((r) => r.status === "warn").map((r) => r.id),
      },
      correlationId: options.correlationId,
    });
    return created;
  });
  return toCheckReport(row);
}
