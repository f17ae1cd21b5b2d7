import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { can, type SessionUser } from "@/lib/auth/session";

export async function listPeople(actor: SessionUser) {
  if (!can(actor, "users.manage")) throw new AppError("FORBIDDEN", "Only platform admins can manage people.");
  const people = await db.user.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      email: true,
      roles: true,
      entraRoles: true,
      disabled: true,
      entraObjectId: true,
      teamMemberships: { select: { team: { select: { slug: true, name: true } } } },
    },
  });
  return people.map((p) => ({ ...p, teams: p.teamMemberships.map((m) => m.team.name) }));
}
