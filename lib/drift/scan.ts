/**
 * One drift scan of one workspace set: read the estate (lib/azure/drift-reads.ts, read-only, within the read budget),
 * compare it with the set's desired plan (compare.ts), and bring the set's findings up to date in one transaction:
 * new differences open a finding (and its people are told, once), differences seen again are touched, findings the
 * scan no longer sees are closed. A scan that found or closed something writes an audit event; nothing in Azure is
 * ever changed here.
 */
import "server-only";
import type { ClientFactory } from "@/lib/azure/clients";
import { observePlan, type ReadGate } from "@/lib/azure/drift-reads";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-event";
import { desiredPlan } from "@/lib/changes/sets";
import { db, type Tx } from "@/lib/db/client";
import { notifyUsers } from "@/lib/notifications/notify";
import { compareWithPlan, findingKey, type DriftObservation } from "./compare";

export const DRIFT_SYSTEM: Actor = { kind: "system", name: "drift-watch" };

export interface ScanOptions {
  factory: ClientFactory;
  gate: ReadGate;
  /** Reads of one set in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  retryBaseMs?: number;
}

export type ScanOutcome =
  | { status: "SUCCEEDED"; opened: number; closed: number; open: number; reads: number }
  | { status: "SKIPPED"; reason: string }
  | { status: "FAILED"; error: string }
  | { status: "NOT_CLAIMED" };

const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as object;
const ENV_DB = { dev: "DEV", test: "TEST", prod: "PROD" } as const;

/** People told about new drift: the set's requester, its team's MLOps engineers and every admin. */
async function driftAudience(tx: Tx, originRequestId: string, teamId: string): Promise<string[]> {
  const [origin, people] = await Promise.all([
    tx.workspaceRequest.findUnique({ where: { id: originRequestId }, select: { requesterId: true } }),
    tx.user.findMany({
      where: {
        disabled: false,
        OR: [{ roles: { has: "ADMIN" } }, { roles: { has: "MLOPS" }, teamMemberships: { some: { teamId } } }],
      },
      select: { id: true },
    }),
  ]);
  return [...(origin ? [origin.requesterId] : []), ...people.map((p) => p.id)];
}

/** Runs the scan row `scanId` (QUEUED → RUNNING → SUCCEEDED/FAILED). A scan another worker claimed is left alone. */
export async function runDriftScan(scanId: string, options: ScanOptions): Promise<ScanOutcome> {
  const claimed = await db.driftScan.updateMany({
    where: { id: scanId, status: "QUEUED" },
    data: { status: "RUNNING", startedAt: new Date() },
  });
  if (claimed.count === 0) return { status: "NOT_CLAIMED" };
  const scan = await db.driftScan.findUniqueOrThrow({ where: { id: scanId } });
  const set = await db.workspaceSet.findUnique({
    where: { id: scan.workspaceSetId },
    select: { id: true, status: true, activeChangeId: true, originRequestId: true, teamId: true, scopeSlug: true },
  });
  const finish = (data: Parameters<typeof db.driftScan.update>[0]["data"]) =>
    db.driftScan.update({ where: { id: scanId }, data: { ...data, finishedAt: new Date() } });
  if (!set || set.status !== "ACTIVE" || set.activeChangeId) {
    // A change being applied is not drift: the next cycle compares the set once it is settled.
    const reason = !set
      ? "The set no longer exists."
      : `The set is ${set.activeChangeId ? "being changed" : set.status.toLowerCase()}: not compared.`;
    await finish({ status: "SUCCEEDED", errorMessage: reason });
    return { status: "SKIPPED", reason };
  }
  try {
    const plan = await desiredPlan(set.id);
    const observed = await observePlan(plan, options.factory, {
      gate: options.gate,
      concurrency: options.concurrency ?? 4,
      signal: options.signal,
      retryBaseMs: options.retryBaseMs,
    });
    const people = await db.user.findMany({
      where: { entraObjectId: { not: null } },
      select: { entraObjectId: true, name: true, email: true },
    });
    const principals = new Map(people.map((p) => [p.entraObjectId!.toLowerCase(), `${p.name} <${p.email}>`]));
    const observations = compareWithPlan(plan, observed, principals);
    const result = await recordObservations(set, scanId, observations);
    await finish({
      status: "SUCCEEDED",
      reads: observed.reads,
      opened: result.opened,
      closed: result.closed,
      openFindings: result.open,
    });
    return { status: "SUCCEEDED", reads: observed.reads, ...result };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await finish({ status: "FAILED", errorMessage: error.slice(0, 2000) });
    return { status: "FAILED", error };
  }
}

interface SetFacts {
  id: string;
  originRequestId: string;
  teamId: string;
  scopeSlug: string;
}

/** Opens, touches and closes the set's findings for what one scan saw, with the audit events and the notification. */
export async function recordObservations(
  set: SetFacts,
  scanId: string,
  observations: DriftObservation[],
): Promise<{ opened: number; closed: number; open: number }> {
  return db.$transaction(
    async (tx) => {
      // Two scans of one set (a scheduled one and an on-demand one) apply their results one after the other.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`drift:${set.id}`})::bigint)`;
      const now = new Date();
      const open = await tx.driftFinding.findMany({ where: { workspaceSetId: set.id, closedAt: null } });
      const byKey = new Map(open.map((f) => [findingKey(f.resourceId, f.field), f]));
      const seen = new Set<string>();
      const created: DriftObservation[] = [];
      const createdIds: string[] = [];
      for (const o of observations) {
        if (seen.has(o.key)) continue;
        seen.add(o.key);
        const existing = byKey.get(o.key);
        if (existing) {
          await tx.driftFinding.update({
            where: { id: existing.id },
            data: {
              lastSeenAt: now,
              actual: json(o.actual),
              expected: json(o.expected),
              severity: o.severity,
              summary: o.summary,
              version: { increment: 1 },
            },
          });
          continue;
        }
        const row = await tx.driftFinding.create({
          data: {
            workspaceSetId: set.id,
            environment: o.environment ? ENV_DB[o.environment] : null,
            resourceId: o.resourceId,
            resourceKind: o.resourceKind,
            resourceName: o.resourceName,
            field: o.field,
            expected: json(o.expected),
            actual: json(o.actual),
            severity: o.severity,
            summary: o.summary,
            firstSeenAt: now,
            lastSeenAt: now,
            notifiedAt: now,
          },
          select: { id: true },
        });
        created.push(o);
        createdIds.push(row.id);
      }
      const gone = open.filter((f) => !seen.has(findingKey(f.resourceId, f.field)));
      if (gone.length > 0) {
        await tx.driftFinding.updateMany({
          where: { id: { in: gone.map((f) => f.id) }, closedAt: null },
          data: { closedAt: now, version: { increment: 1 } },
        });
        await recordAuditEvent(tx, {
          actor: DRIFT_SYSTEM,
          action: "drift.findings_closed",
          entityType: "workspace_set",
          entityId: set.id,
          requestId: set.originRequestId,
          before: { open: gone.map((f) => ({ id: f.id, resource: f.resourceId, field: f.field, actual: f.actual })) },
          after: { scanId, closed: gone.length },
          correlationId: scanId,
        });
      }
      if (created.length > 0) {
        await recordAuditEvent(tx, {
          actor: DRIFT_SYSTEM,
          action: "drift.findings_opened",
          entityType: "workspace_set",
          entityId: set.id,
          requestId: set.originRequestId,
          after: {
            scanId,
            findings: created.map((o, i) => ({
              id: createdIds[i],
              resource: o.resourceId,
              field: o.field,
              expected: o.expected,
              actual: o.actual,
              severity: o.severity,
            })),
          },
          correlationId: scanId,
        });
        // Told once per finding: only findings opened by this scan are in the message.
        const high = created.filter((o) => o.severity === "HIGH").length;
        const lines = created.slice(0, 5).map((o) => `• [${o.severity.toLowerCase()}] ${o.summary}`);
        if (created.length > 5) lines.push(`… and ${created.length - 5} more.`);
        await notifyUsers(tx, await driftAudience(tx, set.originRequestId, set.teamId), {
          kind: "drift.detected",
          title: `Drift in ${set.scopeSlug}: ${created.length} difference${created.length === 1 ? "" : "s"} from the approved state${high ? ` (${high} high)` : ""}`,
          body: `Azure no longer matches what was approved for ${set.scopeSlug}:\n${lines.join("\n")}\nOpen the workspace set to restore the approved state or accept the change.`,
          requestId: set.originRequestId,
        });
      }
      return { opened: created.length, closed: gone.length, open: open.length - gone.length + created.length };
    },
    { timeout: 30_000, maxWait: 15_000 },
  );
}
