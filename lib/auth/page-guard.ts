import "server-only";
import type { ReactNode } from "react";
import { forbidden, notFound, redirect } from "next/navigation";
import { isUuid } from "@/lib/access/params";
import { accessAllows, accessLabel, declareAccess, type SignedInAccess } from "@/lib/access/entry-points";
import { auditDenial, getCurrentUser, type SessionUser } from "@/lib/auth/session";

/**
 * The one way a page authorises. Every page.tsx under app/ default-exports `guardedPage(access, render)` (or
 * `publicPage(render)`), which declares its access where a test can read it and runs `requirePageAccess` first.
 *
 *   export default guardedPage("audit.read", async (user, { searchParams }) => …)
 *
 * No session: an `authz.denied` event and a redirect to sign-in. Signed in without the permission: an
 * `authz.denied` event and Next's 403 page (`forbidden()`). Denials are recorded through `auditDenial`, exactly
 * as `guardedAction` (lib/auth/guards.ts) and `guardedRoute` (lib/auth/route-guard.ts) record theirs.
 */
export async function requirePageAccess(access: SignedInAccess): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) {
    await auditDenial(null, accessLabel(access));
    redirect("/sign-in");
  }
  if (!accessAllows(user, access)) {
    await auditDenial(user, accessLabel(access, user));
    forbidden();
  }
  return user;
}

/** A page that needs `access`; `render` runs only for a person who has it. */
export function guardedPage<Props>(
  access: SignedInAccess,
  render: (user: SessionUser, props: Props) => Promise<ReactNode> | ReactNode,
): (props: Props) => Promise<ReactNode> {
  const page = async (props: Props) => render(await requirePageAccess(access), props);
  return declareAccess(page, access);
}

/** A page anyone may open (sign-in); it declares so, so the matrix knows it is public on purpose. */
export function publicPage<Props>(
  render: (props: Props) => Promise<ReactNode> | ReactNode,
): (props: Props) => Promise<ReactNode> {
  const page = async (props: Props) => render(props);
  return declareAccess(page, "public");
}

/** A `[id]` path segment: a UUID, or the 404 page (a malformed id names nothing, so it is not found). */
export function uuidParam(value: unknown): string {
  if (!isUuid(value)) notFound();
  return value;
}
