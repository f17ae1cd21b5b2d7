import "server-only";
import { hasPermission, type Permission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";

/**
 * What an entry point (page or route handler) requires before it runs, declared once where it is defined:
 *   "public"       anyone, signed in or not (sign-in pages, the health probe)
 *   "signed-in"    any signed-in person (the overview)
 *   a Permission   a signed-in person holding it
 *   [p, q, …]      a signed-in person holding at least one of them
 *   { allOf: [p, q] } a signed-in person holding all of them
 * Object-level visibility is decided afterwards, in the data layer (lib/access/visibility.ts).
 */
export type Access = "public" | "signed-in" | Permission | readonly Permission[] | { allOf: readonly Permission[] };
export type SignedInAccess = Exclude<Access, "public">;

export function accessAllows(user: Pick<SessionUser, "roles"> | null, access: Access): boolean {
  if (access === "public") return true;
  if (!user) return false;
  if (access === "signed-in") return true;
  if (typeof access === "string") return hasPermission(user.roles, access);
  if ("allOf" in access) return access.allOf.every((p) => hasPermission(user.roles, p));
  return access.some((p) => hasPermission(user.roles, p));
}

/** How a refusal names what was missing in its `authz.denied` event (for allOf, the first one missing). */
export function accessLabel(access: Access, user: Pick<SessionUser, "roles"> | null = null): string {
  if (access === "signed-in" || access === "public") return "session";
  if (typeof access === "string") return access;
  if ("allOf" in access) return access.allOf.find((p) => !user || !hasPermission(user.roles, p)) ?? access.allOf[0];
  return access.join("|");
}

// Entry points register what they declared, so the authorisation-matrix test can enumerate every page and
// route handler from the file system and check each against every persona without a hand-kept list.
const declared = new WeakMap<object, Access>();

export function declareAccess<F extends object>(entry: F, access: Access): F {
  declared.set(entry, access);
  return entry;
}

export function declaredAccess(entry: unknown): Access | undefined {
  return typeof entry === "function" ? declared.get(entry) : undefined;
}
