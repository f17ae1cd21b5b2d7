import { Alert } from "@/components/ui/card";
import { Badge, type Tone } from "@/components/ui/badge";
import { RerunChecksButton } from "@/components/checks/rerun-checks-button";
import type { ChecksPanelData } from "@/lib/checks/queries";
import type { CheckStatus } from "@/lib/checks/evaluate";

const STATUS: Record<CheckStatus, { label: string; tone: Tone }> = {
  pass: { label: "Pass", tone: "success" },
  warn: { label: "Warning", tone: "warning" },
  fail: { label: "Failed", tone: "danger" },
};

const KIND_LABEL = { quota: "Quota", policy: "Azure Policy", names: "Names", roleAssignments: "Role assignments" };
const ORDER: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

/**
 * The pre-approval checks of a request: each result with pass / warning / failed, what it found and what to do,
 * failures first; when they ran and for which plan; a button to run them again. Shown to requesters and approvers
 * (inside the approvals panel of the request and approval pages).
 */
export function ChecksPanel({ data, canRerun }: { data: ChecksPanelData; canRerun: boolean }) {
  const { report } = data;
  const headingId = `checks-${data.requestId}`;
  const results = report ? [...report.results].sort((a, b) => ORDER[a.status] - ORDER[b.status]) : [];
  return (
    <section aria-labelledby={headingId} className="mt-4 border-t border-slate-200 pt-4">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="text-sm font-semibold text-slate-900">
          Checks before approval
        </h3>
        {report && data.current && <Badge tone={STATUS[report.status].tone}>{STATUS[report.status].label}</Badge>}
      </div>
      {!data.available && !report && (
        <p className="mt-2 text-sm text-slate-600">
          Checks are not available: Atrium has no Azure connection here, so nothing could be provisioned either.
        </p>
      )}
      {data.available && !report && (
        <p className="mt-2 text-sm text-slate-600">
          The checks have not run for this request yet. They run when it is submitted and again before approval.
        </p>
      )}
      {report && !data.current && (
        <Alert tone="warning" title="These results are about an earlier plan">
          The plan changed since the checks last ran. They run again before anyone approves; re-run them to see the
          current state.
        </Alert>
      )}
      {report && (
        <>
          <p className="mt-1 text-xs text-slate-600">
            Ran <time dateTime={report.createdAt}>{utc(report.createdAt)}</time> ({report.trigger}) in{" "}
            {report.durationMs} ms · plan <code className="font-mono">{report.planHash.slice(7, 19)}</code>
          </p>
          <ul className="mt-2 space-y-2 text-sm" aria-label="Check results">
            {results.map((r) => (
              <li key={r.id} className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
                  <span className="text-xs font-medium tracking-wide text-slate-600 uppercase">
                    {KIND_LABEL[r.kind]}
                  </span>
                  <span className="font-medium text-slate-900">{r.title}</span>
                </div>
                <p className="mt-1 text-slate-800">{r.detail}</p>
                {r.field && <p className="mt-1 text-xs text-slate-600">Request field: {r.field}</p>}
                {r.action && (
                  <p className="mt-1 text-slate-800">
                    <span className="font-semibold">What to do: </span>
                    {r.action}
                  </p>
                )}
              </li>
            ))}
          </ul>
          {report.acknowledgements.length > 0 && (
            <p className="mt-2 text-xs text-slate-600">
              Warnings acknowledged at{" "}
              {report.acknowledgements.map((a) => `${a.stage.toLowerCase()} approval (${utc(a.at)})`).join(", ")}.
            </p>
          )}
        </>
      )}
      {canRerun && data.available && (
        <div className="mt-3">
          <RerunChecksButton requestId={data.requestId} />
        </div>
      )}
    </section>
  );
}
