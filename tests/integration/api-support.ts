// Shared helpers of the API tests: the route files under app/api/v1 discovered from the file system (so a new route
// is routable, and must be documented, the moment it exists), an in-process dispatcher that calls their handlers as
// Next.js would (method export, awaited params), a tiny node:http adapter over it for the CLI test, and tokens.
import { readdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { db } from "@/lib/db/client";
import { createApiToken } from "@/lib/tokens/mutations";
import type { TokenScope } from "@/lib/tokens/schemas";

export const API_ROOT = path.resolve(import.meta.dirname, "../../app/api/v1");
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export type RouteFile = { file: string; path: string; pattern: RegExp; params: string[] };

/** Every route.ts under app/api/v1, with its OpenAPI-style path (`/requests/{id}/plan`). */
export function routeFiles(dir = API_ROOT): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(full));
    else if (entry.name === "route.ts") {
      const segments = path.relative(API_ROOT, dir).split(path.sep).filter(Boolean);
      const params: string[] = [];
      const apiPath = `/${segments.map((s) => (/^\[(\w+)\]$/.test(s) ? `{${s.slice(1, -1)}}` : s)).join("/")}`;
      const regex = segments
        .map((s) => {
          const m = /^\[(\w+)\]$/.exec(s);
          if (!m) return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          params.push(m[1]);
          return "([^/]+)";
        })
        .join("/");
      out.push({ file: full, path: apiPath, pattern: new RegExp(`^/api/v1/${regex}$`), params });
    }
  }
  return out;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const routes = routeFiles();

/** Calls the handler that Next.js would call for this request (404/405 as Next answers them). */
export async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const mod = (await import(route.file)) as Record<string, Handler | undefined>;
    const handler = mod[request.method];
    if (!handler) return new Response(null, { status: 405 });
    const params = Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(match[i + 1])]));
    return handler(request, { params: Promise.resolve(params) });
  }
  return new Response(null, { status: 404 });
}

/** `fetch`-like access to the API in process: `api(token).get("/requests")`. */
export function api(token: string | null) {
  const call = (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h = new Headers(headers);
    if (token) h.set("authorization", `Bearer ${token}`);
    if (body !== undefined) h.set("content-type", "application/json");
    return dispatch(
      new Request(`http://localhost:3000/api/v1${p}`, {
        method,
        headers: h,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  };
  return {
    get: (p: string, headers?: Record<string, string>) => call("GET", p, undefined, headers),
    post: (p: string, body?: unknown, headers?: Record<string, string>) => call("POST", p, body, headers),
  };
}

/** A personal access token for a seeded person, made through the domain function the Tokens page uses. */
export async function tokenFor(email: string, scopes: TokenScope[] = ["read", "write", "approve"]): Promise<string> {
  const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const { token } = await createApiToken(user, { name: `test-${scopes.join("-")}`, scopes, expiresInDays: 1 }, "test");
  return token;
}

/** A node:http server over `dispatch` (for the CLI test: a real HTTP boundary without starting Next.js). */
export async function startApiServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      dispatch(new Request(`http://localhost${req.url}`, { method: req.method, headers, body }))
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A valid request document (dev+test, public): what `npm run plan` and POST /requests read. */
export const API_DOCUMENT = {
  pattern: "project",
  team: "fraud",
  project: "fraudgraph",
  environments: ["dev", "test"],
  visibility: "public",
  restriction: "restricted",
  region: "westeurope",
  members: [{ email: "amara.okafor@contoso.com", role: "dataScientist" }],
  compute: {
    instanceVmSize: "Standard_DS3_v2",
    idleShutdownMinutes: 60,
    devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 2 }],
    pipelines: [],
  },
  gitRepositoryUrl: "https://github.com/contoso/fraud",
  costCenter: "CC-4120",
  justification: "Graph analysis of fraud rings across card and account data.",
};
