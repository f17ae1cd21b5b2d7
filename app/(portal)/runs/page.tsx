import { Suspense } from "react";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { RunStatusBadge } from "@/components/provisioning/run-status-badge";
import { formatDuration } from "@/lib/history/format";
import { z } from "zod";
import { can, type SessionUser } from "@/lib/auth/session";
import { guardedPage } from "@/lib/auth/page-guard";
import { INT4_MAX, parseSearchParams } from "@/lib/access/params";
import { InvalidQuery } from "../_components/invalid-query";
import { SectionLoading } from "../_components/section-loading";
import { azureIsSimulated, listRuns, RUN_STATUSES, runTeams, type RunListFilters } from "@/lib/provisioning/queries";

export const metadata = { title: "Provisioning runs" };

// Status and team are picked from lists (unknown values show "All"). The search is free text, but a request
// number in it must be one a request can have (REQ-99999999999999999999 is refused, not sent to the database).
const runsQuerySchema = z.object({
  status: z.string().optional().catch(undefined),
  team: z.string().optional().catch(undefined),
  q: z
    .string()
    .max(40, "Search for at most 40 characters.")
    .refine((q) => {
      const digits = /^\s*req-?0*(\d+)\s*$/i.exec(q)?.[1] ?? /^\s*0*(\d+)\s*$/.exec(q)?.[1];
      return digits === undefined || (digits.length <= 10 && BigInt(digits) <= INT4_MAX);
    }, "No request has that number: request numbers are at most REQ-2147483647.")
    .optional(),
});

const STATUS_LABEL: Record<string, string> = {
  QUEUED: "Queued",
  RUNNING: "Provisioning",
  SUCCEEDED: "Provisioned",
  FAILED: "Failed",
  CANCELLED: "Stopped",
};

export default guardedPage(
  ["run.read_team", "run.read_all"],
  async function RunsPage(
    user,
    { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> },
  ) {
    const query = parseSearchParams(runsQuerySchema, await searchParams);
    if (!query.ok) return <InvalidQuery title="Provisioning runs" message={query.message} resetHref="/runs" />;
    const sp = query.data;
    const status = RUN_STATUSES.find((s) => s === sp.status) ?? null;
    const teams = await runTeams(user);
    const team = teams.find((t) => t.slug === sp.team)?.slug ?? null;
    const q = sp.q ?? "";
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
        <Suspense
          key={`${status}|${team}|${q}`}
          fallback={<SectionLoading label="Loading provisioning runs…" rows={8} />}
        >
          <RunsTable user={user} filters={{ status, team, q }} />
        </Suspense>
      </>
    );
  },
);

async function RunsTable({ user, filters }: { user: SessionUser; filters: RunListFilters }) {
  const runs = await listRuns(user, filters);
  return runs.length === 0 ? (
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
  );
}
