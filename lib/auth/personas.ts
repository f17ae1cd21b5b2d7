import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { headers } from "next/headers";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { localPersonasEnabled } from "@/lib/env";
import { isLoopbackRequestHost } from "@/lib/auth/local-personas";

/**
 * Personas are on (lib/auth/local-personas.ts) and this request came to a loopback name. The second test stops a
 * web page whose own host name was re-pointed at 127.0.0.1 (DNS rebinding) from using the local persona picker.
 */
export async function personasAvailable(): Promise<boolean> {
  return localPersonasEnabled() && isLoopbackRequestHost((await headers()).get("host"));
}

// Password-less sign-in as a seeded person, only where lib/auth/local-personas.ts allows it. The endpoint is
// server-only (not routed over HTTP); the persona server action calls it, and both refuse unless local mode is on.
export const localPersonas = () =>
  ({
    id: "local-personas",
    endpoints: {
      signInAsPersona: createAuthEndpoint.serverOnly(
        { method: "POST", body: z.object({ userId: z.string().min(1).max(100) }) },
        async (ctx) => {
          if (!localPersonasEnabled()) throw new APIError("NOT_FOUND");
          const user = await ctx.context.internalAdapter.findUserById(ctx.body.userId);
          if (!user || (user as { disabled?: boolean }).disabled) throw new APIError("NOT_FOUND");
          const session = await ctx.context.internalAdapter.createSession(user.id);
          await setSessionCookie(ctx, { session, user });
          return ctx.json({ userId: user.id });
        },
      ),
    },
  }) satisfies BetterAuthPlugin;

/** People one can sign in as in local mode. Empty when local mode is off. */
export async function listPersonas() {
  if (!(await personasAvailable())) return [];
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
