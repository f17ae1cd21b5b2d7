import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getProvisioningProgress } from "@/lib/provisioning/queries";
import { fromDbStatus } from "@/lib/requests/schemas";

/**
 * A run with every step and its status, for anyone who may see the run's request (the provisioning page's own
 * query decides). Steps belong to the request: a retry continues from the failed step, so they show the current
 * state, which is the latest run's.
 */
export async function runResource(actor: SessionUser, runId: string) {
  const run = await db.provisioningRun.findUnique({ where: { id: runId } });
  const progress = run ? await getProvisioningProgress(actor, run.requestId) : null;
  if (!run || !progress) throw new AppError("NOT_FOUND", "This run does not exist or is not yours to see.");
  const latest = progress.run?.id === run.id;
  return {
    id: run.id,
    requestId: run.requestId,
    number: progress.number,
    attempt: run.attempt,
    status: run.status,
    latest,
    requestStatus: fromDbStatus(progress.requestStatus as Parameters<typeof fromDbStatus>[0]),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    errorMessage: run.errorMessage,
    verification:
      latest && progress.run?.verification
        ? { ok: progress.run.verification.ok, checks: progress.run.verification.checks }
        : null,
    counts: progress.counts,
    steps: progress.groups.flatMap((g) =>
      g.steps.map((s) => ({
        key: s.key,
        kind: s.kind,
        name: s.name,
        environment: g.environment,
        status: s.status,
        attempts: s.attempts,
        durationMs: s.durationMs,
        errorCode: s.errorCode,
        errorMessage: s.errorMessage,
        armRequestId: s.armRequestId,
      })),
    ),
    canRetry: progress.canRetry,
  };
}
