// [AUTHZ]: every page and route handler, discovered from app/, declares who may open it, and keeps to it:
// each persona lacking the access gets Next's 403 (pages) or a 403 problem (routes), no session gets the
// sign-in redirect or a 401, each refusal goes through auditDenial (an `authz.denied` event), and a persona
// holding the access is let through without a denial. A new page or route is covered the moment it exists.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { accessAllows, declaredAccess, type Access } from "@/lib/access/entry-points";
import { auditDenial } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { actAnonymously } from "../support/act-as";
import { PERSONAS, playPersona } from "./authz-personas";
import { resolveServerTree } from "./authz-render";

// Pages call forbidden(), which Next only allows with experimental.authInterrupts (set in next.config.ts).
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "1";

// Calls go through to the real auditDenial; the spy only tells this test which refusal recorded what.
vi.mock("@/lib/auth/session", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/auth/session")>();
  return { ...actual, auditDenial: vi.fn(actual.auditDenial) };
});
const denials = vi.mocked(auditDenial);

const APP = path.resolve("app");
const NIL_ID = "00000000-0000-4000-8000-000000000000";
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function entryFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === path.join(APP, "api", "auth") ? [] : entryFiles(full, name);
    return entry.name === name ? [full] : [];
  });
}

/** Params for the dynamic segments of a file's route: a well-formed id that names nothing. */
function paramsOf(file: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const segment of path.relative(APP, file).split(path.sep)) {
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(segment);
    const single = /^\[(\w+)\]$/.exec(segment);
    if (catchAll) params[catchAll[1]] = ["x"];
    else if (single) params[single[1]] = NIL_ID;
  }
  return params;
}

/** The URL a route file serves, with its params filled in. */
function urlOf(file: string): string {
  const segments = path
    .relative(APP, path.dirname(file))
    .split(path.sep)
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => (s.startsWith("[") ? NIL_ID : s));
  return `http://localhost:3000/${segments.join("/")}`;
}

type Outcome = "sign-in" | "forbidden" | "not-found" | "redirect" | "rendered";

function outcomeOf(error: unknown): Outcome {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string") throw error;
  if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2] === "/sign-in" ? "sign-in" : "redirect";
  if (digest === "NEXT_HTTP_ERROR_FALLBACK;403") return "forbidden";
  if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return "not-found";
  throw error;
}

type Entry = { file: string; label: string; access: Access | undefined; call: () => Promise<Outcome | number> };

async function discoverPages(): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const file of entryFiles(APP, "page.tsx")) {
    const page = ((await import(file)) as { default: (props: unknown) => Promise<unknown> }).default;
    const props = { params: Promise.resolve(paramsOf(file)), searchParams: Promise.resolve({}) };
    const call = async (): Promise<Outcome> => {
      try {
        // The whole server tree, so the queries below the page's Suspense boundaries run too.
        await resolveServerTree(await page(props));
        return "rendered";
      } catch (error) {
        return outcomeOf(error);
      }
    };
    entries.push({ file, label: path.relative(process.cwd(), file), access: declaredAccess(page), call });
  }
  return entries;
}

async function discoverRoutes(): Promise<(Entry & { tokenApi: boolean })[]> {
  // The REST API authenticates bearer tokens with its own guard (lib/api/route.ts); a portal session is not one.
  const api = (await import(path.resolve("lib/api/route.ts")).catch(() => null)) as {
    routeOperation?: (h: unknown) => unknown;
  } | null;
  const entries: (Entry & { tokenApi: boolean })[] = [];
  for (const file of entryFiles(APP, "route.ts")) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = mod[method] as ((r: NextRequest, c: unknown) => Promise<Response>) | undefined;
      if (typeof handler !== "function") continue;
      const call = async () => {
        const request = new NextRequest(urlOf(file), { method });
        return (await handler(request, { params: Promise.resolve(paramsOf(file)) })).status;
      };
      entries.push({
        file,
        label: `${method} ${path.relative(process.cwd(), file)}`,
        access: declaredAccess(handler),
        call,
        tokenApi: !!api?.routeOperation?.(handler),
      });
    }
  }
  return entries;
}

let pages: Entry[] = [];
let routes: (Entry & { tokenApi: boolean })[] = [];

beforeAll(async () => {
  pages = await discoverPages();
  routes = await discoverRoutes();
});

afterEach(() => {
  denials.mockClear();
});

describe("[AUTHZ]: page and route handler authorisation matrix", () => {
  it("finds every page and route handler, and each declares its access", () => {
    expect(pages.length).toBeGreaterThanOrEqual(15);
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const undeclared = [...pages, ...routes.filter((r) => !r.tokenApi)].filter((e) => !e.access).map((e) => e.label);
    expect(undeclared, "use guardedPage/publicPage or guardedRoute").toEqual([]);
  });

  it("pages: no session → sign-in, lacking access → 403, both audited; with access → let through, no denial", async () => {
    const deniedBefore = await db.auditEvent.count({ where: { action: "authz.denied" } });
    let refusals = 0;
    for (const persona of PERSONAS) {
      const user = await playPersona(persona);
      for (const page of pages) {
        if (!page.access || page.access === "public") continue; // undeclared: the first test fails
        denials.mockClear();
        const outcome = await page.call();
        const label = `${page.label} as ${persona.label}`;
        if (accessAllows(user, page.access)) {
          expect(["rendered", "not-found", "redirect"], label).toContain(outcome);
          expect(denials, label).not.toHaveBeenCalled();
        } else {
          expect(outcome, label).toBe(user ? "forbidden" : "sign-in");
          expect(denials, label).toHaveBeenCalledTimes(1);
          expect(denials.mock.calls[0][0]?.id ?? null, label).toBe(user?.id ?? null);
          refusals += 1;
        }
      }
    }
    expect(refusals).toBeGreaterThan(20);
    expect(await db.auditEvent.count({ where: { action: "authz.denied" } })).toBeGreaterThan(deniedBefore);
  });

  it("public pages open for everyone without a denial", async () => {
    actAnonymously();
    for (const page of pages.filter((p) => p.access === "public")) {
      denials.mockClear();
      expect(["rendered", "not-found", "redirect"], page.label).toContain(await page.call());
      expect(denials, page.label).not.toHaveBeenCalled();
    }
  });

  it("route handlers: no session → 401, lacking access → 403, both audited; with access → neither", async () => {
    let refusals = 0;
    for (const persona of PERSONAS) {
      const user = await playPersona(persona);
      for (const route of routes) {
        if (route.access === "public" || (!route.access && !route.tokenApi)) continue; // undeclared: the first test fails
        denials.mockClear();
        const status = await route.call();
        const label = `${route.label} as ${persona.label}`;
        if (route.tokenApi) {
          // A portal session cookie never authenticates the token API.
          expect(status, label).toBe(401);
          expect(denials, label).toHaveBeenCalledTimes(1);
        } else if (route.access && accessAllows(user, route.access)) {
          expect([401, 403], label).not.toContain(status);
          expect(denials, label).not.toHaveBeenCalled();
        } else {
          expect(status, label).toBe(user ? 403 : 401);
          expect(denials, label).toHaveBeenCalledTimes(1);
          refusals += 1;
        }
      }
    }
    expect(refusals).toBeGreaterThan(5);
  });
});
