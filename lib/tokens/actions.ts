"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction, parseInput, parseRef } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { createApiToken, revokeApiToken } from "./mutations";
import { createTokenSchema } from "./schemas";

/** What the create form shows once: the token itself (never stored, never shown again). */
export type CreatedTokenState =
  | { ok: true; message?: string; token?: string }
  | { ok: false; message?: string; fieldErrors?: Record<string, string[] | undefined> };

/** Creates a personal access token for the signed-in person. */
export const createTokenAction = guardedAction(
  "tokens.manage",
  async (actor, _prev: unknown, formData: FormData): Promise<CreatedTokenState> => {
    const input = parseInput(createTokenSchema, formData);
    const { token } = await createApiToken(actor, input, await getCorrelationId());
    revalidatePath("/tokens");
    return { ok: true, message: "Copy the token now: it is not shown again.", token };
  },
);

/** Revokes one of the signed-in person's tokens (bound first: the token id). */
export const revokeTokenAction = guardedAction(
  "tokens.manage",
  async (actor, tokenId: string, _prev?: unknown, _form?: FormData) => {
    const { id } = parseRef(z.object({ id: z.uuid() }), { id: tokenId }, "This token does not exist.");
    await revokeApiToken(actor, id, await getCorrelationId());
    revalidatePath("/tokens");
    return { ok: true, message: "Revoked. The token stops working at once." };
  },
);
