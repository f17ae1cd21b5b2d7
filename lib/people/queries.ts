import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { can, type SessionUser } from "@/lib/auth/session";
import { accessAllows } from "@/lib/access/entry-points";
import { peopleDirectory, PEOPLE_SEARCH_LIMIT, type DirectoryPerson } from "@/lib/people/directory";
import type { PeopleSearchInput } from "@/lib/people/schemas";

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

/** Who may search the directory: the people who choose workspace members (drafting a request or a change). */
export const PEOPLE_SEARCH_ACCESS = ["request.create", "workspace.change"] as const;

/**
 * The people picker's matches: at most PEOPLE_SEARCH_LIMIT people who can be workspace members, as name and
 * e-mail only (no ids, roles, teams or Entra object ids leave the server).
 */
export async function searchPeople(actor: SessionUser, input: PeopleSearchInput): Promise<DirectoryPerson[]> {
  if (!accessAllows(actor, PEOPLE_SEARCH_ACCESS))
    throw new AppError("FORBIDDEN", "Only people who draft requests or changes can search the directory.");
  const found = await peopleDirectory().search(input.q, PEOPLE_SEARCH_LIMIT);
  return found.slice(0, PEOPLE_SEARCH_LIMIT).map((p) => ({ name: p.name, email: p.email }));
}
