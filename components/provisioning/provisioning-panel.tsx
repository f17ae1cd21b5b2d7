import { Alert, Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { getCurrentUser } from "@/lib/auth/session";
import { azureIsSimulated, getProvisioningProgress } from "@/lib/provisioning/queries";
import { AutoRefresh } from "./auto-refresh";
import { RunControls } from "./run-controls";
import { formatDuration } from "@/lib/history/format";
import { RunStatusBadge, StepStatusBadge } from "./run-status-badge";
import { STEP_KIND_LABELS } from "@/lib/plan/labels";
import type { StepKind } from "@/lib/plan/types";

/**
 * Live provisioning progress of a request: steps grouped by environment with status, duration, attempts and Azure's
 * errors, refreshed on its own while a run is queued or running. Renders nothing before the first run exists or for
 * a viewer who may not see the request's runs.
 */
export async function ProvisioningPanel({ requestId }: { requestId: string }) {
  const user = await getCurrentUser();
  if (!user) return null;
  const p = await getProvisioningProgress(user, requestId);
  if (!p) return null;
  const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
  const done = p.counts.SUCCEEDED;
  const simulated = azureIsSimulated();
  return (
    <Card aria-labelledby="provisioning-heading">
      <AutoRefresh active={p.active} />
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="provisioning-heading" className="text-base font-semibold text-slate-900">
          Provisioning
        </h2>
        {p.run && <RunStatusBadge status={p.run.status} />}
        {p.run && <span className="text-sm text-slate-600">Attempt {p.run.attempt}</span>}
        {simulated && <Badge tone="warning">Azure is simulated — nothing is created in a real subscription</Badge>}
      </div>
      <div className="mt-3" aria-live="polite">
        <p className="text-sm text-slate-700" data-testid="provisioning-summary">
          {done} of {total} steps done
          {p.counts.RUNNING > 0 ? `, ${p.counts.RUNNING} running` : ""}
          {p.counts.FAILED > 0 ? `, ${p.counts.FAILED} failed` : ""}
          {p.run?.status === "SUCCEEDED" ? " — provisioned and verified." : "."}
        </p>
        <div
          className="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-200"
          role="progressbar"
          aria-label="Provisioning progress"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={done}
        >
          <div
            className="h-full bg-brand-600 transition-all"
            style={{ width: `${total ? Math.round((done / total) * 100) : 0}%` }}
          />
        </div>
      </div>
      {p.run?.status === "FAILED" && p.run.errorMessage && (
        <div className="mt-4">
          <Alert
            tone="danger"
            title={
              p.run.failedStepKey === "verification"
                ? "Verification failed"
                : `Step ${p.run.failedStepKey ?? ""} failed`
            }
          >
            {p.run.errorMessage}
          </Alert>
        </div>
      )}
      {p.run?.status === "CANCELLED" && (
        <div className="mt-4">
          <Alert tone="warning" title="Provisioning stopped">
            {p.run.errorMessage ?? "The run was stopped."} A retry continues from where it stopped.
          </Alert>
        </div>
      )}
      {p.run?.verification && (
        <p className="mt-3 text-sm text-slate-700">
          Verification:{" "}
          {p.run.verification.ok
            ? `all ${p.run.verification.checks} checks passed`
            : `${p.run.verification.mismatches.length} of ${p.run.verification.checks} checks failed`}{" "}
          (public network access, idle shutdown, cluster minimum nodes, role assignments).
        </p>
      )}
      {(p.canRetry || p.canCancel) && (
        <div className="mt-4">
          <RunControls requestId={p.requestId} canRetry={p.canRetry} canCancel={p.canCancel} />
        </div>
      )}
      <div className="mt-4 space-y-6">
        {p.groups.map((g) => (
          <section key={g.environment} aria-label={`${g.environment} steps`}>
            <h3 className="mb-2 text-sm font-semibold text-slate-800">
              {g.environment}{" "}
              <span className="font-normal text-slate-600">
                ({g.steps.filter((s) => s.status === "SUCCEEDED").length}/{g.steps.length})
              </span>
            </h3>
            <Table caption={`${g.environment} provisioning steps`}>
              <thead className="bg-slate-50">
                <tr>
                  <Th>Resource</Th>
                  <Th>Name</Th>
                  <Th>Status</Th>
                  <Th className="text-right">Duration</Th>
                  <Th className="text-right">Attempts</Th>
                  <Th>Azure</Th>
                </tr>
              </thead>
              <tbody>
                {g.steps.map((s) => (
                  <tr key={s.key} data-step={s.key} data-status={s.status}>
                    <Td>{STEP_KIND_LABELS[s.kind as StepKind] ?? s.kind}</Td>
                    <Td className="font-mono text-xs break-all">{s.name}</Td>
                    <Td>
                      <StepStatusBadge status={s.status} />
                    </Td>
                    <Td className="text-right tabular-nums">{formatDuration(s.durationMs)}</Td>
                    <Td className="text-right tabular-nums">{s.attempts}</Td>
                    <Td className="text-xs">
                      {s.errorMessage ? (
                        <span className="text-red-800">{s.errorMessage}</span>
                      ) : s.armRequestId ? (
                        <span className="font-mono text-slate-600">request {s.armRequestId.slice(0, 8)}</span>
                      ) : (
                        "—"
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </section>
        ))}
      </div>
    </Card>
  );
}
