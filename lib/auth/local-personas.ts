import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { z } from "zod";
import { localPersonasEnabled } from "@/lib/env";

// Password-less sign-in as a seeded person, for the embedded default only. The endpoint is server-only
// (not routed over HTTP); the persona server action calls it, and both refuse unless local mode is on.
export const localPersonas = () =>
  ({
    id: "local-personas",
    endpoints: {
      signInAsPersona: createAuthEndpoint.serverOnly(
        { method: "POST", body: z.object({ userId: z.string().min(1) }) },
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
