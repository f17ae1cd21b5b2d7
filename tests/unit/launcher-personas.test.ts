// [PERSONAS]: the launcher (`npm start`) refuses to open password-less persona sign-in where strangers could use
// it, whatever ATRIUM_LOCAL_PERSONAS says, before it starts anything.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function startLauncher(vars: Record<string, string> & { NODE_ENV?: "development" | "production" }) {
  return spawnSync(
    path.join(root, "node_modules/.bin/tsx"),
    ["--conditions=react-server", "scripts/start.ts", "--no-build"],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        NODE_ENV: "development",
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // Should the refusal ever regress, the launcher fails fast on this unreachable database instead of
        // starting an embedded one.
        DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
        BETTER_AUTH_SECRET: "launcher-test-secret-0123456789abcdef",
        ATRIUM_LOCAL_PERSONAS: "1",
        ...vars,
      },
    },
  );
}

describe("[PERSONAS]: the launcher refuses personas where they could hurt", () => {
  it.each<[string, Record<string, string>, RegExp]>([
    [
      "NODE_ENV=production with an https ATRIUM_URL",
      { NODE_ENV: "production", ATRIUM_URL: "https://atrium.contoso.com" },
      /served at https:\/\/atrium\.contoso\.com/,
    ],
    [
      "Entra ID configured",
      {
        ENTRA_TENANT_ID: "3f2a0000-0000-4000-8000-000000000001",
        ENTRA_CLIENT_ID: "atrium",
        ENTRA_CLIENT_SECRET: "secret",
      },
      /Entra ID sign-in is configured/,
    ],
  ])("%s", (_case, vars, reason) => {
    const run = startLauncher(vars);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ATRIUM_LOCAL_PERSONAS: password-less persona sign-in cannot be turned on here/);
    expect(run.stderr).toMatch(reason);
    expect(run.stdout).not.toMatch(/Starting embedded PostgreSQL|Applied migrations|Atrium is starting/);
  });
});
