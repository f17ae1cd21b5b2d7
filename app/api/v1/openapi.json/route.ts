import { openApiDocument } from "@/lib/api/openapi";
import { guardedRoute } from "@/lib/auth/route-guard";

// Public on purpose: the document describes the API and holds no data. Generated once per process.
let document: string | undefined;

export const GET = guardedRoute("public", async () => {
  document ??= JSON.stringify(openApiDocument());
  return new Response(document, {
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" },
  });
});
