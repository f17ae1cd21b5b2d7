import { Alert, Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { DecisionForm } from "@/components/approvals/decision-form";
import { ChecksPanel } from "@/components/checks/checks-panel";
import { can, requireUser } from "@/lib/auth/session";
import { getChecksPanel } from "@/lib/checks/queries";
import { getApprovalPanel } from "@/lib/approvals/queries";
import { STAGE_LABELS } from "@/lib/approvals/rules";
import { formatRequestNumber } from "@/lib/plan/build-plan";

const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

/**
 * The approvals of one request: where it stands ("waiting for…", "queued for provisioning", rejected with the
 * reason), every decision with the plan hash it bound to (voided ones marked), and — when the viewer may decide
 * now — the decision form. Rendered by the request page and the approval page; the caller has already checked
 * that the viewer may see the request.
 */
export async function ApprovalPanel({ requestId }: { requestId: string }) {
  const user = await requireUser();
  const [panel, checks] = await Promise.all([getApprovalPanel(user, requestId), getChecksPanel(user, requestId)]);
  if (!panel || panel.status === "DRAFT") return null;
  // What the decision form needs to know of the checks of the plan being decided.
  const current = checks?.current ? checks.report : null;
  const checkGate = current
    ? {
        failures: current.results.filter((r) => r.status === "fail").map((r) => r.title),
        warnings: current.results.filter((r) => r.status === "warn").map((r) => r.title),
      }
    : null;
  const number = formatRequestNumber(panel.number);
  return (
    <Card aria-labelledby={`approvals-${panel.id}`}>
      <h2 id={`approvals-${panel.id}`} className="text-base font-semibold text-slate-900">
        Approvals
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {panel.needsStakeholder
          ? "Includes production: an admin approves, then a stakeholder (a different person)."
          : "An admin approves; no production environment, so no stakeholder approval."}
      </p>
      <div className="mt-3 space-y-3">
        {panel.pendingStage && (
          <Alert tone="info" title={`Waiting for: ${STAGE_LABELS[panel.pendingStage].toLowerCase()}`}>
            {panel.whyNot ?? "Nobody approves a request they submitted or that names them as a member."}
          </Alert>
        )}
        {panel.queuedForProvisioning && (
          <Alert tone="success" title="Queued for provisioning">
            Approved; provisioning run {panel.latestRun?.attempt} is queued and starts as soon as a worker picks it up.
          </Alert>
        )}
        {panel.status === "REJECTED" && panel.rejectionReason && (
          <Alert tone="danger" title="Rejected">
            {panel.rejectionReason}
          </Alert>
        )}
      </div>
      {panel.decisions.length > 0 && (
        <ol className="mt-4 space-y-2 text-sm">
          {panel.decisions.map((d) => (
            <li key={d.id} className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={d.voidedAt ? "neutral" : d.decision === "APPROVED" ? "success" : "danger"}>
                  {d.decision === "APPROVED" ? "Approved" : "Rejected"}
                </Badge>
                <span className="font-medium text-slate-900">{STAGE_LABELS[d.stage]}</span>
                <span className="text-slate-700">by {d.approverName}</span>
                {d.voidedAt && <Badge tone="warning">Void: the plan changed</Badge>}
              </div>
              {d.comment && <p className="mt-1 text-slate-800">{d.comment}</p>}
              <p className="mt-1 text-xs text-slate-600">
                <time dateTime={d.createdAt.toISOString()}>{utc(d.createdAt)}</time> · plan{" "}
                <code className="font-mono">{d.planHash.slice(7, 19)}</code>
                {d.voidedAt && (
                  <>
                    {" "}
                    · voided <time dateTime={d.voidedAt.toISOString()}>{utc(d.voidedAt)}</time>
                  </>
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
      {checks && (
        <ChecksPanel
          data={checks}
          canRerun={
            can(user, "request.check") &&
            ["SUBMITTED", "APPROVED", "STAKEHOLDER_APPROVED", "FAILED"].includes(panel.status)
          }
        />
      )}
      {/* Always mounted in the same place, so the outcome of a decision stays visible after the re-render. */}
      <div className={panel.decidableStage ? "mt-4 border-t border-slate-200 pt-4" : "mt-4"}>
        {panel.decidableStage && (
          <h3 className="mb-3 text-sm font-semibold text-slate-900">
            Your decision: {STAGE_LABELS[panel.decidableStage].toLowerCase()}
          </h3>
        )}
        <DecisionForm
          key={panel.id}
          requestId={panel.id}
          stage={panel.decidableStage}
          version={panel.version}
          planHash={panel.planHash}
          number={number}
          checks={checkGate}
        />
      </div>
    </Card>
  );
}
