import { Suspense } from "react";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { Select } from "@/components/ui/field";
import { buttonClasses } from "@/components/ui/button";
import { VerifyChainButton } from "@/components/audit/verify-chain-button";
import { z } from "zod";
import { can, type SessionUser } from "@/lib/auth/session";
import { guardedPage } from "@/lib/auth/page-guard";
import { boundedIntSchema, INT8_MAX, parseSearchParams, uuidSchema } from "@/lib/access/params";
import { InvalidQuery } from "../_components/invalid-query";
import { SectionLoading } from "../_components/section-loading";
import { listAuditActions, listAuditEvents, type AuditFilter } from "@/lib/audit/queries";

export const metadata = { title: "Audit trail" };

const empty = (v: unknown) => (v === "" ? undefined : v);

// The action filter is picked from a list (an unknown one is dropped); the request id and the page cursor
// (an event id, bigint) are refused with a message when they cannot name anything.
const auditQuerySchema = z.object({
  action: z
    .preprocess(
      empty,
      z
        .string()
        .regex(/^[a-z_.]{1,60}$/)
        .optional(),
    )
    .catch(undefined),
  request: z.preprocess(empty, uuidSchema.optional()),
  before: z.preprocess(empty, boundedIntSchema(1n, INT8_MAX, "page position").optional()),
});

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (before === null && after === null) return <span className="text-slate-500">—</span>;
  return (
    <details>
      <summary className="cursor-pointer text-xs font-medium text-brand-700">Before / after</summary>
      <div className="mt-1 grid gap-1 text-xs">
        {before !== null && (
          <pre className="max-w-md overflow-x-auto rounded bg-slate-50 p-2 whitespace-pre-wrap">
            before: {JSON.stringify(before, null, 1)}
          </pre>
        )}
        {after !== null && (
          <pre className="max-w-md overflow-x-auto rounded bg-slate-50 p-2 whitespace-pre-wrap">
            after: {JSON.stringify(after, null, 1)}
          </pre>
        )}
      </div>
    </details>
  );
}

export default guardedPage(
  "audit.read",
  async function AuditPage(
    user,
    { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> },
  ) {
    const query = parseSearchParams(auditQuerySchema, await searchParams);
    if (!query.ok) return <InvalidQuery title="Audit trail" message={query.message} resetHref="/audit" />;
    const { action, request: requestId, before } = query.data;
    const actions = await listAuditActions(user);
    return (
      <>
        <PageHeader
          title="Audit trail"
          description="Every state change, decision, sign-in, settings and role change and authorisation denial, newest first. Append-only in the database; each event carries the hash of the one before it, so any edit breaks the chain."
          actions={can(user, "audit.verify") ? <VerifyChainButton /> : undefined}
        />
        <form className="mb-4 flex flex-wrap items-end gap-3" method="get">
          <div>
            <label htmlFor="action" className="block text-sm font-medium text-slate-800">
              Action
            </label>
            <Select id="action" name="action" defaultValue={action ?? ""} className="mt-1 min-w-60">
              <option value="">All actions</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </Select>
          </div>
          {requestId && <input type="hidden" name="request" value={requestId} />}
          <button type="submit" className={buttonClasses("secondary")}>
            Filter
          </button>
          {(action || requestId) && (
            <Link href="/audit" className="text-sm font-medium text-brand-700 hover:underline">
              Clear filter
            </Link>
          )}
        </form>
        <Suspense
          key={`${action}|${requestId}|${before}`}
          fallback={<SectionLoading label="Loading audit events…" rows={8} />}
        >
          <AuditEvents user={user} filter={{ action, requestId, beforeId: before?.toString() }} />
        </Suspense>
      </>
    );
  },
);

async function AuditEvents({ user, filter }: { user: SessionUser; filter: AuditFilter }) {
  const { events, nextBeforeId } = await listAuditEvents(user, filter);
  const next = new URLSearchParams({
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.requestId ? { request: filter.requestId } : {}),
    ...(nextBeforeId ? { before: nextBeforeId } : {}),
  });
  return (
    <>
      {events.length === 0 ? (
        <EmptyState title="No events match" />
      ) : (
        <Table caption="Audit events">
          <thead className="bg-slate-50">
            <tr>
              <Th>#</Th>
              <Th>Time (UTC)</Th>
              <Th>Actor</Th>
              <Th>Action</Th>
              <Th>Entity</Th>
              <Th>Change</Th>
              <Th>Correlation id</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {events.map((e) => (
              <tr key={e.id}>
                <Td className="font-mono text-xs">{e.id}</Td>
                <Td className="whitespace-nowrap">
                  <time dateTime={e.occurredAt.toISOString()}>
                    {e.occurredAt.toISOString().replace("T", " ").slice(0, 19)}
                  </time>
                </Td>
                <Td>{e.actor}</Td>
                <Td className="font-mono text-xs">{e.action}</Td>
                <Td className="text-xs">
                  {e.requestId ? (
                    <Link href={`/requests/${e.requestId}`} className="text-brand-700 hover:underline">
                      {e.entityType} {e.entityId.slice(0, 8)}
                    </Link>
                  ) : (
                    `${e.entityType} ${e.entityId}`
                  )}
                </Td>
                <Td>
                  <Change before={e.before} after={e.after} />
                </Td>
                <Td className="font-mono text-xs text-slate-600">{e.correlationId.slice(0, 13)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {nextBeforeId && (
        <div className="mt-4">
          <Link href={`/audit?${next.toString()}`} className={buttonClasses("secondary")}>
            Older events
          </Link>
        </div>
      )}
    </>
  );
}
