/**
 * Pins the plan hashes of representative requests, taken before the plan was split into per-resource
 * builders: a refactoring of the builders must not change a single byte an approval is bound to.
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "./build-plan";
import { planHash } from "./hash";
import { DANA, journeyInput } from "./test-fixtures";

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
      "bdfde27b9a7dfc26f7e215aeb0d6f6ee6b5ef45c9c2bba7bc37e44e98e02a4e2",
    ],
  ])("%s", (_name, input, hash) => {
    expect(planHash(buildPlan(input))).toBe(`sha256:${hash}`);
  });
});
