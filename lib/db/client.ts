import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { databaseUrl, env } from "@/lib/env";

// One Prisma client per process (kept on globalThis so dev hot reloads don't open new pools), created on
// first use so that importing the data layer (e.g. during `next build`) needs no database.
// OAuth tokens in `accounts` are encrypted by Better Auth (account.encryptOAuthTokens); no DTO selects them.
const globalForDb = globalThis as unknown as { atriumDb?: PrismaClient };

// `next build` imports route modules without a database; nothing queries during the build.
const BUILD_PLACEHOLDER = "postgresql://build@127.0.0.1:1/unused";

function client(): PrismaClient {
  const connectionString =
    process.env.NEXT_PHASE === "phase-production-build" && !process.env.DATABASE_URL
      ? BUILD_PLACEHOLDER
      : databaseUrl();
  globalForDb.atriumDb ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: env().ATRIUM_DB_POOL_SIZE }),
    // Under a burst (50 approvals at once in one process) transactions queue for one of the pool's connections:
    // wait for it, and give a started transaction time on a loaded machine, rather than fail after Prisma's 2 s / 5 s.
    transactionOptions: { maxWait: 15_000, timeout: 15_000 },
  });
  return globalForDb.atriumDb;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const real = client();
    const value = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
