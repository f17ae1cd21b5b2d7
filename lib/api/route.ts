import "server-only";
import { auditDenial, can, type SessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { principalForToken, type TokenPrincipal } from "@/lib/tokens/queries";
import type { TokenScope } from "@/lib/tokens/schemas";
import { principalForAppToken } from "./entra-app";
import { HttpProblem, problem, problemFromAppError } from "./http";
import type { Operation } from "./operations";
import { consumeRateLimit } from "./rate-limit";

export type ApiContext = {
  user: SessionUser;
  tokenId: string;
  scopes: TokenScope[];
  request: Request;
  params: Record<string, string>;
};

type RouteArgs = { params: Promise<Record<string, string>> };

/** Calls per token per minute (`ATRIUM_API_RATE_LIMIT`, default 600). */
export function apiRateLimit(): number {
  return env().ATRIUM_API_RATE_LIMIT;
}

const operationOf = new WeakMap<(...args: never[]) => unknown, Operation>();

/** The operation a route handler serves (the OpenAPI coverage test reads it). */
export function routeOperation(handler: unknown): Operation | undefined {
  return typeof handler === "function" ? operationOf.get(handler as (...args: never[]) => unknown) : undefined;
}

function unauthenticated(detail: string) {
  return problem({
    status: 401,
    type: "unauthenticated",
    detail,
    headers: { "www-authenticate": 'Bearer realm="atrium", error="invalid_token"' },
  });
}

function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/**
 * The bearer-token sibling of guardedAction: authenticate the token, count the call against the token's rate limit,
 * check the operation's scope and role permission, run, and map expected failures to problem details. Object-level
 * checks happen inside the handler (in the domain layer), which throws AppError. Refusals change nothing and write
 * `authz.denied`, as the UI's do.
 */
export function apiRoute(operation: Operation, handler: (ctx: ApiContext) => Promise<Response>) {
  const route = async (request: Request, args?: RouteArgs): Promise<Response> => {
    const token = bearerToken(request);
    const principal = token ? await principalOf(token) : null;
    if (!principal) {
      await auditDenial(null, operation.permissions[0]);
      return unauthenticated(
        token
          ? "The token is unknown, expired or revoked."
          : "Send a personal access token: Authorization: Bearer atr_…",
      );
    }
    const rate = await consumeRateLimit(
      principal.tokenId.startsWith("entra-app:") ? principal.tokenId : `token:${principal.tokenId}`,
      apiRateLimit(),
    );
    const rateHeaders = { "ratelimit-limit": String(rate.limit), "ratelimit-remaining": String(rate.remaining) };
    if (!rate.allowed) {
      return problem({
        status: 429,
        type: "rate-limited",
        detail: `At most ${rate.limit} calls a minute per token; retry after ${rate.retryAfterSeconds} s.`,
        headers: { ...rateHeaders, "retry-after": String(rate.retryAfterSeconds) },
      });
    }
    const { user } = principal;
    const permitted = operation.permissions.some((p) => can(user, p));
    if (!principal.scopes.includes(operation.scope) || !permitted) {
      await auditDenial(user, operation.permissions[0]);
      return problem({
        status: 403,
        type: "forbidden",
        detail: !principal.scopes.includes(operation.scope)
          ? `This token lacks the "${operation.scope}" scope.`
          : "Your roles do not allow this.",
        headers: rateHeaders,
      });
    }
    const params = args ? await args.params : {};
    let response: Response;
    try {
      response = await handler({ user, tokenId: principal.tokenId, scopes: principal.scopes, request, params });
    } catch (error) {
      response = await failure(error, user, operation);
    }
    for (const [key, value] of Object.entries(rateHeaders)) response.headers.set(key, value);
    return response;
  };
  operationOf.set(route as (...args: never[]) => unknown, operation);
  return route;
}

/** A personal access token (atr_…), or an Entra ID app-only access token when Entra ID is configured. */
async function principalOf(token: string): Promise<TokenPrincipal | null> {
  return token.startsWith("atr_") ? principalForToken(token) : principalForAppToken(token);
}

async function failure(error: unknown, user: SessionUser, operation: Operation): Promise<Response> {
  if (error instanceof HttpProblem) return problem(error.init);
  if (!isAppError(error)) throw error;
  if (error.code === "FORBIDDEN" || error.code === "NOT_FOUND") await auditDenial(user, operation.permissions[0]);
  return problemFromAppError(error);
}
