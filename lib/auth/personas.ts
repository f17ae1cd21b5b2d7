import "server-only";
import { db } from "@/lib/db/client";
import { localPersonasEnabled } from "@/lib/env";

/** People one can sign in as in local mode. Empty when local mode is off. */
export async function listPersonas() {
  if (!localPersonasEnabled()) return [];
  const users = await db.user.findMany({
    where: { disabled: false },
    orderBy: [{ name: "asc" }],
    select: {
      id: true,
      name: true,
      email: true,
      roles: true,
      teamMemberships: { select: { team: { select: { name: true } } } },
    },
  });
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    roles: u.roles,
    teams: u.teamMemberships.map((m) => m.team.name),
  }));
}
