/**
 * Pins the plan hashes of representative requests, taken before the plan was split into per-resource
 * builders: a refactoring of the builders must not change a single byte an approval is bound to.
 * The shared case's hash changed once, deliberately, when dev names began to be cut to the longest
 * environment name's budget (its dev storage account is now `stretailbankin…`, like test's).
 * All four changed once more, deliberately, when every environment got its monthly budget step (`<env>/budget`,
 * lib/plan/builders/budget.ts): plans approved before that no longer match and are re-planned on approval.
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "./build-plan";
import { planHash } from "./hash";
import { DANA, journeyInput } from "@/tests/support/plan-fixtures";

describe("[PLAN]: pinned plan hashes", () => {
  it.each([
    [
      "journey (project, private, restricted, dev+test+prod)",
      journeyInput(),
      "cabdad3a7cc17b7752ff4e3c14cf81dda36fe901ecc1dc6a8a58f554a3636e8d",
    ],
    [
      "public, unrestricted",
      journeyInput({ visibility: "public", restriction: "unrestricted" }),
      "8929e4453295859ee4e559308fc3d7a46cfd699728429e3acc508e035a1b0537",
    ],
    [
      "team, dev only, no repository",
      journeyInput({ pattern: "team", project: null, environments: ["dev"], gitRepositoryUrl: null }),
      "6dbcadb91fea6b0e607239f4c3601112cbafb9b9eb9a6f3bbe4d22b171a2ef83",
    ],
    [
      "shared, dev+test, one data engineer",
      journeyInput({ pattern: "shared", project: null, members: [DANA], environments: ["dev", "test"] }),
      "f77ec757e0286b737c38565734718e2ae5abc05b367e6e5a23f538fdd46dd70d",
    ],
  ])("%s", (_name, input, hash) => {
    expect(planHash(buildPlan(input))).toBe(`sha256:${hash}`);
  });
});
