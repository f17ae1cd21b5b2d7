import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db, type Db, type Tx } from "@/lib/db/client";

/**
 * Whether change requests need the stakeholder's approval: their stored change plan's approval need (DOMAIN.md's table
 * by change kind and environment), not their environments. NEW requests are not in the map (prod decides for them).
 */
export async function changeStakeholderNeeds(
  rows: readonly { id: string; kind: string }[],
  client: Db | Tx = db,
): Promise<Map<string, boolean>> {
  const ids = rows.filter((r) => r.kind !== "NEW").map((r) => r.id);
  if (ids.length === 0) return new Map();
  const needs = await client.$queryRaw<{ id: string; need: string | null }[]>(
    Prisma.sql`SELECT id::text AS id, plan->'approval'->>'need' AS need FROM workspace_requests WHERE id = ANY(${ids}::uuid[])`,
  );
  return new Map(needs.map((n) => [n.id, n.need === "adminAndStakeholder"]));
}
