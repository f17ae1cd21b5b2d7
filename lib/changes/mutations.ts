/**
 * Change requests: drafted against a version of a workspace set, validated and planned (lib/plan/change-request.ts),
 * stored as a WorkspaceRequest of kind CHANGE, and either applied at once (removals) or submitted for approval.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { db, type Db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { notifyRole } from "@/lib/notifications/notify";
import { formatRequestNumber, PlanNameError } from "@/lib/plan/build-plan";
import type { ChangePlan } from "@/lib/plan/change-plan";
import {
  buildChangePlan,
  changeApproval,
  ChangeValidationError,
  describeChange,
  type ApprovalNeed,
} from "@/lib/plan/change-request";
import { loadPlanSettings } from "@/lib/requests/plan-context";
import { toDbEnvironment, toDbMemberRole, toDbPattern, toDbRestriction, toDbVisibility } from "@/lib/requests/schemas";
import { parseWith, type FieldErrors } from "@/lib/validation/field-errors";
import { mayChangeSet } from "./access";
import { applyChangeInput, planInputOf, rebaseDocument, type ResolveMember, type SetDocument } from "./document";
import { queueChange } from "./line";
import { changeDocumentSchema, type ChangeDocumentInput } from "./schemas";
import type { StoredChangePlan } from "./types";
import { runChecks } from "@/lib/checks/run";

type Client = Db | Tx;
const jsonValue = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

export interface CreateChangeInput {
  setId: string;
  baseVersion: number;
  desired: SetDocument | ChangeDocumentInput;
  kind?: "CHANGE" | "DECOMMISSION";
  changeKinds?: string[];
  /** Override (drift restore, decommission): stored and run as given. */
  plan?: ChangePlan;
  /** Override of the approval the change needs. */
  approval?: ApprovalNeed;
  reason?: string;
}

export interface ChangeSince {
  requestId: string;
  number: number;
  changeKinds: string[];
  appliedAt: Date | null;
}

/** A change drafted against an older version of the set. `changedSince` lists what was applied after it. */
export class StaleVersionError extends AppError {
  constructor(
    readonly currentVersion: number,
    readonly baseVersion: number,
    readonly changedSince: ChangeSince[],
  ) {
    const what = changedSince.length
      ? changedSince.map((c) => `${formatRequestNumber(c.number)} (${c.changeKinds.join(", ") || "change"})`).join("; ")
      : "the workspace set was changed";
    const message = `The workspace set is at version ${currentVersion}, not ${baseVersion}: since then ${what}. Reload it and draft the change again.`;
    super("CONFLICT", message, { baseVersion: [message] });
    this.name = "StaleVersionError";
  }
}

const isSetDocument = (d: SetDocument | ChangeDocumentInput): d is SetDocument =>
  typeof (d as SetDocument).requestId === "string" && Array.isArray((d as SetDocument).members);

/** The changes applied after `baseVersion` (their versions are baseVersion+1 … current). */
export async function changesSince(setId: string, baseVersion: number, client: Client = db): Promise<ChangeSince[]> {
  const rows = await client.workspaceRequest.findMany({
    where: { workspaceSetId: setId, kind: { not: "NEW" }, status: "PROVISIONED", baseVersion: { gte: baseVersion } },
    orderBy: { provisionedAt: "asc" },
    select: { id: true, number: true, changeKinds: true, provisionedAt: true },
  });
  return rows.map((r) => ({
    requestId: r.id,
    number: r.number,
    changeKinds: r.changeKinds,
    appliedAt: r.provisionedAt,
  }));
}

/** People by e-mail from the directory, as a change's new members. */
export async function memberResolver(input: ChangeDocumentInput, client: Client): Promise<ResolveMember> {
  const emails = [...(input.members ?? []), ...(input.addMembers ?? [])].map((m) => m.email.toLowerCase());
  const users = emails.length
    ? await client.user.findMany({
        where: { email: { in: emails, mode: "insensitive" } },
        select: { id: true, email: true, name: true, entraObjectId: true, disabled: true },
      })
    : [];
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  return (email) => {
    const u = byEmail.get(email.toLowerCase());
    if (!u) return { error: `Nobody with the e-mail ${email} is known to Atrium; choose a person from the directory.` };
    if (u.disabled) return { error: `${email} is disabled in Atrium and can't be given access.` };
    if (!u.entraObjectId)
      return { error: `${email} has no Entra object id yet; an admin must link the account before access is granted.` };
    return { userId: u.id, email: u.email.toLowerCase(), displayName: u.name, entraObjectId: u.entraObjectId };
  };
}

function planOrFieldErrors(
  current: SetDocument,
  desired: SetDocument,
  settings: Awaited<ReturnType<typeof loadPlanSettings>>,
) {
  try {
    return {
      ok: true as const,
      built: buildChangePlan(planInputOf(current, settings), planInputOf(desired, settings)),
    };
  } catch (err) {
    if (err instanceof ChangeValidationError || err instanceof PlanNameError)
      return { ok: false as const, fieldErrors: err.fieldErrors };
    throw err;
  }
}

function invalid(fieldErrors: FieldErrors): never {
  throw new AppError("INVALID", "The change can't be made as it is: fix the fields below.", fieldErrors);
}

/**
 * Validates, plans and stores a change request (README.md). Removals only: approved at once and queued for the
 * engine (or waiting in line). Otherwise SUBMITTED for the approvals the change needs.
 */
export async function createChangeRequest(
  actor: Pick<SessionUser, "id" | "name" | "roles" | "teamIds">,
  input: CreateChangeInput,
  correlationId: string,
): Promise<{
  requestId: string;
  number: number;
  status: "SUBMITTED" | "APPROVED";
  appliedAtOnce: boolean;
  queued: boolean;
}> {
  const set = await db.workspaceSet.findUnique({
    where: { id: input.setId },
    select: {
      id: true,
      version: true,
      status: true,
      desiredState: true,
      teamId: true,
      projectId: true,
      scopeSlug: true,
    },
  });
  const current = set?.desiredState as unknown as SetDocument | undefined;
  if (!set || !current || !mayChangeSet(actor, { teamId: set.teamId, memberIds: current.members.map((m) => m.userId) }))
    throw new AppError("NOT_FOUND", "This workspace set does not exist, or you may not change it.");
  if (set.status !== "ACTIVE" && set.status !== "CHANGING")
    throw new AppError(
      "CONFLICT",
      `This workspace set is ${set.status.toLowerCase().replace("_", " ")}; it can't be changed.`,
    );
  if (input.baseVersion !== set.version)
    throw new StaleVersionError(set.version, input.baseVersion, await changesSince(set.id, input.baseVersion));

  let desired: SetDocument;
  if (isSetDocument(input.desired)) {
    desired = {
      ...input.desired,
      requestId: current.requestId,
      requestNumber: current.requestNumber,
      requestedBy: current.requestedBy,
    };
  } else {
    const parsed = parseWith(changeDocumentSchema, input.desired);
    if (!parsed.ok) invalid(parsed.fieldErrors);
    const applied = applyChangeInput(current, parsed.data, await memberResolver(parsed.data, db));
    if (!applied.ok) invalid(applied.fieldErrors);
    desired = applied.doc;
  }
  const settings = await loadPlanSettings(db);
  let stored: StoredChangePlan;
  if (input.plan) {
    const changes = describeChange(planInputOf(current, settings), planInputOf(desired, settings));
    const approval = changeApproval({ changes });
    const need = input.approval ?? (changes.length ? approval.need : "admin");
    stored = {
      ...input.plan,
      kind: "change",
      source: "override",
      changes,
      approval: { ...approval, need, appliedAtOnce: need === "none" },
      baseVersion: set.version,
      base: current,
      desired,
    };
  } else {
    const planned = planOrFieldErrors(current, desired, settings);
    if (!planned.ok) invalid(planned.fieldErrors);
    if (planned.built.steps.length === 0 && planned.built.changes.length === 0)
      invalid({ "": ["This change changes nothing: the workspace set already looks like that."] });
    const need = input.approval ?? planned.built.approval.need;
    stored = {
      ...planned.built,
      approval: { ...planned.built.approval, need, appliedAtOnce: need === "none" },
      kind: "change",
      source: "diff",
      baseVersion: set.version,
      base: current,
      desired,
    };
  }
  const atOnce = stored.approval.need === "none";
  const changeKinds = input.changeKinds ?? [...new Set(stored.changes.map((c) => c.kind))];
  const reason = input.reason ?? (isSetDocument(input.desired) ? undefined : input.desired.reason);

  const created = await db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<
        { version: number }[]
      >`SELECT version FROM workspace_sets WHERE id = ${set.id}::uuid FOR UPDATE`;
      if (locked[0]?.version !== input.baseVersion)
        throw new StaleVersionError(
          locked[0]?.version ?? 0,
          input.baseVersion,
          await changesSince(set.id, input.baseVersion, tx),
        );
      const now = new Date();
      const team = await tx.team.findUniqueOrThrow({ where: { id: set.teamId }, select: { name: true } });
      const row = await tx.workspaceRequest.create({
        data: {
          kind: input.kind ?? "CHANGE",
          status: atOnce ? "APPROVED" : "SUBMITTED",
          requesterId: actor.id,
          pattern: toDbPattern(desired.pattern),
          teamId: set.teamId,
          projectId: set.projectId,
          scopeSlug: set.scopeSlug,
          environments: desired.environments.map(toDbEnvironment),
          visibility: toDbVisibility(desired.visibility),
          restriction: toDbRestriction(desired.restriction),
          region: desired.region,
          compute: jsonValue(desired.compute),
          gitRepositoryUrl: desired.gitRepositoryUrl ?? null,
          costCenter: desired.costCenter,
          justification: reason ?? null,
          draftStep: 5,
          plan: jsonValue(stored),
          planHash: stored.planHash,
          estimatedMonthlyUsd: new Prisma.Decimal(stored.costDelta.monthly.toFixed(2)),
          workspaceSetId: set.id,
          baseVersion: set.version,
          changeKinds,
          submittedAt: now,
          approvedAt: atOnce ? now : null,
          members: { create: desired.members.map((m) => ({ userId: m.userId, role: toDbMemberRole(m.role) })) },
        },
        select: { id: true, number: true },
      });
      const number = formatRequestNumber(row.number);
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: atOnce ? "change.applied_at_once" : "change.submitted",
        entityType: "request",
        entityId: row.id,
        requestId: row.id,
        after: {
          status: atOnce ? "approved" : "submitted",
          kind: input.kind ?? "CHANGE",
          workspaceSetId: set.id,
          baseVersion: set.version,
          planHash: stored.planHash,
          changeKinds,
          approval: stored.approval.need,
          steps: stored.steps.length,
          source: stored.source,
          costDeltaMonthly: stored.costDelta.monthly,
        },
        correlationId,
      });
      let queued = false;
      if (atOnce) queued = (await queueChange(tx, row.id, actor.id, correlationId)) !== null;
      else
        await notifyRole(
          tx,
          "ADMIN",
          {
            kind: "change.submitted",
            title: `${number} waits for approval`,
            body: `${actor.name} asks to change the ${team.name} workspace set (${set.scopeSlug}): ${describeKinds(stored)}. Cost difference about $${stored.costDelta.monthly.toFixed(2)} a month.`,
            requestId: row.id,
          },
          [actor.id, ...desired.members.map((m) => m.userId)],
        );
      return {
        requestId: row.id,
        number: row.number,
        status: atOnce ? ("APPROVED" as const) : ("SUBMITTED" as const),
        appliedAtOnce: atOnce,
        queued,
      };
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
  // A change that waits for approval gets its pre-approval checks at once, as a new request does (lib/checks).
  if (created.status === "SUBMITTED")
    await runChecks(created.requestId, { trigger: "submitted", correlationId }).catch((error: unknown) =>
      console.error(`[checks] change ${created.number}: ${String(error)}`),
    );
  return created;
}

function describeKinds(plan: StoredChangePlan): string {
  if (plan.changes.length === 0) return `${plan.steps.length} steps`;
  return plan.changes.map((c) => `${c.kind} ${c.subject}`).join(", ");
}

/**
 * The approvals' recomputation for a change request: rebuilt from the set's current desired state and the change's
 * document (rebased when the set moved on) with the current settings. An override plan is what it is.
 */
export async function recomputeChangePlan(
  requestId: string,
  client: Client = db,
): Promise<{ ok: true; planHash: string; stored: StoredChangePlan } | { ok: false; fieldErrors: FieldErrors } | null> {
  const row = await client.workspaceRequest.findUnique({
    where: { id: requestId },
    select: { plan: true, workspaceSetId: true },
  });
  if (!row?.workspaceSetId) return null;
  const stored = row.plan as unknown as StoredChangePlan;
  if (stored.source === "override") return { ok: true, planHash: stored.planHash, stored };
  const set = await client.workspaceSet.findUniqueOrThrow({
    where: { id: row.workspaceSetId },
    select: { version: true, desiredState: true },
  });
  const current = set.desiredState as unknown as SetDocument;
  const desired =
    set.version === stored.baseVersion ? stored.desired : rebaseDocument(stored.base, stored.desired, current);
  const planned = planOrFieldErrors(current, desired, await loadPlanSettings(client));
  if (!planned.ok) return planned;
  const next: StoredChangePlan = {
    ...planned.built,
    // An approval need given by the caller (not the one the change kinds imply) is kept.
    approval:
      stored.approval.need !== changeApproval({ changes: stored.changes }).need
        ? stored.approval
        : planned.built.approval,
    kind: "change",
    source: "diff",
    baseVersion: set.version,
    base: current,
    desired,
  };
  return { ok: true, planHash: next.planHash, stored: next };
}
