// The personas every authorisation matrix plays: one seeded person per portal role, and no session at all.
import { db } from "@/lib/db/client";
import type { PortalRoleName } from "@/lib/auth/permissions";
import { actAnonymously, actAs } from "../support/act-as";

export const PERSONAS = [
  { label: "requester", email: "amara.okafor@contoso.com" },
  { label: "mlops", email: "diana.reyes@contoso.com" },
  { label: "admin", email: "fatima.khan@contoso.com" },
  { label: "stakeholder", email: "hannah.schmidt@contoso.com" },
  { label: "no session", email: null },
] as const;

export type Persona = (typeof PERSONAS)[number];

/** Makes `persona` the current request's user; their id, roles and teams as the database has them (null: anonymous). */
export async function playPersona(
  persona: Persona,
): Promise<{ id: string; roles: PortalRoleName[]; teamIds: string[] } | null> {
  if (!persona.email) {
    actAnonymously();
    return null;
  }
  const { userId } = await actAs(persona.email);
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { roles: true, teamMemberships: { select: { teamId: true } } },
  });
  return { id: userId, roles: user.roles as PortalRoleName[], teamIds: user.teamMemberships.map((t) => t.teamId) };
}
