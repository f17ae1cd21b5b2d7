import "server-only";
import { z } from "zod";
import { unstable_rethrow } from "next/navigation";
import type { ActionState } from "@/lib/action-state";
import { AppError, isAppError } from "@/lib/errors";
import { auditDenial, can, getCurrentUser, type SessionUser } from "@/lib/auth/session";
import type { Permission } from "@/lib/auth/permissions";
import { decodeFormData, decodeJsonValue, type DecodeLimits } from "@/lib/validation/decode";
import { addFieldError, parseWith, type FieldErrors } from "@/lib/validation/field-errors";

const actionPermissions = new WeakMap<(...args: never[]) => unknown, Permission>();

const actionArities = new WeakMap<(...args: never[]) => unknown, number>();

/** The permission an action declared (used by the authorisation-matrix test to enumerate every action). */
export function declaredPermission(action: unknown): Permission | undefined {
  return typeof action === "function" ? actionPermissions.get(action as (...args: never[]) => unknown) : undefined;
}

/** How many arguments an action's handler takes after the actor (bound ids, previous state, form). */
export function declaredArity(action: unknown): number | undefined {
  return typeof action === "function" ? actionArities.get(action as (...args: never[]) => unknown) : undefined;
}

/**
 * Wraps every server action: authenticate, check the role permission, run, and map expected failures to
 * an ActionState. Object-level checks happen inside `handler` (in the data layer), which throws AppError.
 * Any refusal changes nothing and writes `authz.denied`.
 */
export function guardedAction<Args extends unknown[]>(
  permission: Permission,
  handler: (actor: SessionUser, ...args: Args) => Promise<ActionState | void>,
): (...args: Args) => Promise<ActionState> {
  const action = async (...args: Args): Promise<ActionState> => {
    const user = await getCurrentUser();
    if (!user || !can(user, permission)) {
      await auditDenial(user, permission);
      return {
        ok: false,
        message: user ? "You do not have permission to do this." : "Your session has ended. Sign in again.",
      };
    }
    try {
      return (await handler(user, ...args)) ?? { ok: true };
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
      return toActionState(error, user, permission);
    }
  };
  actionPermissions.set(action as (...args: never[]) => unknown, permission);
  actionArities.set(action as (...args: never[]) => unknown, Math.max(0, handler.length - 1));
  return action;
}

async function toActionState(error: unknown, user: SessionUser, permission: Permission): Promise<ActionState> {
  if (!isAppError(error)) throw error;
  if (error.code === "FORBIDDEN" || error.code === "NOT_FOUND") {
    await auditDenial(user, permission);
  }
  return { ok: false, message: error.message, fieldErrors: error.fieldErrors };
}

/** Untrusted action input: the form a server action received, or values the caller assembled. */
export type ActionInput = FormData | Record<string, unknown>;

/**
 * Decodes untrusted input with the safe decoder (lib/validation/decode.ts): FormData through the form half,
 * anything else through the JSON half, since a hostile client can post any shape in any argument position.
 * Throws AppError("INVALID") with field-level messages; never a 500.
 */
export function decodeInput(input: unknown, limits?: Partial<DecodeLimits>): Record<string, unknown> {
  const decoded =
    typeof FormData !== "undefined" && input instanceof FormData
      ? decodeFormData(input, limits)
      : decodeJsonValue(input, limits);
  if (!decoded.ok) throw new AppError("INVALID", decoded.fieldErrors[""]?.[0] ?? decoded.message, decoded.fieldErrors);
  return decoded.data;
}

/**
 * The one validation path for action input: decode safely, then validate with the shared schema. `bound`
 * holds the action's bound arguments (ids the page chose); they are decoded too and win over form fields
 * of the same name, so a form cannot retarget an action. Throws AppError("INVALID") with dotted-path field
 * messages (`members.0.email`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: ActionInput | unknown,
  bound?: Record<string, unknown>,
): z.infer<S> {
  const data = decodeInput(input);
  if (bound) Object.assign(data, decodeInput(bound));
  const result = parseWith(schema, data);
  if (!result.ok) {
    const fieldErrors = input instanceof FormData ? toFormFields(result.fieldErrors, input) : result.fieldErrors;
    throw new AppError("INVALID", fieldErrors[""]?.[0] ?? "Some fields need your attention.", fieldErrors);
  }
  return result.data as z.infer<S>;
}

/**
 * Files each message under the input that carried the value, so the form shows it there: an issue at
 * `allowedRegions.2` (one line of a textarea) belongs to `allowedRegions`; `members.0.email` stays as it is
 * when the form has an input of that name, or none of its prefixes.
 */
function toFormFields(errors: FieldErrors, form: FormData): FieldErrors {
  const names = new Set<string>();
  for (const name of form.keys()) names.add(name.replace(/\[([^\]]*)\]/g, ".$1"));
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(errors)) {
    const parts = key.split(".");
    let field = key;
    for (let n = parts.length - 1; n > 0 && !names.has(field); n--) {
      const prefix = parts.slice(0, n).join(".");
      if (names.has(prefix)) field = prefix;
    }
    for (const m of messages) addFieldError(out, field, m);
  }
  return out;
}

/**
 * Parses a reference to an object (an id the page put in a bound argument or a hidden field). A body the
 * decoder refuses is INVALID with its field messages, like any form; a well-formed body whose reference is
 * not a valid id names no object: NOT_FOUND, like an id that does not exist.
 */
export function parseRef<S extends z.ZodType>(
  schema: S,
  input: ActionInput | unknown,
  notFound = "This does not exist.",
): z.infer<S> {
  const result = parseWith(schema, decodeInput(input));
  if (!result.ok) throw new AppError("NOT_FOUND", notFound);
  return result.data as z.infer<S>;
}
