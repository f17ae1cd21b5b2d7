import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import type { SessionUser } from "@/lib/auth/session";
import { requestVisibleWhere } from "@/lib/access/visibility";

/** Which requests' provisioning runs a person may see: exactly the requests they may see (lib/access/visibility.ts). */
export function runVisibility(actor: SessionUser): Prisma.WorkspaceRequestWhereInput {
  return requestVisibleWhere(actor);
}

/** Retry/cancel: admins on every request; MLOps only on their teams' requests (the product rules). */
export function runControlScope(actor: SessionUser): Prisma.WorkspaceRequestWhereInput | null {
  if (actor.roles.includes("ADMIN")) return {};
  if (actor.roles.includes("MLOPS") && actor.teamIds.length) return { teamId: { in: actor.teamIds } };
  return null;
}
