// [API] The conventions every route keeps: bearer tokens only (unknown, revoked, expired → 401), scopes AND roles
// (→ 403, audited), problem details with field errors (nothing stored), media type and JSON checks, ETag/If-Match,
// cursor pagination, per-token rate limits shared through PostgreSQL, and invisible objects answering 404.
import { afterEach, describe, expect, it } from "vitest";
import { consumeRateLimit } from "@/lib/api/rate-limit";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { revokeApiToken } from "@/lib/tokens/mutations";
import { principalForToken } from "@/lib/tokens/queries";
import { api, API_DOCUMENT, tokenFor } from "./api-support";

type Json = Record<string, unknown> & { items?: Record<string, unknown>[]; errors?: Record<string, string[]> };
const body = async (r: Response) => (await r.json()) as Json;
const denials = () => db.auditEvent.count({ where: { action: "authz.denied" } });

afterEach(() => {
  delete process.env.ATRIUM_API_RATE_LIMIT;
  reloadEnv();
});

describe("[API] authentication and authorisation", () => {
  it("refuses calls without a live token with 401 and WWW-Authenticate, each audited", async () => {
    const before = await denials();
    const none = await api(null).get("/requests");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect((await body(none)).status).toBe(401);
    expect((await api(`atr_${"x".repeat(43)}`).get("/requests")).status).toBe(401);

    const token = await tokenFor("amara.okafor@contoso.com", ["read"]);
    expect((await api(token).get("/requests")).status).toBe(200);
    const principal = await principalForToken(token);
    expect(principal?.user.id).toBe("usr-amara");
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: principal!.tokenId } })).lastUsedAt).not.toBeNull();
    await revokeApiToken(principal!.user, principal!.tokenId, "test");
    expect((await api(token).get("/requests")).status).toBe(401);

    const expired = await tokenFor("amara.okafor@contoso.com", ["read"]);
    const expiring = await principalForToken(expired);
    await db.apiToken.update({ where: { id: expiring!.tokenId }, data: { expiresAt: new Date(0) } });
    expect((await api(expired).get("/requests")).status).toBe(401);
    // Four denials, each audited (the first few of a source's minute are recorded individually; lib/audit/denials.ts).
    expect(await denials()).toBe(before + 4);
  });

  it("needs the scope AND the role: 403 problem, audited, nothing changed", async () => {
    const readOnly = api(await tokenFor("amara.okafor@contoso.com", ["read"]));
    const before = await denials();
    const noScope = await readOnly.post("/requests", API_DOCUMENT);
    expect(noScope.status).toBe(403);
    expect((await body(noScope)).detail).toMatch(/"write" scope/);
    const stakeholder = api(await tokenFor("hannah.schmidt@contoso.com", ["read", "write"]));
    expect((await stakeholder.post("/requests", API_DOCUMENT)).status).toBe(403);
    expect(await denials()).toBe(before + 2);
    expect(await db.workspaceRequest.count({ where: { projectId: { not: null }, costCenter: "CC-4120" } })).toBe(0);
  });

  it("someone else's draft is 404 (no existence leak), as is a malformed id", async () => {
    const amara = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));
    const draft = await body(await amara.post("/requests", API_DOCUMENT));
    expect(draft.status).toBe("draft");
    const admin = api(await tokenFor("fatima.khan@contoso.com"));
    expect((await admin.get(`/requests/${draft.id}`)).status).toBe(404);
    expect((await admin.get("/requests/not-a-uuid")).status).toBe(404);
    expect((await amara.get(`/requests/${draft.id}/plan`)).status).toBe(200);
    await amara.post(`/requests/${draft.id}/cancel`);
  });
});

describe("[API] input and versions", () => {
  it("an invalid document is a 422 with the wizard's field messages, and nothing is stored", async () => {
    const amara = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));
    const count = await db.workspaceRequest.count();
    const invalid = await amara.post("/requests", { ...API_DOCUMENT, region: "Mars", members: [], submit: "yes" });
    expect(invalid.status).toBe(422);
    const problem = await body(invalid);
    expect(problem.errors).toMatchObject({ submit: [expect.any(String)] });
    const document = await amara.post("/requests", { ...API_DOCUMENT, region: "Mars", members: [] });
    expect((await body(document)).errors).toMatchObject({
      region: [expect.stringMatching(/region/i)],
      members: ["Add at least one member."],
    });
    expect((await amara.post("/requests", "{not json")).status).toBe(400);
    const hostile = await amara.post(
      "/requests",
      `{"__proto__":{"admin":true},${JSON.stringify(API_DOCUMENT).slice(1)}`,
    );
    expect(hostile.status).toBe(400);
    expect((await body(hostile)).errors).toEqual({ "": [expect.stringMatching(/property name is not allowed/)] });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const form = await api(await tokenFor("amara.okafor@contoso.com", ["write"])).post("/requests", undefined, {
      "content-type": "text/plain",
    });
    expect(form.status).toBe(415);
    expect(await db.workspaceRequest.count()).toBe(count);
  });

  it("If-Match: a stale ETag is 412 and changes nothing; the current one goes through", async () => {
    const amara = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));
    const created = await amara.post("/requests", { ...API_DOCUMENT, environments: ["dev"] });
    const draft = await body(created);
    const etag = created.headers.get("etag")!;
    expect((await amara.post(`/requests/${draft.id}/submit`, undefined, { "if-match": '"999"' })).status).toBe(412);
    expect((await body(await amara.get(`/requests/${draft.id}`))).status).toBe("draft");
    const submitted = await amara.post(`/requests/${draft.id}/submit`, undefined, { "if-match": etag });
    expect(submitted.status).toBe(200);
    expect((await body(submitted)).status).toBe("submitted");
    expect(submitted.headers.get("etag")).not.toBe(etag);
    const again = await amara.post(`/requests/${draft.id}/submit`);
    expect(again.status).toBe(409);
    const cancelled = await amara.post(`/requests/${draft.id}/cancel`, undefined, {
      "if-match": submitted.headers.get("etag")!,
    });
    expect((await body(cancelled)).status).toBe("cancelled");
  });
});

describe("[API] pages and limits", () => {
  it("cursor pagination walks every visible request once, newest first", async () => {
    const amara = api(await tokenFor("amara.okafor@contoso.com", ["read", "write"]));
    for (const env of [["dev"], ["test"], ["dev", "test"]])
      await amara.post("/requests", { ...API_DOCUMENT, environments: env });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await body(await amara.get(`/requests?mine=true&limit=2${cursor ? `&cursor=${cursor}` : ""}`));
      seen.push(...page.items!.map((i) => i.id as string));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    const all = await db.workspaceRequest.findMany({
      where: { requesterId: "usr-amara" },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(seen).toEqual(all.map((r) => r.id));
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect((await amara.get("/requests?cursor=bogus")).status).toBe(422);
    expect((await amara.get("/requests?limit=0")).status).toBe(422);
  });

  it("rate limits per token: 429 with Retry-After once the window's calls are spent", async () => {
    process.env.ATRIUM_API_RATE_LIMIT = "3";
    reloadEnv();
    const a = api(await tokenFor("amara.okafor@contoso.com", ["read"]));
    const b = api(await tokenFor("fatima.khan@contoso.com", ["read"]));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.get("/approvals")).status);
    // Amara holds no approval permission: 403 for the first three, then the limit answers first.
    expect(statuses).toEqual([403, 403, 403, 429]);
    const limited = await a.get("/requests");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect((await b.get("/requests")).status).toBe(200);
  });

  it("the window is one row per token in PostgreSQL: counts add up across calls and reset with the next minute", async () => {
    const at = new Date("2026-01-01T10:00:05Z");
    expect((await consumeRateLimit("test:window", 2, at)).allowed).toBe(true);
    expect((await consumeRateLimit("test:window", 2, at)).allowed).toBe(true);
    const third = await consumeRateLimit("test:window", 2, new Date("2026-01-01T10:00:50Z"));
    expect(third).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 10 });
    expect((await consumeRateLimit("test:window", 2, new Date("2026-01-01T10:01:00Z"))).allowed).toBe(true);
  });
});
