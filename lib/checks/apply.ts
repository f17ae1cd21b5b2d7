import "server-only";
/**
 * The engine's last look before it writes (quota is a credit limit, not a guarantee; a policy may have been assigned
 * since the approval): on a run of a request none of whose steps has started yet, the checks run again (recorded with
 * trigger "apply"), and a failed check fails the run before anything is created, with what failed and what to do.
 * Resumed and retried runs that already wrote skip it: their own computes would count twice.
 *
 * The checks' Azure reads go out as soon as the run is picked up, beside the transaction that starts it, so a burst of
 * approvals reaches ARM within milliseconds; they are recorded only once the run has started.
 */
import type { ClientFactory } from "@/lib/azure/clients";
import { startChecks } from "./run";
import type { CheckReport } from "./report";

export interface PreflightFailure {
  failedStepKey: null;
  errorCode: "PreflightChecksFailed";
  errorMessage: string;
}

/** Checks under way for a run; `outcome()` records them and says whether the run may write. */
export interface Preflight {
  outcome(): Promise<PreflightFailure | null>;
}

export function startChecksBeforeFirstWrite(
  request: { id: string; region: string | null; plan: unknown; planHash: string | null; workspaceSetId: string | null },
  factory: ClientFactory,
  runId: string,
  alreadyWrote: boolean,
): Preflight {
  const checks = alreadyWrote ? null : startChecks(request, factory, { trigger: "apply", correlationId: runId });
  return { outcome: async () => (checks ? preflightFailure(await checks.record()) : null) };
}

function preflightFailure(report: CheckReport): PreflightFailure | null {
  const failed = report.results.filter((r) => r.status === "fail");
  if (failed.length === 0) return null;
  return {
    failedStepKey: null,
    errorCode: "PreflightChecksFailed",
    errorMessage: `Nothing was created: the checks before provisioning failed — ${failed
      .map((r) => `${r.title}: ${r.detail}${r.action ? ` ${r.action}` : ""}`)
      .join(" ")} Retry the run once it is fixed.`.slice(0, 2000),
  };
}
