import Link from "next/link";
import { Card, EmptyState } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { SessionUser } from "@/lib/auth/session";
import { setDrift } from "@/lib/drift/queries";
import { formatDateTime } from "@/lib/history/format";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { ResolveDriftForm, ScanNowForm } from "./drift-forms";
import { SeverityBadge } from "./severity-badge";

const show = (v: unknown) =>
  v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v, null, 0);

/**
 * A workspace set's drift: what a scan found different in Azure from the approved state, when it was first and last
 * seen, and what people can do (scan now; restore or accept, both as change requests). Self-contained: the set page
 * includes it with the set id.
 */
export async function SetDriftSection({ user, setId }: { user: SessionUser; setId: string }) {
  const drift = await setDrift(user, setId);
  if (!drift) return null;
  const lastScan = drift.scans[0];
  const pendingChange = drift.resolutionRequests.find(
    (r) => !["provisioned", "failed", "rejected", "cancelled"].includes(r.status),
  );
  return (
    <Card aria-labelledby="drift-heading">
      <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="drift-heading" className="text-lg font-semibold text-slate-900">
            Drift{" "}
            {drift.open.length > 0 && (
              <Badge tone={drift.open.some((f) => f.severity === "HIGH") ? "danger" : "warning"}>
                {drift.open.length} open
              </Badge>
            )}
          </h2>
          <p className="text-sm text-slate-700">
            What Azure has now that differs from the approved state.{" "}
            {lastScan
              ? `Last scan: ${lastScan.status.toLowerCase()} ${formatDateTime(lastScan.finishedAt ?? lastScan.createdAt)}${lastScan.errorMessage ? ` — ${lastScan.errorMessage}` : ""}.`
              : "Not scanned yet."}
          </p>
        </div>
        {drift.mayAct && drift.status === "ACTIVE" && <ScanNowForm setId={drift.setId} />}
      </div>
      {drift.open.length === 0 ? (
        <EmptyState title="No drift">
          The last scan found Azure as approved. Scans run on a schedule; a difference found later is shown here and
          sent to the set&apos;s people and the admins.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {pendingChange && (
            <p className="text-sm text-slate-800">
              Change request{" "}
              <Link href={`/requests/${pendingChange.id}`} className="font-medium text-brand-700 hover:underline">
                {formatRequestNumber(pendingChange.number)}
              </Link>{" "}
              is on its way for some of these ({pendingChange.status.replace("_", " ")}).
            </p>
          )}
          <Table caption="Open drift findings of this workspace set, most severe first">
            <thead className="bg-slate-50">
              <tr>
                {drift.mayAct && <Th className="w-10">Act on</Th>}
                <Th>Severity</Th>
                <Th>What changed</Th>
                <Th>Approved</Th>
                <Th>In Azure now</Th>
                <Th>First seen</Th>
                <Th>Last seen</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {drift.open.map((f) => (
                <tr key={f.id}>
                  {drift.mayAct && (
                    <Td>
                      <input
                        type="checkbox"
                        name="findingIds"
                        value={f.id}
                        form="drift-resolve"
                        aria-label={`Act on: ${f.summary}`}
                        className="h-4 w-4 rounded border-slate-400"
                      />
                    </Td>
                  )}
                  <Td>
                    <SeverityBadge severity={f.severity} />
                  </Td>
                  <Td className="max-w-md whitespace-normal">
                    {f.summary}
                    <span className="block font-mono text-xs break-all text-slate-600">
                      {f.environment ? `${f.environment} · ` : ""}
                      {f.resourceName} · {f.field}
                    </span>
                  </Td>
                  <Td className="font-mono text-xs break-all whitespace-normal">{show(f.expected)}</Td>
                  <Td className="font-mono text-xs break-all whitespace-normal">{show(f.actual)}</Td>
                  <Td>{formatDateTime(f.firstSeenAt)}</Td>
                  <Td>{formatDateTime(f.lastSeenAt)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {drift.mayAct && drift.status === "ACTIVE" && (
            <ResolveDriftForm setId={drift.setId} baseVersion={drift.version} />
          )}
        </div>
      )}
      {drift.recentlyClosed.length > 0 && (
        <details className="mt-4">
          <summary className="cursor-pointer text-sm font-medium text-slate-800">
            Recently closed ({drift.recentlyClosed.length})
          </summary>
          <ul className="mt-2 space-y-1 text-sm text-slate-700">
            {drift.recentlyClosed.map((f) => (
              <li key={f.id}>
                <SeverityBadge severity={f.severity} /> {f.summary} — closed {formatDateTime(f.closedAt!)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}
