import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import type { RunStatus } from "@/generated/prisma/enums";
import { can, type SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { INT4_MAX, isUuid } from "@/lib/access/params";
import { env } from "@/lib/env";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import type { Plan } from "@/lib/plan/types";
import { runControlScope, runVisibility } from "./access";
import type { VerificationResult } from "./verify";

export type StepView = {
  key: string;
  kind: string;
  name: string;
  status: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  attempts: number;
  durationMs: number | null;
  startedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  armRequestId: string | null;
  correlationId: string | null;
  drift: unknown;
};

export type ProvisioningProgress = {
  requestId: string;
  number: string;
  requestStatus: string;
  run: {
    id: string;
    attempt: number;
    status: RunStatus;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    failedStepKey: string | null;
    errorCode: string | null;
    errorMessage: string | null;
    verification: {
      ok: boolean;
      checks: number;
      mismatches: { label: string; expected: unknown; actual: unknown }[];
    } | null;
  } | null;
  groups: { environment: string; steps: StepView[] }[];
  counts: Record<StepView["status"], number>;
  canRetry: boolean;
  canCancel: boolean;
  active: boolean;
};

const ENV_LABEL: Record<string, string> = {
  dev: "Development",
  test: "Test",
  prod: "Production",
  shared: "Subscription (custom roles)",
};

/** Live progress of a request's provisioning for someone allowed to see the request; null otherwise. */
export async function getProvisioningProgress(
  actor: SessionUser,
  requestId: string,
): Promise<ProvisioningProgress | null> {
  if (!isUuid(requestId)) return null;
  const request = await db.workspaceRequest.findFirst({
    where: { id: requestId, ...runVisibility(actor) },
    select: { id: true, number: true, status: true, plan: true, teamId: true },
  });
  if (!request) return null;
  const [run, rows] = await Promise.all([
    db.provisioningRun.findFirst({ where: { requestId }, orderBy: { attempt: "desc" } }),
    db.provisioningStep.findMany({ where: { requestId } }),
  ]);
  if (!run && rows.length === 0) {
    return null;
  }
  const plan = request.plan as unknown as Plan | null;
  const byKey = new Map(rows.map((r) => [r.stepKey, r]));
  const now = Date.now();
  const views: (StepView & { environment: string })[] = (
    plan?.steps ??
    rows.map((r) => ({ id: r.stepKey, kind: r.kind, name: r.name, environment: r.environment?.toLowerCase() ?? null }))
  ).map((s) => {
    const r = byKey.get(s.id);
    const started = r?.startedAt?.getTime() ?? null;
    const finished = r?.finishedAt?.getTime() ?? null;
    return {
      key: s.id,
      kind: s.kind,
      name: s.name,
      environment: s.environment ?? "shared",
      status: r?.status ?? "PENDING",
      attempts: r?.attempts ?? 0,
      durationMs: started ? (finished ?? (r?.status === "RUNNING" ? now : started)) - started : null,
      startedAt: r?.startedAt?.toISOString() ?? null,
      errorCode: r?.errorCode ?? null,
      errorMessage: r?.errorMessage ?? null,
      armRequestId: r?.armRequestId ?? null,
      correlationId: r?.correlationId ?? null,
      drift: r?.drift ?? null,
    };
  });
  const order = ["shared", "dev", "test", "prod"];
  const groups = order
    .map((env) => ({
      environment: ENV_LABEL[env] ?? env,
      steps: views.filter((v) => v.environment === env).map(({ environment: _e, ...v }) => v),
    }))
    .filter((g) => g.steps.length > 0);
  const counts = { PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 } as ProvisioningProgress["counts"];
  for (const v of views) counts[v.status] += 1;
  const verification = run?.verification as unknown as VerificationResult | null;
  const control = runControlScope(actor);
  const mayControl =
    !!control &&
    (Object.keys(control).length === 0 || (request.teamId !== null && actor.teamIds.includes(request.teamId)));
  return {
    requestId: request.id,
    number: formatRequestNumber(request.number),
    requestStatus: request.status,
    run: run
      ? {
          id: run.id,
          attempt: run.attempt,
          status: run.status,
          createdAt: run.createdAt.toISOString(),
          startedAt: run.startedAt?.toISOString() ?? null,
          finishedAt: run.finishedAt?.toISOString() ?? null,
          failedStepKey: run.failedStepKey,
          errorCode: run.errorCode,
          errorMessage: run.errorMessage,
          verification: verification
            ? {
                ok: verification.ok,
                checks: verification.checks.length,
                mismatches: verification.checks
                  .filter((c) => !c.ok)
                  .map((c) => ({ label: c.label, expected: c.expected, actual: c.actual })),
              }
            : null,
        }
      : null,
    groups,
    counts,
    canRetry:
      mayControl &&
      can(actor, "run.retry") &&
      request.status === "FAILED" &&
      (run?.status === "FAILED" || run?.status === "CANCELLED"),
    canCancel: mayControl && can(actor, "run.cancel") && (run?.status === "QUEUED" || run?.status === "RUNNING"),
    active: run?.status === "QUEUED" || run?.status === "RUNNING",
  };
}

export type RunListFilters = { status?: RunStatus | null; team?: string | null; q?: string | null };

export type RunListItem = {
  id: string;
  requestId: string;
  number: string;
  team: string | null;
  scope: string | null;
  environments: string[];
  attempt: number;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  failedStepKey: string | null;
  errorMessage: string | null;
  triggeredBy: string | null;
};

export const RUN_STATUSES: RunStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];

/** Provisioning runs the viewer may see (admins/stakeholders: all; MLOps: their teams'), newest first. */
export async function listRuns(actor: SessionUser, filters: RunListFilters, take = 100): Promise<RunListItem[]> {
  const requestWhere: Prisma.WorkspaceRequestWhereInput = { ...runVisibility(actor) };
  if (filters.team) requestWhere.team = { slug: filters.team };
  const q = filters.q?.trim().replace(/^req-0*/i, "");
  if (q && /^\d+$/.test(q)) {
    // Request numbers are int4: a longer number matches nothing (and must not reach the database as one).
    if (q.length > 10 || BigInt(q) > INT4_MAX) return [];
    requestWhere.number = Number(q);
  } else if (q) requestWhere.scopeSlug = { contains: q.toLowerCase() };
  const runs = await db.provisioningRun.findMany({
    where: { ...(filters.status ? { status: filters.status } : {}), request: requestWhere },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    include: {
      request: { select: { number: true, scopeSlug: true, environments: true, team: { select: { name: true } } } },
    },
  });
  const triggerIds = [...new Set(runs.map((r) => r.triggeredById).filter((x): x is string => !!x))];
  const people = triggerIds.length
    ? await db.user.findMany({ where: { id: { in: triggerIds } }, select: { id: true, name: true } })
    : [];
  return runs.map((r) => ({
    id: r.id,
    requestId: r.requestId,
    number: formatRequestNumber(r.request.number),
    team: r.request.team?.name ?? null,
    scope: r.request.scopeSlug,
    environments: r.request.environments.map((e) => e.toLowerCase()),
    attempt: r.attempt,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.startedAt ? (r.finishedAt ?? new Date()).getTime() - r.startedAt.getTime() : null,
    failedStepKey: r.failedStepKey,
    errorMessage: r.errorMessage,
    triggeredBy: r.triggeredById ? (people.find((p) => p.id === r.triggeredById)?.name ?? null) : null,
  }));
}

export async function runTeams(actor: SessionUser): Promise<{ slug: string; name: string }[]> {
  const where = can(actor, "run.read_all") ? {} : { id: { in: actor.teamIds } };
  return db.team.findMany({ where, select: { slug: true, name: true }, orderBy: { name: "asc" } });
}

/** Whether Azure is the simulator (the UI says so plainly). */
export function azureIsSimulated(): boolean {
  return env().AZURE_MODE === "simulator";
}
