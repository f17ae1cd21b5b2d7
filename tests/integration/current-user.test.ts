// [AUTH]: getCurrentUser reads the session, the person, their roles and teams on every request (one query on
// the fast path, Better Auth's getSession whenever the session needs more than a read). A revoked role or a
// disabled person counts on the very next request; forged, expired and too-old sessions count as signed out.
import { afterEach, describe, expect, it } from "vitest";
import { getCurrentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { actAnonymously, actAs } from "../support/act-as";
import { requestContext } from "../support/request-context";

const AMARA = "amara.okafor@contoso.com";

async function signedInSession() {
  await actAs(AMARA);
  const header = requestContext.headers().get("cookie")!;
  const session = await db.session.findFirstOrThrow({ where: { userId: "usr-amara" }, orderBy: { createdAt: "desc" } });
  return { header, session };
}

afterEach(async () => {
  await db.user.update({ where: { id: "usr-amara" }, data: { roles: ["REQUESTER"], disabled: false } });
  actAnonymously();
});

describe("[AUTH]: getCurrentUser", () => {
  it("returns the person with roles, teams and session", async () => {
    const { session } = await signedInSession();
    const teams = await db.teamMembership.findMany({ where: { userId: "usr-amara" }, select: { teamId: true } });
    const user = await getCurrentUser();
    expect(user).toEqual({
      id: "usr-amara",
      name: "Amara Okafor",
      email: AMARA,
      roles: ["REQUESTER"],
      entraObjectId: expect.anything(),
      teamIds: teams.map((t) => t.teamId).sort(),
      sessionId: session.id,
    });
  });

  it("reads roles fresh: a revoked or granted role counts on the next request", async () => {
    await signedInSession();
    expect((await getCurrentUser())?.roles).toEqual(["REQUESTER"]);
    await db.user.update({ where: { id: "usr-amara" }, data: { roles: [] } });
    expect((await getCurrentUser())?.roles).toEqual([]);
    await db.user.update({ where: { id: "usr-amara" }, data: { roles: ["REQUESTER", "MLOPS"] } });
    expect((await getCurrentUser())?.roles).toEqual(["REQUESTER", "MLOPS"]);
  });

  it("refuses a disabled person", async () => {
    await signedInSession();
    await db.user.update({ where: { id: "usr-amara" }, data: { disabled: true } });
    expect(await getCurrentUser()).toBeNull();
  });

  it("refuses no cookie, a forged signature and a token signed for another session", async () => {
    const { header } = await signedInSession();
    actAnonymously();
    expect(await getCurrentUser()).toBeNull();
    const [name, value] = [
      header.slice(0, header.indexOf("=")),
      decodeURIComponent(header.slice(header.indexOf("=") + 1)),
    ];
    const [token, signature] = [value.slice(0, value.lastIndexOf(".")), value.slice(value.lastIndexOf(".") + 1)];
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    requestContext.setCookieHeader(`${name}=${encodeURIComponent(`${token}.${flipped}`)}`);
    expect(await getCurrentUser()).toBeNull();
    requestContext.setCookieHeader(`${name}=${encodeURIComponent(`${token}x.${signature}`)}`);
    expect(await getCurrentUser()).toBeNull();
    requestContext.setCookieHeader(`${name}=${token}`);
    expect(await getCurrentUser()).toBeNull();
  });

  it("treats an expired session as signed out and removes it", async () => {
    const { session } = await signedInSession();
    await db.session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getCurrentUser()).toBeNull();
    expect(await db.session.count({ where: { id: session.id } })).toBe(0);
  });

  it("ends a session older than the absolute limit, however active", async () => {
    const { session } = await signedInSession();
    const tooOld = new Date(Date.now() - env().SESSION_ABSOLUTE_HOURS * 3600_000 - 60_000);
    await db.session.update({ where: { id: session.id }, data: { createdAt: tooOld } });
    expect(await getCurrentUser()).toBeNull();
    expect(await db.session.count({ where: { id: session.id } })).toBe(0);
  });

  it("slides the idle timeout once the session is due for a refresh", async () => {
    const { session } = await signedInSession();
    const idleMs = env().SESSION_IDLE_MINUTES * 60_000;
    // Issued (expiresAt - idle timeout) 20 minutes ago: past updateAge (at most 5 minutes), so Better Auth refreshes it.
    const dueAt = new Date(Date.now() + idleMs - 20 * 60_000);
    await db.session.update({ where: { id: session.id }, data: { expiresAt: dueAt } });
    expect((await getCurrentUser())?.id).toBe("usr-amara");
    const refreshed = await db.session.findUniqueOrThrow({ where: { id: session.id }, select: { expiresAt: true } });
    expect(refreshed.expiresAt.getTime()).toBeGreaterThan(dueAt.getTime() + 10 * 60_000);
  });

  it("does not write to the session when no refresh is due", async () => {
    const { session } = await signedInSession();
    await getCurrentUser();
    await getCurrentUser();
    const after = await db.session.findUniqueOrThrow({
      where: { id: session.id },
      select: { expiresAt: true, updatedAt: true },
    });
    expect(after).toEqual({ expiresAt: session.expiresAt, updatedAt: session.updatedAt });
  });
});
