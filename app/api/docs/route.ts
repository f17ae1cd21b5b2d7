import { renderDocsPage } from "@/lib/api/docs-page";
import { guardedRoute } from "@/lib/auth/route-guard";

// Public on purpose, like the OpenAPI document it renders: it describes the API and holds no data.
let page: string | undefined;

export const GET = guardedRoute("public", async () => {
  page ??= renderDocsPage();
  return new Response(page, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=300" },
  });
});
