// Personal access tokens: scopes and the creation form. Pure module (the Tokens page, its actions, the
// `npm run token` script and the API's bearer guard share it).
import { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";

export const TOKEN_SCOPES = ["read", "write", "approve"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  read: "Read (requests, runs, workspaces, history, audit trail)",
  write: "Write (create, submit and cancel requests; retry runs)",
  approve: "Approve (approve and reject requests)",
};

/**
 * The permissions each scope lets a token use. A token acts as its person: it may do what their roles allow AND
 * its scopes cover, never more. Managing tokens is in no scope, so a leaked token can't mint another.
 */
export const SCOPE_PERMISSIONS: Record<TokenScope, readonly Permission[]> = {
  read: [
    "request.read_team",
    "request.read_all",
    "run.read_team",
    "run.read_all",
    "settings.read",
    "audit.read",
    "history.read_all",
    "history.export",
    "cost.read",
    "simulator.view",
    "inbox.read",
  ],
  write: [
    "request.create",
    "run.retry",
    "run.cancel",
    "workspace.decommission",
    "settings.update",
    "users.manage",
    "audit.verify",
  ],
  approve: ["request.approve", "request.approve_production"],
};

/** The scope a permission belongs to (every permission but tokens.manage has one). */
export function scopeOf(permission: Permission): TokenScope | null {
  for (const scope of TOKEN_SCOPES) if (SCOPE_PERMISSIONS[scope].includes(permission)) return scope;
  return null;
}

export const TOKEN_PREFIX = "atr_";
/** `atr_` + 43 base64url characters (32 random bytes). */
export const TOKEN_PATTERN = /^atr_[A-Za-z0-9_-]{43}$/;

export const MAX_TOKEN_DAYS = 366;

const toArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const createTokenSchema = z.object({
  name: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z
      .string({ error: "Name the token (where it is used, e.g. ci-pipeline)." })
      .min(1, "Name the token (where it is used, e.g. ci-pipeline).")
      .max(80, "A token name has at most 80 characters.")
      .regex(/^[\p{L}\p{N} ._:/@-]*$/u, "Use letters, digits, spaces and . _ : / @ - in the name."),
  ),
  scopes: z.preprocess(
    toArray,
    z
      .array(z.enum(TOKEN_SCOPES, { error: `Scopes are ${TOKEN_SCOPES.join(", ")}.` }))
      .min(1, "Choose at least one scope.")
      .transform((a) => TOKEN_SCOPES.filter((s) => a.includes(s))),
  ),
  expiresInDays: z.preprocess(
    (v) => (v === undefined || v === "" ? 30 : typeof v === "string" ? Number(v) : v),
    z
      .number({ error: "Enter the lifetime in days." })
      .int("Enter the lifetime as whole days.")
      .min(1, "A token lives at least 1 day.")
      .max(MAX_TOKEN_DAYS, `A token lives at most ${MAX_TOKEN_DAYS} days.`),
  ),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;
