// [ENTRA]: sign-in with Microsoft Entra ID, end to end in Chromium, against a real OpenID Connect provider
// (oidc-provider) configured like one Entra tenant. The portal runs with production settings and no local
// personas (playwright.entra.config.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./support/helpers";
import { startTestIdp, type TestIdp } from "./support/oidc-idp";
import { ENTRA_CALLBACK, ENTRA_E2E, entraQuery } from "./support/oidc-env";

// Seeded people carry these object ids in the demo tenant (prisma/seed/data.ts).
const seededOid = (n: number) => `5e1a0000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const OTHER_TENANT = "9f9f9f9f-0000-4000-8000-000000000001";
const STAKEHOLDER_GROUP = "0a0a0a0a-1111-4222-8333-444444444444";

let idp: TestIdp;

test.beforeAll(async () => {
  idp = await startTestIdp({
    port: ENTRA_E2E.idpPort,
    tenantId: ENTRA_E2E.tenantId,
    clientId: ENTRA_E2E.clientId,
    clientSecret: ENTRA_E2E.clientSecret,
    redirectUri: ENTRA_CALLBACK,
    people: {
      // The directory's email differs from the seeded one: people are matched by tid+oid, never by email.
      fatima: { oid: seededOid(6), name: "Fatima Khan", email: "f.khan@contoso.example", roles: ["Atrium.Admin"] },
      amara: {
        oid: seededOid(1),
        name: "Amara Okafor",
        email: "amara.okafor@contoso.com",
        roles: ["Atrium.Requester"],
      },
      chen: { oid: seededOid(3), name: "Chen Wei", email: "chen.wei@contoso.com", roles: ["Atrium.Requester"] },
      diana: { oid: seededOid(4), name: "Diana Reyes", email: "diana.reyes@contoso.com", roles: ["Atrium.MLOps"] },
      newcomer: {
        oid: "7c0ffee0-0000-4000-8000-0000000000aa",
        name: "Nadia Newcomer",
        email: "nadia.newcomer@contoso.com",
        roles: ["Atrium.Requester"],
        groups: [STAKEHOLDER_GROUP],
      },
      // A new Entra identity whose email an existing person already uses: must not take over that person.
      impostor: {
        oid: "7c0ffee0-0000-4000-8000-0000000000bb",
        name: "Not Ben",
        email: "ben.carter@contoso.com",
        roles: ["Atrium.Admin"],
      },
    },
  });
});

test.afterAll(async () => {
  await idp?.stop();
});

async function counts() {
  const [row] = await entraQuery<{ users: string; sessions: string }>(
    "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM sessions) AS sessions",
  );
  return { users: Number(row.users), sessions: Number(row.sessions) };
}

/** Clicks "Sign in with Microsoft" and signs in at the IdP's login form as `login`. */
async function signInAtIdp(page: Page, login: string, beforeSubmit?: () => Promise<void>) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await page.waitForURL((url) => url.host === `127.0.0.1:${ENTRA_E2E.idpPort}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await beforeSubmit?.();
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** The sign-in page's refusal message (Next's route announcer is an alert too). */
const refusalAlert = (page: Page) => page.getByRole("alert").filter({ hasText: "Sign-in refused" });

async function expectSignedIn(page: Page, name: string) {
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(name);
}

test("[ENTRA]: production settings: no persona sign-in, the page offers Microsoft, security headers are set", async ({
  page,
}) => {
  const response = await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toBeVisible();
  await expect(page.getByRole("link", { name: /local persona/i })).toHaveCount(0);
  await expectAccessible(page);
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");

  expect((await page.request.get("/sign-in/local")).status()).toBe(404);

  // The persona action, POSTed as a browser would, signs nobody in.
  const manifestPath = path.join(process.env.NEXT_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const personaAction = Object.entries(manifest.node).find(([, v]) => v.exportedName === "signInAsPersonaAction")?.[0];
  expect(personaAction).toBeTruthy();
  const before = await counts();
  const post = await page.request.post("/sign-in/local", {
    headers: { "Next-Action": personaAction!, "Content-Type": "text/plain;charset=UTF-8", Origin: ENTRA_E2E.baseUrl },
    data: JSON.stringify(["usr-fatima"]),
    maxRedirects: 0,
  });
  expect(post.headers()["set-cookie"] ?? "").not.toContain("session_token");
  expect(await counts()).toEqual(before);
  expect((await page.context().cookies()).filter((c) => c.name.includes("session_token"))).toEqual([]);
});

test("[ENTRA]: a seeded person signs in through the OpenID Connect provider (code + PKCE + nonce), matched by tid+oid", async ({
  page,
}) => {
  const before = await counts();
  const authorize = page.waitForRequest((r) => r.url().startsWith(`${idp.issuer}/auth?`));
  await signInAtIdp(page, "fatima");
  const params = new URL((await authorize).url()).searchParams;
  expect(params.get("response_type")).toBe("code");
  expect(params.get("client_id")).toBe(ENTRA_E2E.clientId);
  expect(params.get("redirect_uri")).toBe(ENTRA_CALLBACK);
  expect(params.get("code_challenge_method")).toBe("S256");
  expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(params.get("nonce")?.length).toBeGreaterThanOrEqual(32);
  expect(params.get("state")?.length).toBeGreaterThanOrEqual(32);

  await expect(page).toHaveURL(`${ENTRA_E2E.baseUrl}/`);
  await expectSignedIn(page, "Fatima Khan");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People and roles", exact: true }),
  ).toBeVisible();

  // Same person (no new user), bound by tid+oid; the directory's different email did not create or match anyone.
  expect(await counts()).toEqual({ users: before.users, sessions: before.sessions + 1 });
  const [account] = await entraQuery<{ user_id: string; account_id: string }>(
    "SELECT user_id, account_id FROM accounts WHERE provider_id = 'entra' AND user_id = 'usr-fatima'",
  );
  expect(account).toEqual({ user_id: "usr-fatima", account_id: `${ENTRA_E2E.tenantId}:${seededOid(6)}` });
  const [fatima] = await entraQuery<{ roles: string; entra_roles: string; email: string }>(
    "SELECT roles::text, entra_roles::text, email FROM users WHERE id = 'usr-fatima'",
  );
  expect(fatima).toEqual({ roles: "{ADMIN}", entra_roles: "{ADMIN}", email: "f.khan@contoso.example" });
  const signedIn = await entraQuery(
    "SELECT 1 FROM audit_events WHERE action = 'session.signed_in' AND actor_id = 'usr-fatima'",
  );
  expect(signedIn.length).toBe(1);

  const cookie = (await page.context().cookies()).find((c) => c.name === "atrium.session_token");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
});

test("[ENTRA]: a first sign-in creates the person with roles from app roles and groups; later sign-ins follow the directory and keep portal grants", async ({
  page,
  browser,
}) => {
  const before = await counts();
  await signInAtIdp(page, "newcomer");
  await expectSignedIn(page, "Nadia Newcomer");
  expect((await counts()).users).toBe(before.users + 1);
  const [created] = await entraQuery<{
    id: string;
    roles: string;
    entra_roles: string;
    entra_tenant_id: string;
    entra_object_id: string;
  }>(
    "SELECT id, roles::text, entra_roles::text, entra_tenant_id, entra_object_id FROM users WHERE entra_object_id = '7c0ffee0-0000-4000-8000-0000000000aa'",
  );
  expect(created).toMatchObject({
    roles: "{REQUESTER,STAKEHOLDER}",
    entra_roles: "{REQUESTER,STAKEHOLDER}",
    entra_tenant_id: ENTRA_E2E.tenantId,
  });
  expect(
    (await entraQuery("SELECT 1 FROM audit_events WHERE action = 'user.created' AND entity_id = $1", [created.id]))
      .length,
  ).toBe(1);

  // An admin grants MLOps in the portal.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAtIdp(admin, "fatima");
  await expectSignedIn(admin, "Fatima Khan");
  await admin.goto("/admin/people");
  await expectAccessible(admin);
  const row = admin.getByRole("row").filter({ hasText: "nadia.newcomer@contoso.com" });
  await expect(row.getByText("From Entra ID: Requester, Stakeholder")).toBeVisible();
  await row.getByLabel("MLOps engineer").check();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByText("Roles saved.")).toBeVisible();
  await adminContext.close();

  // The directory drops the app role and the group; at the next sign-in only the portal grant remains.
  idp.people.set("newcomer", { ...idp.people.get("newcomer")!, roles: [], groups: [] });
  await page.context().clearCookies();
  await signInAtIdp(page, "newcomer");
  await expectSignedIn(page, "Nadia Newcomer");
  const [after] = await entraQuery<{ roles: string; entra_roles: string }>(
    "SELECT roles::text, entra_roles::text FROM users WHERE id = $1",
    [created.id],
  );
  expect(after).toEqual({ roles: "{MLOPS}", entra_roles: "{}" });
  expect(
    (await entraQuery("SELECT 1 FROM audit_events WHERE action = 'user.roles_synced' AND entity_id = $1", [created.id]))
      .length,
  ).toBe(1);
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Provisioning runs", exact: true }),
  ).toBeVisible();
});

const refusals: { name: string; code: string; message: RegExp; tamper: (c: Record<string, unknown>) => void }[] = [
  {
    name: "a token from another issuer",
    code: "wrong_issuer",
    message: /identity provider Atrium does not trust/,
    tamper: (c) => void (c.iss = `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`),
  },
  {
    name: "a person from another tenant",
    code: "wrong_tenant",
    message: /different Microsoft Entra tenant/,
    tamper: (c) => void (c.tid = OTHER_TENANT),
  },
  {
    name: "a token for another application",
    code: "wrong_audience",
    message: /issued for a different application/,
    tamper: (c) => void (c.aud = "00000000-0000-0000-0000-00000000beef"),
  },
  {
    name: "an expired token",
    code: "token_expired",
    message: /has expired/,
    tamper: (c) => {
      const now = Math.floor(Date.now() / 1000);
      c.iat = now - 7200;
      c.exp = now - 3600;
    },
  },
  {
    name: "a token minted for another sign-in attempt",
    code: "nonce_mismatch",
    message: /nonce mismatch/,
    tamper: (c) => void (c.nonce = "nonce-of-another-attempt-0123456789abcdef"),
  },
];

for (const refusal of refusals) {
  test(`[ENTRA]: refuses ${refusal.name} with a clear message and no session`, async ({ page }) => {
    const before = await counts();
    idp.tamperNextIdToken(refusal.tamper);
    await signInAtIdp(page, "diana");
    await expect(page).toHaveURL(`${ENTRA_E2E.baseUrl}/sign-in?error=${refusal.code}`);
    await expect(refusalAlert(page)).toContainText(refusal.message);
    expect(idp.lastIdToken()?.oid).toBe(seededOid(4)); // the IdP really issued (and we tampered) a token
    expect(await counts()).toEqual(before);
    expect((await page.context().cookies()).filter((c) => c.name.includes("session_token"))).toEqual([]);
    await expectAccessible(page);
  });
}

test("[ENTRA]: refuses a callback whose state does not belong to this browser", async ({ page }) => {
  const before = await counts();
  // The browser loses its sign-in state cookie while at the IdP (as with a forged or replayed callback).
  await signInAtIdp(page, "diana", () => page.context().clearCookies({ domain: "localhost" }));
  await expect(page).toHaveURL(`${ENTRA_E2E.baseUrl}/sign-in?error=state_mismatch`);
  await expect(refusalAlert(page)).toContainText(/state mismatch/);
  expect(await counts()).toEqual(before);
});

test("[ENTRA]: a new identity using an existing person's email is refused, never matched by email", async ({
  page,
}) => {
  const before = await counts();
  const [ben] = await entraQuery<{ roles: string }>("SELECT roles::text FROM users WHERE id = 'usr-ben'");
  await signInAtIdp(page, "impostor");
  await expect(page).toHaveURL(/\/sign-in\?error=account_not_linked/);
  await expect(refusalAlert(page)).toContainText(/already uses your email address/);
  expect(await counts()).toEqual(before);
  expect(await entraQuery("SELECT roles::text FROM users WHERE id = 'usr-ben'")).toEqual([ben]);
  expect(await entraQuery("SELECT 1 FROM accounts WHERE user_id = 'usr-ben'")).toEqual([]);
});

test("[ENTRA]: sign-out deletes the session on the server; the old cookie no longer works", async ({ page }) => {
  await signInAtIdp(page, "chen");
  await expectSignedIn(page, "Chen Wei");
  const cookie = (await page.context().cookies()).find((c) => c.name === "atrium.session_token")!;
  expect((await entraQuery("SELECT 1 FROM sessions WHERE user_id = 'usr-chen'")).length).toBe(1);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await entraQuery("SELECT 1 FROM sessions WHERE user_id = 'usr-chen'")).toEqual([]);
  // Replaying the old cookie gets nobody in.
  await page.context().addCookies([cookie]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("[ENTRA]: disabling a person ends their sessions at once and refuses their next sign-in (audited)", async ({
  page,
  browser,
}) => {
  const personContext = await browser.newContext();
  const person = await personContext.newPage();
  await signInAtIdp(person, "amara");
  await expectSignedIn(person, "Amara Okafor");

  await signInAtIdp(page, "fatima");
  await expectSignedIn(page, "Fatima Khan");
  await page.goto("/admin/people");
  const row = page.getByRole("row").filter({ hasText: "amara.okafor@contoso.com" });
  await row.getByRole("button", { name: "Disable Amara Okafor" }).click();
  await expect(row.getByText("Disabled; their sessions have ended.")).toBeVisible();
  expect(await entraQuery("SELECT 1 FROM sessions WHERE user_id = 'usr-amara'")).toEqual([]);
  expect(
    (await entraQuery("SELECT 1 FROM audit_events WHERE action = 'user.disabled' AND entity_id = 'usr-amara'")).length,
  ).toBe(1);

  await person.reload();
  await expect(person).toHaveURL(/\/sign-in$/);
  const before = await counts();
  await person.context().clearCookies();
  await signInAtIdp(person, "amara");
  await expect(person).toHaveURL(`${ENTRA_E2E.baseUrl}/sign-in?error=account_disabled`);
  await expect(refusalAlert(person)).toContainText(/account is disabled/);
  expect(await counts()).toEqual(before);

  await page.reload();
  await page
    .getByRole("row")
    .filter({ hasText: "amara.okafor@contoso.com" })
    .getByRole("button", { name: "Enable Amara Okafor" })
    .click();
  await expect(
    page.getByRole("row").filter({ hasText: "amara.okafor@contoso.com" }).getByText("Enabled."),
  ).toBeVisible();
  await personContext.close();
});

test("[ENTRA]: a server action POSTed with a foreign Origin or Origin: null changes nothing", async ({ page }) => {
  const manifestPath = path.join(process.env.NEXT_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const actionId = Object.entries(manifest.node).find(([, v]) => v.exportedName === "updateUserRolesAction")?.[0];
  expect(actionId).toBeTruthy();
  await signInAtIdp(page, "fatima");
  await expectSignedIn(page, "Fatima Khan");

  // The admin's own session, a well-formed action call (bound user id, previous state, form data).
  // React's reply encoding: the form's fields as "_1_<name>", then the arguments as field "0" (last, as browsers send it).
  const post = (origin: string, role: string) => {
    const form = new FormData();
    form.append("_1_roles", role);
    form.append("0", JSON.stringify(["usr-ben", { ok: true }, "$K1"]));
    return page.request.post("/admin/people", {
      headers: { "Next-Action": actionId!, Origin: origin },
      multipart: form,
      maxRedirects: 0,
    });
  };
  const benRoles = async () =>
    (await entraQuery<{ roles: string }>("SELECT roles::text FROM users WHERE id = 'usr-ben'"))[0].roles;
  const auditCount = async () =>
    Number(
      (await entraQuery<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE action = 'user.roles_changed'"))[0]
        .n,
    );
  const rolesBefore = await benRoles();
  const auditBefore = await auditCount();

  await post("https://evil.example", "ADMIN");
  await post("null", "ADMIN");
  expect(await benRoles()).toBe(rolesBefore);
  expect(await auditCount()).toBe(auditBefore);

  // Control: the very same request from the portal's own origin does change the roles, so the refusals above are real.
  const ok = await post(ENTRA_E2E.baseUrl, "MLOPS");
  expect(ok.status()).toBe(200);
  expect(await benRoles()).toBe("{MLOPS}");
  expect(await auditCount()).toBe(auditBefore + 1);
});
