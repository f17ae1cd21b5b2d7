// [PROFILE]: names and emails come from the directory. Better Auth's own account API (update-user, change-email,
// delete-user, session listing, ...) is closed over HTTP, tried through the real route handler with a real session.
import { describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/auth/[...all]/route";
import { auth, authHttpPathAllowed } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import type { EntraConfig } from "@/lib/auth/entra";
import { parseRoleMap } from "@/lib/auth/oidc-claims";
import { syncEntraPerson } from "@/lib/auth/oidc-sync";
import { DEMO_TENANT_ID } from "@/prisma/seed/data";
import { actAs } from "../support/act-as";
import { requestContext } from "../support/request-context";

const BASE = "http://localhost:3000";

async function signedInAmara(): Promise<string> {
  await actAs("amara.okafor@contoso.com");
  const cookie = requestContext.headers().get("cookie");
  if (!cookie) throw new Error("the persona sign-in set no session cookie");
  return cookie;
}

function post(path: string, cookie: string, body: unknown) {
  return POST(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { cookie, origin: BASE, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

const amara = () =>
  db.user.findUniqueOrThrow({ where: { id: "usr-amara" }, select: { name: true, email: true, image: true } });

describe("[PROFILE]: a signed-in person cannot change what others see of them", () => {
  it("holds a session the handler would otherwise honour", async () => {
    const cookie = await signedInAmara();
    const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
    expect(session?.user.id).toBe("usr-amara");
  });

  it.each([
    ["an admin's name", "/api/auth/update-user", { name: "Fatima Khan" }],
    ["a 1 MB name", "/api/auth/update-user", { name: "x".repeat(1024 * 1024) }],
    ["a javascript: image", "/api/auth/update-user", { image: "javascript:alert(document.cookie)" }],
    ["a trailing slash", "/api/auth/update-user/", { name: "Fatima Khan" }],
    ["another case", "/api/auth/Update-User", { name: "Fatima Khan" }],
    ["a doubled slash", "/api/auth//update-user", { name: "Fatima Khan" }],
    ["percent-encoding", "/api/auth/%75pdate-user", { name: "Fatima Khan" }],
    ["a new email", "/api/auth/change-email", { newEmail: "fatima.khan@contoso.com" }],
    ["a password", "/api/auth/change-password", { currentPassword: "x", newPassword: "y".repeat(12) }],
    ["deleting the account", "/api/auth/delete-user", {}],
    ["revoking sessions", "/api/auth/revoke-sessions", {}],
    ["unlinking the Entra account", "/api/auth/unlink-account", { providerId: "entra" }],
  ])("refuses %s with 404 and changes nothing", async (_case, path, body) => {
    const cookie = await signedInAmara();
    const before = await amara();
    const sessions = await db.session.count({ where: { userId: "usr-amara" } });
    const response = await post(path, cookie, body);
    expect(response.status).toBe(404);
    expect(await amara()).toEqual(before);
    expect(before.name).toBe("Amara Okafor");
    expect(await db.session.count({ where: { userId: "usr-amara" } })).toBe(sessions);
    expect(await db.user.count({ where: { id: "usr-amara" } })).toBe(1);
  });

  it("does not list sessions or accounts to the browser either", async () => {
    const cookie = await signedInAmara();
    for (const path of ["/api/auth/list-sessions", "/api/auth/list-accounts", "/api/auth/get-session"]) {
      const response = await GET(new Request(`${BASE}${path}`, { headers: { cookie } }));
      expect(response.status, path).toBe(404);
    }
  });

  it("keeps the OAuth callback, the one path Entra ID redirects browsers to", () => {
    expect(authHttpPathAllowed(`${BASE}/api/auth/callback/entra`)).toBe(true);
    expect(authHttpPathAllowed(`${BASE}/api/auth/callback/entra?code=x&state=y`)).toBe(true);
    expect(authHttpPathAllowed(`${BASE}/api/auth/callback/other`)).toBe(false);
    expect(authHttpPathAllowed(`${BASE}/api/auth/update-user`)).toBe(false);
  });

  it("refuses a profile change even when server code asks Better Auth for it", async () => {
    const cookie = await signedInAmara();
    await auth.api.updateUser({ body: { name: "Fatima Khan" }, headers: new Headers({ cookie }) }).catch(() => {});
    expect((await amara()).name).toBe("Amara Okafor");
  });
});

describe("[PROFILE]: the directory is the source, and its changes are on the record", () => {
  const config = {
    tenantId: DEMO_TENANT_ID,
    appRoleMap: parseRoleMap("Atrium.Requester=REQUESTER", "ENTRA_APP_ROLE_MAP"),
    groupRoleMap: parseRoleMap("", "ENTRA_GROUP_ROLE_MAP"),
  } as EntraConfig;
  const claims = (name: string) => ({
    iss: "i",
    aud: "a",
    sub: "s",
    tid: DEMO_TENANT_ID,
    oid: "5e1a0000-0000-4000-8000-000000000002",
    name,
    email: "ben.carter@contoso.com",
    roles: ["Atrium.Requester"],
  });
  const events = () =>
    db.auditEvent.findMany({
      where: { action: "user.profile_synced", entityId: "usr-ben" },
      select: { before: true, after: true },
    });

  it("audits a name the directory changed at sign-in, and nothing when it did not change", async () => {
    await syncEntraPerson("usr-ben", claims("Ben Carter"), config, false);
    expect(await events()).toEqual([]);
    await syncEntraPerson("usr-ben", claims("Benjamin Carter"), config, false);
    expect(await events()).toEqual([
      {
        before: { name: "Ben Carter", email: "ben.carter@contoso.com" },
        after: { name: "Benjamin Carter", email: "ben.carter@contoso.com" },
      },
    ]);
    expect((await db.user.findUniqueOrThrow({ where: { id: "usr-ben" } })).name).toBe("Benjamin Carter");
  });
});
