// Runs before every integration test file: points the app at the run's database and stands in for the
// parts of a Next.js request that server actions read (headers, cookies, revalidation).
import { inject, vi } from "vitest";
import { requestContext } from "./request-context";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.BETTER_AUTH_SECRET ??= "integration-tests-secret-0123456789abcdef";
process.env.ATRIUM_LOCAL_PERSONAS ??= "1";

vi.mock("next/headers", () => ({
  headers: async () => requestContext.headers(),
  cookies: async () => requestContext.cookies(),
}));

vi.mock("next/cache", () => ({
  revalidatePath: () => {},
  revalidateTag: () => {},
  updateTag: () => {},
  refresh: () => {},
}));
