// [PEOPLE PICKER]: GET /people/search — the type-ahead behind the people picker (request wizard, change drafts).
// Only people who draft requests or changes may search; it answers at most ten people who can be workspace members (an Entra
// object id, not disabled), by name or e-mail, prefix matches first, and nothing but their name and e-mail.
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { GET as searchRoute } from "@/app/(portal)/people/search/route";
import { db } from "@/lib/db/client";
import { localDirectory } from "@/lib/people/directory";
import { actAnonymously, actAs } from "../support/act-as";

const get = (q: string | null) =>
  searchRoute(
    new NextRequest(new URL(`/people/search${q === null ? "" : `?${new URLSearchParams({ q })}`}`, "http://localhost")),
  );

async function search(q: string): Promise<{ name: string; email: string }[]> {
  const response = await get(q);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toContain("no-store");
  return ((await response.json()) as { people: { name: string; email: string }[] }).people;
}

describe("[PEOPLE PICKER]: searching the directory", () => {
  it("finds people by part of the name or the e-mail, case-insensitively, name and e-mail only", async () => {
    await actAs("amara.okafor@contoso.com");
    expect(await search("keiko")).toEqual([{ name: "Keiko Tanaka", email: "keiko.tanaka@contoso.com" }]);
    expect(await search("TANAKA")).toEqual([{ name: "Keiko Tanaka", email: "keiko.tanaka@contoso.com" }]);
    expect(await search("liam.obr")).toEqual([{ name: "Liam O'Brien", email: "liam.obrien@contoso.com" }]);
    for (const person of await search("contoso")) expect(Object.keys(person).sort()).toEqual(["email", "name"]);
  });

  it("returns at most ten, prefix matches first", async () => {
    await actAs("amara.okafor@contoso.com");
    const all = await search("contoso.com");
    expect(all).toHaveLength(10);
    // "be" starts Ben's name and e-mail; it is only inside Isabel's and Jonas Weber's.
    const be = await search("be");
    expect(be.map((p) => p.email)).toEqual([
      "ben.carter@contoso.com",
      "isabel.costa@contoso.com",
      "jonas.weber@contoso.com",
    ]);
  });

  it("offers only people who can be members: no one without an Entra object id, no one disabled", async () => {
    await actAs("chen.wei@contoso.com");
    expect(await search("noah")).toEqual([]); // seeded without an Entra guest account
    await db.user.update({ where: { email: "maya.patel@contoso.com" }, data: { disabled: true } });
    try {
      expect(await search("maya")).toEqual([]);
    } finally {
      await db.user.update({ where: { email: "maya.patel@contoso.com" }, data: { disabled: false } });
    }
    expect(await search("maya")).toEqual([{ name: "Maya Patel", email: "maya.patel@contoso.com" }]);
  });

  it("types LIKE's wildcards literally", async () => {
    await actAs("amara.okafor@contoso.com");
    expect(await search("%%")).toEqual([]);
    expect(await search("__")).toEqual([]);
    expect(await search("\\\\")).toEqual([]);
    expect(await localDirectory.search("a_a", 10)).toEqual([]);
  });

  it("refuses a query it cannot use with a message (400), and anyone who drafts neither requests nor changes (403)", async () => {
    await actAs("amara.okafor@contoso.com");
    for (const q of [null, "", "k", "x".repeat(101), "ab\u0000c"]) {
      const response = await get(q);
      expect(response.status, JSON.stringify(q)).toBe(400);
      const body = (await response.json()) as { detail: string };
      expect(body.detail).toMatch(/name or an e-mail address|characters/);
    }
    // Admins draft changes (adding members); stakeholders draft neither: the directory is not theirs to search here.
    await actAs("fatima.khan@contoso.com");
    expect((await get("keiko")).status).toBe(200);
    await actAs("hannah.schmidt@contoso.com");
    expect((await get("keiko")).status).toBe(403);
    actAnonymously();
    expect((await get("keiko")).status).toBe(401);
  });
});
