import { guardedRoute } from "@/lib/auth/route-guard";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

// Public on purpose: load balancers and `npm start` probe it without a session.
export const GET = guardedRoute("public", async () => {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
});
