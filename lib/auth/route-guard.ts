import "server-only";
import type { z } from "zod";
import type { NextRequest } from "next/server";
import { unstable_rethrow } from "next/navigation";
import { isUuid, parseSearchParams } from "@/lib/access/params";
import { accessAllows, accessLabel, declareAccess, type Access, type SignedInAccess } from "@/lib/access/entry-points";
import { auditDenial, getCurrentUser, type SessionUser } from "@/lib/auth/session";
import { AppError, isAppError, type AppErrorCode } from "@/lib/errors";

/**
 * The twin of `guardedAction` (lib/auth/guards.ts) for route handlers (every `route.ts` except Better Auth's):
 * authenticate, check the declared access, run, and turn expected failures into RFC 9457 problem responses.
 *
 *   export const GET = guardedRoute("history.export", async (request, { user, params }) => …)
 *
 * No session → 401, lacking the permission → 403, both with an `authz.denied` event (through `auditDenial`,
 * as pages and actions record theirs). Inside the handler, throw AppError: INVALID → 400 with the field
 * messages, NOT_FOUND → 404, FORBIDDEN → 403 (audited), CONFLICT → 409, UNAVAILABLE → 503. Anything else is a
 * bug and stays a 500. `parseQuery` and `uuidRouteParam` give search params and path segments that treatment.
 * The access is registered (`declaredAccess`) so the authorisation-matrix test finds every handler by itself.
 */

type RouteContext<P> = { params: Promise<P> };
type Handler<P, U> = (request: NextRequest, context: { user: U; params: P }) => Promise<Response>;
// The context is optional so a handler can also be called directly (tests, other handlers) without params.
export type GuardedRouteHandler<P> = (request: NextRequest, context?: RouteContext<P>) => Promise<Response>;

const STATUS: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 400,
  UNAVAILABLE: 503,
};

const TITLES: Record<number, string> = {
  400: "The request is not valid",
  401: "Sign in first",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  503: "Unavailable",
};

/** An RFC 9457 problem response; `detail` says what to do, `errors` carries field-level messages. */
export function problem(status: number, detail: string, errors?: Record<string, string[]>): Response {
  return Response.json(
    { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...(errors ? { errors } : {}) },
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } },
  );
}

export function guardedRoute<P = Record<string, never>>(
  access: "public",
  handler: Handler<P, null>,
): GuardedRouteHandler<P>;
export function guardedRoute<P = Record<string, never>>(
  access: SignedInAccess,
  handler: Handler<P, SessionUser>,
): GuardedRouteHandler<P>;
export function guardedRoute<P>(
  access: Access,
  handler: Handler<P, SessionUser> | Handler<P, null>,
): GuardedRouteHandler<P> {
  const run = handler as Handler<P, SessionUser | null>; // the overloads pair each access with its user type
  const route = async (request: NextRequest, context?: RouteContext<P>): Promise<Response> => {
    // Public handlers (the health probe) never touch sessions: they must answer even when auth cannot.
    const user = access === "public" ? null : await getCurrentUser();
    if (!accessAllows(user, access)) {
      await auditDenial(user, accessLabel(access, user));
      return user
        ? problem(403, "Your portal roles do not include this. Ask a platform admin if you need it.")
        : problem(401, "Your session has ended or you are not signed in. Sign in and try again.");
    }
    try {
      return await run(request, { user, params: await (context?.params ?? Promise.resolve({} as P)) });
    } catch (error) {
      unstable_rethrow(error); // notFound() and redirect() are control flow
      if (!isAppError(error)) throw error;
      if (error.code === "FORBIDDEN" && user) await auditDenial(user, accessLabel(access, user));
      return problem(STATUS[error.code], error.message, error.fieldErrors);
    }
  };
  return declareAccess(route, access);
}

/** Search params through `schema`; AppError("INVALID") with field messages (→ 400) when they don't fit. */
export function parseQuery<S extends z.ZodType>(schema: S, request: Pick<NextRequest, "nextUrl">): z.infer<S> {
  const result = parseSearchParams(schema, request.nextUrl.searchParams);
  if (!result.ok) throw new AppError("INVALID", result.message, result.fieldErrors);
  return result.data;
}

/** A `[id]` path segment that must be a UUID; AppError("NOT_FOUND") (→ 404) otherwise. */
export function uuidRouteParam(value: unknown, what = "resource"): string {
  if (!isUuid(value)) throw new AppError("NOT_FOUND", `No such ${what}.`);
  return value;
}
