import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDuration, RunStatusBadge } from "@/components/provisioning/run-status-badge";
import { can, requirePagePermission, requireUser } from "@/lib/auth/session";
import { azureIsSimulated, listRuns, RUN_STATUSES, runTeams } from "@/lib/provisioning/queries";

export const metadata = { title: "Provisioning runs" };

const STATUS_LABEL: Record<string, string> = {
  QUEUED: "Queued",
  RUNNING: "Provisioning",
  SUCCEEDED: "Provisioned",
  FAILED: "Failed",
  CANCELLED: "Stopped",
};

export default async function RunsPage({
  searchParams,
}: {
  searchParams: Promise<{ status?: string; team?: string; q?: string }>;
}) {
  let user = await requireUser();
  if (!can(user, "run.read_team") && !can(user, "run.read_all")) user = await requirePagePermission("run.read_all");
  const sp = await searchParams;
  const status = RUN_STATUSES.find((s) => s === sp.status) ?? null;
  const teams = await runTeams(user);
  const team = teams.find((t) => t.slug === sp.team)?.slug ?? null;
  const q = typeof sp.q === "string" ? sp.q.slice(0, 40) : "";
  const runs = await listRuns(user, { status, team, q });
  return (
    <>
      <PageHeader
        title="Provisioning runs"
        description={
          can(user, "run.read_all")
            ? `Every provisioning run, newest first.${azureIsSimulated() ? " Azure is simulated: runs create resources in the ARM simulator only." : ""}`
            : `Provisioning runs of your teams' requests, newest first.${azureIsSimulated() ? " Azure is simulated." : ""}`
        }
      />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter runs">
        <Field id="run-status" label="Status">
          <Select id="run-status" name="status" defaultValue={status ?? ""}>
            <option value="">All</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="run-team" label="Team">
          <Select id="run-team" name="team" defaultValue={team ?? ""}>
            <option value="">All</option>
            {teams.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="run-q" label="Request or scope">
          <Input id="run-q" name="q" defaultValue={q} placeholder="REQ-00042 or churn" />
        </Field>
        <button type="submit" className={buttonClasses("secondary")}>
          Filter
        </button>
      </form>
      {runs.length === 0 ? (
        <EmptyState title="No provisioning runs match">
          Runs appear here when an approved request is queued for provisioning.
        </EmptyState>
      ) : (
        <Table caption="Provisioning runs">
          <thead className="bg-slate-50">
            <tr>
              <Th>Request</Th>
              <Th>Status</Th>
              <Th className="text-right">Attempt</Th>
              <Th>Team / scope</Th>
              <Th>Environments</Th>
              <Th>Queued</Th>
              <Th className="text-right">Duration</Th>
              <Th>Problem</Th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <Td>
                  <Link href={`/requests/${r.requestId}`} className="font-medium text-brand-700 underline">
                    {r.number}
                  </Link>
                </Td>
                <Td>
                  <RunStatusBadge status={r.status} />
                </Td>
                <Td className="text-right tabular-nums">
                  {r.attempt}
                  {r.triggeredBy ? <span className="block text-xs text-slate-600">by {r.triggeredBy}</span> : null}
                </Td>
                <Td>
                  {r.team ?? "—"}
                  <span className="block text-xs text-slate-600">{r.scope}</span>
                </Td>
                <Td>{r.environments.join(", ")}</Td>
                <Td className="text-xs whitespace-nowrap">
                  {new Date(r.createdAt).toISOString().replace("T", " ").slice(0, 19)} UTC
                </Td>
                <Td className="text-right tabular-nums">{formatDuration(r.durationMs)}</Td>
                <Td className="max-w-md text-xs text-red-800">
                  {r.errorMessage ? `${r.failedStepKey ? `${r.failedStepKey}: ` : ""}${r.errorMessage}` : ""}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
