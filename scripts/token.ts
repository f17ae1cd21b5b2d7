// `npm run -s token -- create --as <email> --name <name> [--scopes read,write,approve] [--days 30]`: creates a
// personal access token for a seeded person and prints only the token (for scripts: TOKEN=$(npm run -s token ...)).
// Local mode only (where anyone may sign in as any persona anyway); in production people create tokens on /tokens.
// Exit codes: 0 created; 2 invalid arguments or unknown person; 3 not in local mode.
import "dotenv/config";
import { parseArgs } from "node:util";

// Keep stdout for the token alone: anything a library logs goes to stderr.
const writeOut = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

const USAGE = "Usage: npm run -s token -- create --as <email> --name <name> [--scopes read,write,approve] [--days N]";

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        as: { type: "string" },
        name: { type: "string" },
        scopes: { type: "string", default: "read" },
        days: { type: "string", default: "30" },
      },
    });
  } catch (error) {
    fail(2, `${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== "create" || !values.as) fail(2, USAGE);

  // Local mode: where the portal could offer password-less personas (no Entra ID, loopback URL), minting a token for
  // any seeded person gives nothing a persona sign-in would not.
  const { env, localPersonasPermitted } = await import("../lib/env");
  if (!localPersonasPermitted(env())) fail(3, "token: only in local mode; create tokens on the Tokens page (/tokens).");
  const { createTokenSchema } = await import("../lib/tokens/schemas");
  const input = createTokenSchema.safeParse({
    name: values.name,
    scopes: values.scopes.split(",").map((s) => s.trim()),
    expiresInDays: values.days,
  });
  if (!input.success) fail(2, input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));

  const { connectCliDatabase } = await import("../lib/db/cli-database");
  const { stop } = await connectCliDatabase();
  const { db } = await import("../lib/db/client");
  try {
    const user = await db.user.findUnique({
      where: { email: values.as.toLowerCase() },
      select: { id: true, disabled: true },
    });
    if (!user || user.disabled) fail(2, `token: no active person with the e-mail ${values.as}.`);
    const { createApiToken } = await import("../lib/tokens/mutations");
    const { randomUUID } = await import("node:crypto");
    const { token } = await createApiToken(user, input.data, randomUUID());
    writeOut(`${token}\n`);
  } finally {
    await db.$disconnect().catch(() => undefined);
    await stop();
  }
}

main().catch((error) => fail(1, `token: ${(error as Error).message ?? String(error)}`));
