// [ENTRA]: the database side of Entra sign-in and of disabling people, against real PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import type { EntraConfig } from "@/lib/auth/entra";
import { entraAccountId, parseRoleMap } from "@/lib/auth/oidc-claims";
import { prepareEntraSignIn, SignInRefusal, syncEntraPerson } from "@/lib/auth/oidc-sync";
import { setPersonDisabledAction } from "@/lib/people/actions";
import { DEMO_TENANT_ID } from "@/prisma/seed/data";
import { actAs } from "../support/act-as";

const BEN_OID = "5e1a0000-0000-4000-8000-000000000002";
const config = {
  tenantId: DEMO_TENANT_ID,
  appRoleMap: parseRoleMap("Atrium.Admin=ADMIN,Atrium.Requester=REQUESTER", "ENTRA_APP_ROLE_MAP"),
  groupRoleMap: parseRoleMap("", "ENTRA_GROUP_ROLE_MAP"),
} as EntraConfig;
const claims = (roles: string[]) => ({
  iss: "i",
  aud: "a",
  sub: "s",
  tid: DEMO_TENANT_ID,
  oid: BEN_OID,
  name: "Ben Carter",
  email: "ben.carter@contoso.com",
  roles,
});
const disableForm = (disabled: boolean) => {
  const form = new FormData();
  form.set("disabled", String(disabled));
  return form;
};

afterAll(async () => {
  await db.account.deleteMany({ where: { userId: "usr-ben", providerId: "entra" } });
  await db.user.update({ where: { id: "usr-ben" }, data: { roles: ["REQUESTER"], entraRoles: [] } });
  await db.user.update({ where: { id: "usr-amara" }, data: { disabled: false } });
});

describe("[ENTRA]: people are found by tid+oid and roles follow the directory", () => {
  it("links a known person by tenant and object id once, and audits the link", async () => {
    await prepareEntraSignIn({ tid: DEMO_TENANT_ID.toUpperCase(), oid: BEN_OID });
    await prepareEntraSignIn({ tid: DEMO_TENANT_ID, oid: BEN_OID });
    const accounts = await db.account.findMany({
      where: { providerId: "entra", userId: "usr-ben" },
      select: { accountId: true },
    });
    expect(accounts).toEqual([{ accountId: entraAccountId(DEMO_TENANT_ID, BEN_OID) }]);
    expect(await db.auditEvent.count({ where: { action: "user.entra_linked", entityId: "usr-ben" } })).toBe(1);
  });

  it("does nothing for an unknown identity (Better Auth creates the person)", async () => {
    const before = await db.account.count();
    await prepareEntraSignIn({ tid: DEMO_TENANT_ID, oid: "00000000-0000-4000-8000-00000000ffff" });
    expect(await db.account.count()).toBe(before);
  });

  it("syncs directory roles and keeps portal grants, auditing each change", async () => {
    await syncEntraPerson("usr-ben", claims(["Atrium.Admin"]), config, false);
    expect(await db.user.findUnique({ where: { id: "usr-ben" }, select: { roles: true, entraRoles: true } })).toEqual({
      roles: ["REQUESTER", "ADMIN"],
      entraRoles: ["ADMIN"],
    });
    await syncEntraPerson("usr-ben", claims([]), config, false);
    expect(await db.user.findUnique({ where: { id: "usr-ben" }, select: { roles: true, entraRoles: true } })).toEqual({
      roles: ["REQUESTER"],
      entraRoles: [],
    });
    expect(await db.auditEvent.count({ where: { action: "user.roles_synced", entityId: "usr-ben" } })).toBe(2);
    await syncEntraPerson("usr-ben", claims([]), config, false); // no change, no event
    expect(await db.auditEvent.count({ where: { action: "user.roles_synced", entityId: "usr-ben" } })).toBe(2);
  });
});

describe("[ENTRA]: disabling a person", () => {
  it("ends all their sessions at once, refuses new ones and audits it", async () => {
    await actAs("amara.okafor@contoso.com");
    await actAs("amara.okafor@contoso.com");
    expect(await db.session.count({ where: { userId: "usr-amara" } })).toBeGreaterThanOrEqual(2);
    await actAs("fatima.khan@contoso.com");
    expect(await setPersonDisabledAction("usr-amara", { ok: true }, disableForm(true))).toMatchObject({ ok: true });
    expect(await db.session.count({ where: { userId: "usr-amara" } })).toBe(0);
    const event = await db.auditEvent.findFirst({
      where: { action: "user.disabled", entityId: "usr-amara" },
      select: { actorId: true, after: true },
    });
    expect(event).toMatchObject({ actorId: "usr-fatima", after: { disabled: true } });

    await expect(auth.api.signInAsPersona({ body: { userId: "usr-amara" }, headers: new Headers() })).rejects.toThrow();
    await expect(
      prepareEntraSignIn({ tid: DEMO_TENANT_ID, oid: "5e1a0000-0000-4000-8000-000000000001" }),
    ).rejects.toBeInstanceOf(SignInRefusal);
    // Whatever the sign-in method, Better Auth's session hook creates no session for a disabled person.
    const context = await auth.$context;
    expect(await context.internalAdapter.createSession("usr-amara").catch(() => null)).toBeNull();
    expect(await context.internalAdapter.createSession("usr-fatima")).toMatchObject({ userId: "usr-fatima" }); // control
    expect(await db.session.count({ where: { userId: "usr-amara" } })).toBe(0);

    expect(await setPersonDisabledAction("usr-amara", { ok: true }, disableForm(false))).toMatchObject({ ok: true });
    expect(await db.auditEvent.count({ where: { action: "user.enabled", entityId: "usr-amara" } })).toBe(1);
  });

  it("refuses an admin disabling themselves", async () => {
    await actAs("fatima.khan@contoso.com");
    expect(await setPersonDisabledAction("usr-fatima", { ok: true }, disableForm(true))).toMatchObject({ ok: false });
    expect(await db.user.findUnique({ where: { id: "usr-fatima" }, select: { disabled: true } })).toEqual({
      disabled: false,
    });
  });
});
