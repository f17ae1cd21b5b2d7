// [TOKENS] Personal access tokens through the Tokens page's actions and `npm run token`: shown once, stored as a
// SHA-256 hash, scoped, revocable only by their owner, audited; the script prints only the token.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createTokenAction, revokeTokenAction } from "@/lib/tokens/actions";
import { listApiTokens } from "@/lib/tokens/queries";
import { actAs } from "../support/act-as";
import { api } from "./api-support";

function form(fields: Record<string, string | string[]>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) f.append(k, value);
  return f;
}

describe("[TOKENS] the Tokens page's actions", () => {
  it("creates a token shown once and stored hashed; it works at once; only its owner revokes it", async () => {
    await actAs("amara.okafor@contoso.com");
    const result = (await createTokenAction(
      { ok: true },
      form({ name: "ci pipeline", scopes: ["read", "write"] }),
    )) as {
      ok: boolean;
      token?: string;
    };
    expect(result.ok).toBe(true);
    const token = result.token!;
    expect(token).toMatch(/^atr_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findFirstOrThrow({ where: { userId: "usr-amara", name: "ci pipeline" } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token.slice(10));
    expect(row).toMatchObject({ prefix: token.slice(0, 10), scopes: ["read", "write"], revokedAt: null });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeCloseTo(30 * 86_400_000, -4);

    expect((await api(token).get("/requests")).status).toBe(200);
    const [listed] = await listApiTokens({ id: "usr-amara" });
    expect(listed).toMatchObject({ id: row.id, state: "active" });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(Object.keys(listed)).not.toContain("tokenHash");

    await actAs("fatima.khan@contoso.com");
    expect(await revokeTokenAction(row.id)).toMatchObject({ ok: false });
    expect((await api(token).get("/requests")).status).toBe(200);
    await actAs("amara.okafor@contoso.com");
    expect(await revokeTokenAction(row.id)).toMatchObject({ ok: true });
    expect((await api(token).get("/requests")).status).toBe(401);
    const audited = await db.auditEvent.findMany({ where: { entityType: "api_token", entityId: row.id } });
    expect(audited.map((e) => e.action)).toEqual(["token.created", "token.revoked"]);
    expect(JSON.stringify(audited.map((e) => [e.before, e.after]))).not.toContain(token.slice(10));
  });

  it("refuses an unnamed token, unknown scopes and lifetimes beyond a year, with field messages", async () => {
    await actAs("amara.okafor@contoso.com");
    const count = await db.apiToken.count();
    const refused = await createTokenAction({ ok: true }, form({ name: "", scopes: ["admin"], expiresInDays: "400" }));
    expect(refused).toMatchObject({
      ok: false,
      fieldErrors: { name: [expect.any(String)], scopes: [expect.any(String)], expiresInDays: [expect.any(String)] },
    });
    expect(await db.apiToken.count()).toBe(count);
  });
});

describe("[TOKENS] npm run token", () => {
  it("prints only the token, which authenticates as the named person with the given scopes", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const { ATRIUM_LOCAL_PERSONAS: _asked, ...env } = process.env; // the script decides from the setting alone
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        path.join(root, "node_modules/.bin/tsx"),
        ["--conditions=react-server", "scripts/token.ts", "create", "--as", "fatima.khan@contoso.com", "--name", "cli"],
        { cwd: root, env, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    expect(stdout).toMatch(/^atr_[A-Za-z0-9_-]{43}\n$/);
    const admin = api(stdout.trim());
    expect((await admin.get("/requests")).status).toBe(200);
    expect((await admin.get("/approvals")).status).toBe(200);
    expect((await admin.post("/requests", {})).status).toBe(403); // default scope: read
  });
});
