import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { runChecks } from "@/lib/checks/run";
import type { SessionUser } from "@/lib/auth/session";
import { getCorrelationId } from "@/lib/correlation";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { notifyRole } from "@/lib/notifications/notify";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { loadRuleContext, loadScopeClaims, planRequest, requestRowToInput } from "./plan-context";
import { CANCELLABLE_STATUSES, teamSlugsOf, type StoredPlan } from "./queries";
import { parseWith, type FieldErrors } from "@/lib/validation/field-errors";
import { checkRequestRules } from "./rules";
import {
  computeStepSchema,
  fromDbStatus,
  environmentsNetworkStepSchema,
  membersStepSchema,
  scopeStepSchema,
  toDbEnvironment,
  toDbMemberRole,
  toDbPattern,
  toDbRestriction,
  toDbStatus,
  toDbVisibility,
  type WizardStepKey,
  type WorkspaceRequestInput,
} from "./schemas";

const INVALID = "Some fields need your attention.";

/** The fields each wizard step owns (field-error keys start with one of these). */
const STEP_FIELDS: Record<Exclude<WizardStepKey, "review">, string[]> = {
  scope: ["pattern", "team", "project", "costCenter", "justification"],
  environments: ["environments", "visibility", "restriction", "region"],
  members: ["members"],
  compute: ["compute", "gitRepositoryUrl"],
};
const STEP_INDEX: Record<WizardStepKey, number> = { scope: 1, environments: 2, members: 3, compute: 4, review: 5 };

function onlyStepFields(errors: FieldErrors, step: keyof typeof STEP_FIELDS): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).filter(([k]) => STEP_FIELDS[step].some((f) => k === f || k.startsWith(`${f}.`))),
  );
}

function throwIfInvalid(errors: FieldErrors) {
  if (Object.keys(errors).length > 0) throw new AppError("INVALID", INVALID, errors);
}

async function loadOwnDraft(actor: SessionUser, id: string) {
  const row = await db.workspaceRequest.findFirst({
    where: { id, requesterId: actor.id, status: "DRAFT" },
    include: {
      team: { select: { slug: true } },
      project: { select: { slug: true } },
      members: { include: { user: { select: { email: true } } } },
    },
  });
  if (!row) throw new AppError("NOT_FOUND", "This draft does not exist, is not yours, or was already submitted.");
  return row;
}

/**
 * Saves one wizard step of a draft (creating the draft on the first step). Validates the step with
 * the shared schema and the rules that concern its fields; nothing is stored when anything is invalid.
 */
export async function saveDraftStep(
  actor: SessionUser,
  args: { draftId: string | null; step: keyof typeof STEP_FIELDS; raw: Record<string, unknown> },
): Promise<{ id: string }> {
  const schema = {
    scope: scopeStepSchema,
    environments: environmentsNetworkStepSchema,
    members: membersStepSchema,
    compute: computeStepSchema,
  }[args.step];
  const parsed = parseWith(schema as typeof scopeStepSchema, args.raw);
  if (!parsed.ok) throw new AppError("INVALID", INVALID, onlyStepFields(parsed.fieldErrors, args.step));
  const data = parsed.data as unknown as Partial<WorkspaceRequestInput>;

  const existing = args.draftId ? await loadOwnDraft(actor, args.draftId) : null;
  if (!existing && args.step !== "scope") throw new AppError("NOT_FOUND", "Start with the scope step.");
  const merged = { ...(existing ? requestRowToInput(existing) : {}), ...data } as Partial<WorkspaceRequestInput>;
  const { ctx, resolved } = await loadRuleContext(merged, {
    requesterTeamSlugs: await teamSlugsOf(actor),
    excludeRequestId: existing?.id ?? null,
  });
  throwIfInvalid(onlyStepFields(checkRequestRules(merged, ctx), args.step));

  const correlationId = await getCorrelationId();
  const draftStep = Math.max(existing?.draftStep ?? 1, STEP_INDEX[args.step] + 1);
  const stepData: Prisma.WorkspaceRequestUncheckedUpdateInput = {};
  if (args.step === "scope") {
    const d = data as Pick<WorkspaceRequestInput, "pattern" | "team" | "project" | "costCenter" | "justification">;
    Object.assign(stepData, {
      pattern: toDbPattern(d.pattern),
      teamId: resolved.team!.id,
      projectId: d.pattern === "project" ? resolved.project!.id : null,
      scopeSlug: resolved.scopeSlug,
      costCenter: d.costCenter,
      justification: d.justification,
    });
  } else if (args.step === "environments") {
    const d = data as Pick<WorkspaceRequestInput, "environments" | "visibility" | "restriction" | "region">;
    Object.assign(stepData, {
      environments: d.environments.map(toDbEnvironment),
      visibility: toDbVisibility(d.visibility),
      restriction: toDbRestriction(d.restriction),
      region: d.region,
    });
  } else if (args.step === "compute") {
    const d = data as Pick<WorkspaceRequestInput, "compute" | "gitRepositoryUrl">;
    Object.assign(stepData, {
      compute: d.compute as unknown as Prisma.InputJsonValue,
      gitRepositoryUrl: d.gitRepositoryUrl ?? null,
    });
  }

  return db.$transaction(async (tx) => {
    let id: string;
    if (!existing) {
      const created = await tx.workspaceRequest.create({
        data: {
          ...(stepData as Prisma.WorkspaceRequestUncheckedCreateInput),
          requesterId: actor.id,
          status: "DRAFT",
          draftStep,
        },
        select: { id: true, number: true },
      });
      id = created.id;
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: "request.drafted",
        entityType: "request",
        entityId: id,
        requestId: id,
        after: { status: "draft", number: formatRequestNumber(created.number), scope: resolved.scopeSlug },
        correlationId,
      });
    } else {
      id = existing.id;
      const { count } = await tx.workspaceRequest.updateMany({
        where: { id, requesterId: actor.id, status: "DRAFT", version: existing.version },
        data: { ...(stepData as Prisma.WorkspaceRequestUpdateManyMutationInput), draftStep, version: { increment: 1 } },
      });
      if (count === 0)
        throw new AppError(
          "CONFLICT",
          "This draft changed in another window or was submitted. Reload it and try again.",
        );
    }
    if (args.step === "members") {
      const members = (data as Pick<WorkspaceRequestInput, "members">).members;
      await tx.requestMember.deleteMany({ where: { requestId: id } });
      await tx.requestMember.createMany({
        data: members.map((m, i) => ({
          requestId: id,
          userId: resolved.members[i]!.userId,
          role: toDbMemberRole(m.role),
        })),
      });
    }
    return { id };
  });
}

/**
 * Submits a draft: validates everything, applies the rules, builds the exact plan, stores it with
 * its hash and cost, and moves DRAFT → SUBMITTED conditionally on the version the requester reviewed.
 */
export async function submitRequest(actor: SessionUser, args: { id: string; version: number }) {
  const draft = await loadOwnDraft(actor, args.id);
  if (draft.version !== args.version)
    throw new AppError(
      "CONFLICT",
      "The request changed since you reviewed it. Review the plan again before submitting.",
    );
  const outcome = await planRequest(
    requestRowToInput(draft),
    { requestId: draft.id, requestNumber: draft.number, requestedBy: actor.email },
    { requesterTeamSlugs: await teamSlugsOf(actor), excludeRequestId: draft.id },
  );
  if (!outcome.ok)
    throw new AppError("INVALID", "The request can't be submitted yet: fix the fields below.", outcome.fieldErrors);
  const { plan, planHash, cost, input, resolved } = outcome;
  const stored: StoredPlan = { ...plan, cost };
  const number = formatRequestNumber(draft.number);
  const correlationId = await getCorrelationId();

  await db.$transaction(async (tx) => {
    // Serialise submissions per scope, then re-check the scope's claims inside the lock: two
    // requests for the same scope and environment can't both pass.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`scope:${plan.scopeSlug}`}))`;
    const claims = await loadScopeClaims(plan.scopeSlug, draft.id, tx);
    const errors = checkRequestRules({ environments: input.environments }, { ...emptyRuleContext(), ...claims });
    throwIfInvalid(errors);
    const { count } = await tx.workspaceRequest.updateMany({
      where: { id: draft.id, requesterId: actor.id, status: "DRAFT", version: args.version },
      data: {
        status: "SUBMITTED",
        version: { increment: 1 },
        scopeSlug: plan.scopeSlug,
        plan: stored as unknown as Prisma.InputJsonValue,
        planHash,
        estimatedMonthlyUsd: new Prisma.Decimal(cost.monthlyTotal.toFixed(2)),
        submittedAt: new Date(),
        draftStep: 5,
      },
    });
    if (count === 0)
      throw new AppError(
        "CONFLICT",
        "The request changed since you reviewed it. Review the plan again before submitting.",
      );
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "request.submitted",
      entityType: "request",
      entityId: draft.id,
      requestId: draft.id,
      before: { status: "draft", version: args.version },
      after: {
        status: "submitted",
        version: args.version + 1,
        planHash,
        estimatedMonthlyUsd: cost.monthlyTotal,
        scope: plan.scopeSlug,
        environments: input.environments,
        steps: plan.steps.length,
      },
      correlationId,
    });
    const scopeLabel = resolved.project?.name ?? resolved.team?.name ?? plan.scopeSlug;
    await notifyRole(
      tx,
      "ADMIN",
      {
        kind: "request.submitted",
        title: `${number} waits for approval`,
        body: `${actor.name} asks for ${input.environments.join(", ")} workspaces for ${scopeLabel} (${input.visibility}, ${input.restriction}); about $${cost.monthlyTotal.toFixed(2)} a month.`,
        requestId: draft.id,
      },
      [actor.id],
    );
  });
  // The pre-approval checks run at once, so requester and approvers see them with the request. They are recorded on
  // their own: a submission stands even if Azure cannot be asked now (the approval runs them again).
  await runChecks(draft.id, { trigger: "submitted", correlationId }).catch((error: unknown) =>
    console.error(`[checks] ${formatRequestNumber(draft.number)}: ${String(error)}`),
  );
  return { id: draft.id, planHash };
}

function emptyRuleContext() {
  return {
    team: null,
    project: null,
    settings: { allowedRegions: [], vmSizes: [] },
    members: [],
    requesterTeamSlugs: null,
  };
}

/** Cancels a request: only its requester, only before provisioning starts. */
export async function cancelRequest(actor: SessionUser, args: { id: string }) {
  const row = await db.workspaceRequest.findFirst({
    where: { id: args.id, requesterId: actor.id },
    select: { id: true, number: true, status: true, version: true },
  });
  if (!row) throw new AppError("NOT_FOUND", "This request does not exist or is not yours to cancel.");
  const cancellable = CANCELLABLE_STATUSES.map(toDbStatus);
  if (!cancellable.includes(row.status)) {
    throw new AppError(
      "CONFLICT",
      `A ${row.status.toLowerCase().replace("_", " ")} request can't be cancelled${row.status === "PROVISIONING" ? " once provisioning has started" : ""}.`,
    );
  }
  const correlationId = await getCorrelationId();
  await db.$transaction(async (tx) => {
    const { count } = await tx.workspaceRequest.updateMany({
      where: { id: row.id, requesterId: actor.id, status: { in: cancellable }, version: row.version },
      data: { status: "CANCELLED", version: { increment: 1 }, closedAt: new Date() },
    });
    if (count === 0)
      throw new AppError(
        "CONFLICT",
        "The request changed meanwhile (perhaps provisioning started). Reload and try again.",
      );
    // A queued run (final approval given, no worker has started) ends with the request; a worker that picks
    // its job up later finds the request no longer approved and provisions nothing.
    await tx.provisioningRun.updateMany({
      where: { requestId: row.id, status: "QUEUED" },
      data: {
        status: "CANCELLED",
        finishedAt: new Date(),
        errorCode: "CancelledByRequester",
        errorMessage: "The requester cancelled the request before provisioning started.",
      },
    });
    await recordAuditEvent(tx, {
      actor: { kind: "user", id: actor.id },
      action: "request.cancelled",
      entityType: "request",
      entityId: row.id,
      requestId: row.id,
      before: { status: fromDbStatus(row.status), version: row.version },
      after: { status: "cancelled", version: row.version + 1 },
      correlationId,
    });
    if (row.status !== "DRAFT") {
      await notifyRole(
        tx,
        "ADMIN",
        {
          kind: "request.cancelled",
          title: `${formatRequestNumber(row.number)} was cancelled`,
          body: `${actor.name} cancelled the request.`,
          requestId: row.id,
        },
        [actor.id],
      );
    }
  });
}
