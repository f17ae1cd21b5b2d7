// [API] The OpenAPI document is valid OpenAPI 3.1 and documents exactly the routes that exist: every route file under
// app/api/v1 (found on disk) and every method it exports has its operation, and every operation has its route.
// A new route that is not in lib/api/operations.ts fails here.
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { routeOperation } from "@/lib/api/route";
import { api, dispatch, METHODS, routeFiles } from "./api-support";

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>> };

async function document(): Promise<Doc> {
  const response = await api(null).get("/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as Doc;
}

describe("[API] OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const doc = await document();
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every route file and method under app/api/v1, and nothing that does not exist", async () => {
    const doc = await document();
    const files = routeFiles();
    expect(files.length).toBeGreaterThanOrEqual(13);
    const served = new Set<string>();
    const undocumented: string[] = [];
    for (const route of files) {
      const mod = (await import(route.file)) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = mod[method];
        if (typeof handler !== "function") continue;
        const key = `${method.toLowerCase()} ${route.path}`;
        served.add(key);
        const documented = doc.paths[route.path]?.[method.toLowerCase()];
        if (!documented) {
          undocumented.push(key);
          continue;
        }
        // Token-guarded handlers serve the very operation the document describes (same checks, same path).
        const op = routeOperation(handler) as { operationId: string; path: string; method: string } | undefined;
        if (documented.security?.length === 0) expect(op, key).toBeUndefined();
        else expect(op && `${op.method} ${op.path} ${op.operationId}`, key).toBe(`${key} ${documented.operationId}`);
      }
    }
    expect(undocumented).toEqual([]);
    const ghosts = Object.entries(doc.paths)
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m} ${p}`))
      .filter((k) => !served.has(k));
    expect(ghosts).toEqual([]);
  });

  it("the reference at /api/docs lists every operation, self-hosted and without scripts", async () => {
    const doc = await document();
    const { GET } = await import("@/app/api/docs/route");
    const response = await GET(
      new Request("http://localhost:3000/api/docs") as never,
      {
        params: Promise.resolve({}),
      } as never,
    );
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(?:src|href)="https?:/i);
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) expect(html).toContain(`id="op-${op.operationId}"`);
    }
    expect((await dispatch(new Request("http://localhost:3000/api/v1/nothing-here"))).status).toBe(404);
  });
});
