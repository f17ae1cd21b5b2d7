import "server-only";
// Authorisation denials without amplification. A denial is a security signal worth keeping, but an anonymous
// client can cause thousands a second, and each chained event takes the chain's lock and stays forever. So
// denials are counted per source (the person, or "anonymous" as a whole: client-sent addresses can be forged to
// split it), permission and one-minute window in a plain counter row. The first few denials of a window are audited
// at once (each with its object and correlation id), further ones only bump the counter, and the launcher's
// housekeeping turns a closed window that overflowed into one `authz.denied_repeatedly` event carrying the count.
// Audit events per source and permission: at most AUDITED_PER_WINDOW + 1 a minute, whatever the request rate.
import { recordAuditEvent, recordStandaloneAuditEvent, type Actor } from "@/lib/audit/record-event";
import { db } from "@/lib/db/client";

export const DENIAL_WINDOW_MS = 60_000;
// Enough for a person's honest mistakes (a stale tab, a double click) to stay individually visible.
export const AUDITED_PER_WINDOW = 5;
// Distinct objects remembered per window (for the flushed event), and windows flushed per pass.
const MAX_ENTITIES = 10;
const FLUSH_BATCH = 500;
// Flushed counter rows are kept this long (the audit events they produced stay forever).
const RETENTION_DAYS = 30;

export type Denial = {
  userId: string | null;
  permission: string;
  entity?: { type: string; id: string };
  correlationId: string;
};

const sourceOf = (userId: string | null) => (userId ? `user:${userId}` : "anonymous");

function actorOf(source: string): Actor {
  return source.startsWith("user:") ? { kind: "user", id: source.slice(5) } : { kind: "anonymous" };
}

/** Counts the denial; the first few of its window are audited at once. Returns the window's count so far. */
export async function recordDenial(denial: Denial, now = new Date()): Promise<number> {
  const source = sourceOf(denial.userId);
  const windowStart = new Date(Math.floor(now.getTime() / DENIAL_WINDOW_MS) * DENIAL_WINDOW_MS);
  const ref = denial.entity ? `${denial.entity.type}:${denial.entity.id}`.slice(0, 200) : null;
  // One row-level upsert: concurrent denials of one source serialise on their counter row only, never on the chain.
  const [row] = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO audit_denial_windows (source, permission, window_start, entities)
    VALUES (${source}, ${denial.permission}, ${windowStart}, ${ref === null ? [] : [ref]}::text[])
    ON CONFLICT (source, permission, window_start) DO UPDATE SET
      count = audit_denial_windows.count + 1,
      last_at = now(),
      entities = CASE
        WHEN ${ref}::text IS NULL OR ${ref}::text = ANY (audit_denial_windows.entities)
          OR cardinality(audit_denial_windows.entities) >= ${MAX_ENTITIES} THEN audit_denial_windows.entities
        ELSE audit_denial_windows.entities || ${ref}::text END
    RETURNING count`;
  if (row.count <= AUDITED_PER_WINDOW) {
    await recordStandaloneAuditEvent({
      actor: actorOf(source),
      action: "authz.denied",
      entityType: denial.entity?.type ?? "permission",
      entityId: denial.entity?.id ?? denial.permission,
      after: { permission: denial.permission },
      correlationId: denial.correlationId,
    });
  }
  return row.count;
}

type WindowRow = {
  source: string;
  permission: string;
  window_start: Date;
  count: number;
  last_at: Date;
  entities: string[];
};

/**
 * Turns closed windows into audit events: one `authz.denied_repeatedly` per window with denials beyond those audited
 * individually, claimed and recorded in one transaction (so a window is flushed exactly once, even by several
 * processes at once).
 */
export async function flushDenialWindows(now = new Date()): Promise<number> {
  const closedBefore = new Date(Math.floor(now.getTime() / DENIAL_WINDOW_MS) * DENIAL_WINDOW_MS);
  const flushed = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<WindowRow[]>`
      UPDATE audit_denial_windows SET flushed_at = now()
      WHERE (source, permission, window_start) IN (
        SELECT source, permission, window_start FROM audit_denial_windows
        WHERE flushed_at IS NULL AND window_start < ${closedBefore}
        ORDER BY window_start LIMIT ${FLUSH_BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING source, permission, window_start, count, last_at, entities`;
    const repeated = rows
      .filter((r) => r.count > 1)
      .sort((a, b) => a.window_start.getTime() - b.window_start.getTime());
    for (const r of repeated) {
      await recordAuditEvent(tx, {
        actor: actorOf(r.source),
        action: "authz.denied_repeatedly",
        entityType: "permission",
        entityId: r.permission,
        after: {
          permission: r.permission,
          denials: r.count,
          auditedIndividually: AUDITED_PER_WINDOW,
          counted: r.count - AUDITED_PER_WINDOW,
          windowStart: r.window_start.toISOString(),
          windowEnd: new Date(r.window_start.getTime() + DENIAL_WINDOW_MS).toISOString(),
          lastAt: r.last_at.toISOString(),
          entities: r.entities,
        },
        correlationId: `denials:${r.source}:${r.window_start.toISOString()}`.slice(0, 100),
      });
    }
    return repeated.length;
  });
  await db.$executeRaw`
    DELETE FROM audit_denial_windows
    WHERE flushed_at IS NOT NULL AND window_start < ${new Date(now.getTime() - RETENTION_DAYS * 86_400_000)}`;
  return flushed;
}

/** Denials accounted for so far: those audited individually plus those only counted in windows (flushed or not). */
export async function countedDenials(): Promise<number> {
  const events = await db.auditEvent.count({ where: { action: "authz.denied" } });
  const [row] = await db.$queryRaw<{ repeats: bigint | null }[]>`
    SELECT sum(greatest(count - ${AUDITED_PER_WINDOW}, 0)) AS repeats FROM audit_denial_windows`;
  return events + Number(row.repeats ?? 0);
}
