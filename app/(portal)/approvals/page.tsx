import { Suspense } from "react";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { guardedPage } from "@/lib/auth/page-guard";
import type { SessionUser } from "@/lib/auth/session";
import { SectionLoading } from "../_components/section-loading";
import { listApprovalQueue } from "@/lib/approvals/queries";
import { STAGE_LABELS } from "@/lib/approvals/rules";
import { formatRequestNumber } from "@/lib/plan/build-plan";

export const metadata = { title: "Approvals" };

const ENV_LABELS: Record<string, string> = { DEV: "dev", TEST: "test", PROD: "prod" };
const ROLE_LABELS: Record<string, string> = {
  DATA_SCIENTIST: "data scientist",
  DATA_ENGINEER: "data engineer",
  MLOPS: "MLOps",
};
const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export default guardedPage(["request.approve", "request.approve_production"], function ApprovalsPage(user) {
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Requests waiting for a decision, oldest first. Admins approve every request; production also needs a stakeholder, who must be a different person. Nobody decides a request they submitted or that names them."
      />
      <Suspense fallback={<SectionLoading label="Loading the approval queue…" rows={6} />}>
        <ApprovalQueue user={user} />
      </Suspense>
    </>
  );
});

async function ApprovalQueue({ user }: { user: SessionUser }) {
  const queue = await listApprovalQueue(user);
  return queue.length === 0 ? (
    <EmptyState title="Nothing waits for a decision">
      New submissions appear here, and you are notified in your inbox.
    </EmptyState>
  ) : (
    <Table caption="Requests waiting for a decision">
      <thead className="bg-slate-50">
        <tr>
          <Th>Request</Th>
          <Th>Waiting for</Th>
          <Th>Environments</Th>
          <Th>Network and access</Th>
          <Th>Members</Th>
          <Th className="text-right">Est. cost / month</Th>
          <Th>Submitted</Th>
          <Th>
            <span className="sr-only">Decision</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {queue.map((q) => {
          const number = formatRequestNumber(q.number);
          return (
            <tr key={q.id}>
              <Td>
                <Link href={`/approvals/${q.id}`} className="font-semibold text-brand-700 hover:underline">
                  {number}
                </Link>
                <span className="block text-slate-900">{q.scope}</span>
                <span className="block text-xs text-slate-600">by {q.requesterName}</span>
              </Td>
              <Td>
                {STAGE_LABELS[q.stage]}
                {q.adminApproverName && (
                  <span className="block text-xs text-slate-600">admin: {q.adminApproverName}</span>
                )}
              </Td>
              <Td>
                <span className="flex flex-wrap gap-1">
                  {q.environments.map((e) => (
                    <Badge key={e} tone={e === "PROD" ? "warning" : "neutral"}>
                      {ENV_LABELS[e] ?? e}
                    </Badge>
                  ))}
                </span>
              </Td>
              <Td>
                {q.visibility === "PRIVATE" ? "Private Link" : "Public"},{" "}
                {q.restriction === "RESTRICTED" ? "restricted" : "unrestricted"}
                <span className="block text-xs text-slate-600">{q.region}</span>
              </Td>
              <Td>
                <ul>
                  {q.members.map((m) => (
                    <li key={m.name}>
                      {m.name} <span className="text-xs text-slate-600">({ROLE_LABELS[m.role] ?? m.role})</span>
                    </li>
                  ))}
                </ul>
              </Td>
              <Td className="text-right tabular-nums">
                {q.estimatedMonthlyUsd === null ? "—" : usd(q.estimatedMonthlyUsd)}
              </Td>
              <Td>
                {q.submittedAt ? (
                  <time dateTime={q.submittedAt.toISOString()}>
                    {q.submittedAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                  </time>
                ) : (
                  "—"
                )}
              </Td>
              <Td>
                {q.canDecide ? (
                  <Link
                    href={`/approvals/${q.id}`}
                    className="font-semibold text-brand-700 hover:underline"
                    aria-label={`Review and decide ${number}`}
                  >
                    Review and decide
                  </Link>
                ) : (
                  <span className="text-xs text-slate-600">{q.whyNot}</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
