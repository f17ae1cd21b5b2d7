// Signs a seeded person in (through the real persona endpoint and a real database session) and makes
// them the current request's user; `actAnonymously()` clears it.
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import { requestContext } from "./request-context";

export async function actAs(email: string): Promise<{ userId: string }> {
  const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const { headers } = await auth.api.signInAsPersona({
    body: { userId: user.id },
    headers: new Headers(),
    returnHeaders: true,
  });
  const setCookies = headers.getSetCookie();
  requestContext.setCookieHeader(setCookies.map((c) => c.split(";")[0]).join("; "));
  return { userId: user.id };
}

export function actAnonymously() {
  requestContext.setCookieHeader("");
}

// Refusals are counted in the denial windows (part of the audit trail, like audit_events): never "a change".
const AUDIT_COUNTERS = "audit_denial_windows";

/** Row counts of every application table, to prove an action changed nothing. */
export async function tableCounts(except: string[] = []): Promise<Record<string, number>> {
  const tables = await db.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    if (table_name === "_prisma_migrations" || table_name === AUDIT_COUNTERS || except.includes(table_name)) continue;
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table_name}"`);
    counts[table_name] = Number(row.n);
  }
  return counts;
}
