import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { can, type SessionUser } from "@/lib/auth/session";

/**
 * Which requests' provisioning runs a person may see (and, with run.retry / run.cancel, act on): everyone's with
 * run.read_all; their teams' with run.read_team (MLOps); their own requests and those naming them as members.
 */
export function runVisibility(actor: SessionUser): Prisma.WorkspaceRequestWhereInput {
  if (can(actor, "run.read_all") || can(actor, "request.read_all")) return {};
  const or: Prisma.WorkspaceRequestWhereInput[] = [
    { requesterId: actor.id },
    { members: { some: { userId: actor.id } } },
  ];
  if ((can(actor, "run.read_team") || can(actor, "request.read_team")) && actor.teamIds.length)
    or.push({ teamId: { in: actor.teamIds } });
  return { OR: or };
}

/** Retry/cancel: admins on every request; MLOps only on their teams' requests (the product rules). */
export function runControlScope(actor: SessionUser): Prisma.WorkspaceRequestWhereInput | null {
  if (actor.roles.includes("ADMIN")) return {};
  if (actor.roles.includes("MLOPS") && actor.teamIds.length) return { teamId: { in: actor.teamIds } };
  return null;
}
