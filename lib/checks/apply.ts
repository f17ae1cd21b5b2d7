import "server-only";
/**
 * The engine's last look before it writes (quota is a credit limit, not a guarantee; a policy may have been assigned
 * since the approval): on a run of a request none of whose steps has started yet, the checks run again (recorded with
 * trigger "apply"), and a failed check fails the run before anything is created, with what failed and what to do.
 * Resumed and retried runs that already wrote skip it: their own computes would count twice.
 */
import type { ClientFactory } from "@/lib/azure/clients";
import { db } from "@/lib/db/client";
import { runChecks } from "./run";

export interface PreflightFailure {
  failedStepKey: null;
  errorCode: "PreflightChecksFailed";
  errorMessage: string;
}

export async function checksBeforeFirstWrite(
  requestId: string,
  factory: ClientFactory,
  correlationId: string,
): Promise<PreflightFailure | null> {
  const started = await db.provisioningStep.count({
    where: { requestId, status: { in: ["RUNNING", "SUCCEEDED"] } },
  });
  if (started > 0) return null;
  const report = await runChecks(requestId, { trigger: "apply", factory, correlationId });
  const failed = report?.results.filter((r) => r.status === "fail") ?? [];
  if (failed.length === 0) return null;
  return {
    failedStepKey: null,
    errorCode: "PreflightChecksFailed",
    errorMessage: `Nothing was created: the checks before provisioning failed — ${failed
      .map((r) => `${r.title}: ${r.detail}${r.action ? ` ${r.action}` : ""}`)
      .join(" ")} Retry the run once it is fixed.`.slice(0, 2000),
  };
}
