import "server-only";
import { z } from "zod";
import { unstable_rethrow } from "next/navigation";
import type { ActionState } from "@/lib/action-state";
import { AppError, isAppError } from "@/lib/errors";
import { auditDenial, can, getCurrentUser, type SessionUser } from "@/lib/auth/session";
import type { Permission } from "@/lib/auth/permissions";

const actionPermissions = new WeakMap<(...args: never[]) => unknown, Permission>();

/** The permission an action declared (used by the authorisation-matrix test to enumerate every action). */
export function declaredPermission(action: unknown): Permission | undefined {
  return typeof action === "function" ? actionPermissions.get(action as (...args: never[]) => unknown) : undefined;
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
  return action;
}

async function toActionState(error: unknown, user: SessionUser, permission: Permission): Promise<ActionState> {
  if (!isAppError(error)) throw error;
  if (error.code === "FORBIDDEN" || error.code === "NOT_FOUND") {
    await auditDenial(user, permission);
  }
  return { ok: false, message: error.message, fieldErrors: error.fieldErrors };
}

/** Parses with the shared schema; throws AppError("INVALID") with zod's field-level messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fieldErrors = z.flattenError(result.error).fieldErrors as Record<string, string[]>;
    const formErrors = z.flattenError(result.error).formErrors;
    throw new AppError("INVALID", formErrors[0] ?? "Some fields need your attention.", fieldErrors);
  }
  return result.data;
}
