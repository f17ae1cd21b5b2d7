/**
 * Pins the plan hashes of representative requests, taken before the plan was split into per-resource
 * builders: a refactoring of the builders must not change a single byte an approval is bound to.
 * The shared case's hash changed once, deliberately, when dev names began to be cut to the longest
 * environment name's budget (its dev storage account is now `stretailbankin…`, like test's).
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
      "409e1ca6906aea1ffc767ba52dd043684a28067893943f0b2d9ac443abe4742a",
    ],
    [
      "public, unrestricted",
      journeyInput({ visibility: "public", restriction: "unrestricted" }),
      "2dfcbe064d8752c7a12287a5434bbfd0685bf704a7ab7bc4f30c7a75b0a53832",
    ],
    [
      "team, dev only, no repository",
      journeyInput({ pattern: "team", project: null, environments: ["dev"], gitRepositoryUrl: null }),
      "3c45d0663886300e2b3a80cc9a7604be7a50fe18b958b6a52dfd1120a2c0aec0",
    ],
    [
      "shared, dev+test, one data engineer",
      journeyInput({ pattern: "shared", project: null, members: [DANA], environments: ["dev", "test"] }),
      "2bfc44bccbab36d1f1e148b04e5823421f0eeb139faf7c9a689a9817cb9e18e1",
    ],
  ])("%s", (_name, input, hash) => {
    expect(planHash(buildPlan(input))).toBe(`sha256:${hash}`);
  });
});
