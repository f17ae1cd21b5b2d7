import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPlan } from "./build-plan";
import { planHash } from "./hash";
import {
  computeInstanceName,
  environmentNames,
  gitConnectionName,
  nameRuleViolation,
  pipelineClusterName,
  sizeClusterName,
} from "./naming";
import { SETTINGS, journeyInput } from "@/tests/support/plan-fixtures";
import type { PlanEnvironment, PlanInput, PlanMember } from "./types";
import { ENVIRONMENTS, MEMBER_ROLES, ORG_PATTERNS, RESTRICTIONS, VISIBILITIES } from "@/lib/vocabulary";

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,39}$/);
const region = fc.stringMatching(/^[a-z][a-z0-9]{1,39}$/);
const env = fc.constantFrom(...ENVIRONMENTS);
const guid = fc.uuid();
const vmSize = fc.stringMatching(/^Standard_[A-Za-z0-9_]{1,40}$/);
const pipeline = fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,19}$/);
const localPart = fc.stringMatching(/^[a-z0-9._%+-]{1,30}$/);

const member = fc.record({
  userId: fc.uuid(),
  email: fc.tuple(localPart, fc.constantFrom("contoso.com", "fabrikam.io")).map(([l, d]) => `${l}@${d}`),
  displayName: fc.string({ minLength: 1, maxLength: 20 }),
  entraObjectId: fc.uuid(),
  role: fc.constantFrom(...MEMBER_ROLES),
}) as fc.Arbitrary<PlanMember>;

const planInput: fc.Arbitrary<PlanInput> = fc
  .record({
    pattern: fc.constantFrom(...ORG_PATTERNS),
    teamSlug: slug,
    projectSlug: slug,
    division: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /[a-zA-Z0-9]/.test(s)),
    environments: fc.subarray([...ENVIRONMENTS], { minLength: 1 }),
    visibility: fc.constantFrom(...VISIBILITIES),
    restriction: fc.constantFrom(...RESTRICTIONS),
    region,
    members: fc.uniqueArray(member, { minLength: 1, maxLength: 6, selector: (m) => m.email }),
    sizes: fc.uniqueArray(vmSize, { maxLength: 4, selector: (s) => s.toLowerCase() }),
    pipelines: fc.uniqueArray(pipeline, { maxLength: 4 }),
    idle: fc.integer({ min: 15, max: 4320 }),
    git: fc.option(fc.webUrl({ validSchemes: ["https"] }), { nil: null }),
  })
  .map((r) =>
    journeyInput({
      pattern: r.pattern,
      team: { slug: r.teamSlug, costCenter: "cc", businessDivision: r.division, allowedRegions: [] },
      project: r.pattern === "project" ? { slug: r.projectSlug, teamSlug: r.teamSlug, costCenter: "cc" } : null,
      environments: r.environments as PlanEnvironment[],
      visibility: r.visibility,
      restriction: r.restriction,
      region: r.region,
      members: r.members,
      compute: {
        instanceVmSize: "Standard_DS3_v2",
        idleShutdownMinutes: r.idle,
        devClusters: r.sizes.map((vmSize) => ({ vmSize, maxNodes: 2 })),
        pipelines: r.pipelines,
      },
      gitRepositoryUrl: r.git,
    }),
  )
  // Distinct sizes can collapse to one short name (Standard_A_1 vs Standard_A1); checkPlanNames refuses those.
  .filter(
    (i) => new Set(i.compute.devClusters.map((c) => sizeClusterName(c.vmSize))).size === i.compute.devClusters.length,
  );

describe("[PLAN]: properties", () => {
  it("environment names are always valid Azure names and deterministic", () => {
    fc.assert(
      fc.property(slug, env, region, guid, (scope, e, r, sub) => {
        const a = environmentNames(scope, e, r, sub);
        expect(environmentNames(scope, e, r, sub)).toEqual(a);
        expect(nameRuleViolation("resourceGroup", a.resourceGroup)).toBeNull();
        expect(nameRuleViolation("workspace", a.workspace)).toBeNull();
        expect(nameRuleViolation("storageAccount", a.storageAccount)).toBeNull();
        expect(nameRuleViolation("keyVault", a.keyVault)).toBeNull();
        expect(nameRuleViolation("applicationInsights", a.applicationInsights)).toBeNull();
        expect(nameRuleViolation("privateEndpoint", a.privateEndpoint)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("compute and connection names are always valid and deterministic", () => {
    fc.assert(
      fc.property(
        slug,
        env,
        guid,
        localPart,
        guid,
        vmSize,
        pipeline,
        fc.webUrl({ validSchemes: ["https"] }),
        (scope, e, sub, user, oid, size, p, url) => {
          const ci = computeInstanceName(scope, e, sub, `${user}@contoso.com`, oid);
          expect(computeInstanceName(scope, e, sub, `${user}@contoso.com`, oid)).toBe(ci);
          expect(nameRuleViolation("compute", ci)).toBeNull();
          expect(nameRuleViolation("compute", sizeClusterName(size))).toBeNull();
          expect(nameRuleViolation("compute", pipelineClusterName(p))).toBeNull();
          expect(pipelineClusterName(p)).toBe(pipelineClusterName(p));
          expect(nameRuleViolation("gitConnection", gitConnectionName(url))).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("distinct pipelines get distinct cluster names; distinct people distinct instance names", () => {
    fc.assert(
      fc.property(fc.uniqueArray(pipeline, { minLength: 2, maxLength: 8 }), (ps) => {
        expect(new Set(ps.map(pipelineClusterName)).size).toBe(ps.length);
      }),
    );
    fc.assert(
      fc.property(slug, guid, fc.uniqueArray(guid, { minLength: 2, maxLength: 8 }), (scope, sub, oids) => {
        expect(
          new Set(oids.map((o) => computeInstanceName(scope, "dev", sub, "same.person@contoso.com", o))).size,
        ).toBe(oids.length);
      }),
    );
  });

  it("plans: ids and role-assignment names unique, dependencies exist, graph acyclic, deterministic", () => {
    fc.assert(
      fc.property(planInput, (input) => {
        const plan = buildPlan(input);
        const ids = plan.steps.map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        const raNames = plan.steps.filter((s) => s.kind === "roleAssignment").map((s) => s.name);
        expect(new Set(raNames).size).toBe(raNames.length);
        expect(new Set(plan.steps.map((s) => s.resourceId.toLowerCase())).size).toBe(plan.steps.length);
        // Kahn's algorithm: every step can be ordered after its dependencies.
        const deps = new Map(plan.steps.map((s) => [s.id, new Set(s.dependsOn)]));
        for (const s of plan.steps) for (const d of s.dependsOn) expect(deps.has(d)).toBe(true);
        const done = new Set<string>();
        let progress = true;
        while (progress) {
          progress = false;
          for (const [id, ds] of deps) {
            if (!done.has(id) && [...ds].every((d) => done.has(d))) {
              done.add(id);
              progress = true;
            }
          }
        }
        expect(done.size).toBe(plan.steps.length);
        // Names valid.
        for (const s of plan.steps) {
          const kind = s.kind === "computeInstance" || s.kind === "computeCluster" ? "compute" : s.kind;
          if (
            [
              "resourceGroup",
              "workspace",
              "storageAccount",
              "keyVault",
              "applicationInsights",
              "privateEndpoint",
              "compute",
              "gitConnection",
            ].includes(kind)
          ) {
            expect(nameRuleViolation(kind as never, s.name), `${s.id}: ${s.name}`).toBeNull();
          }
        }
        // Deterministic, also under member reordering.
        const again = buildPlan({ ...input, members: [...input.members].reverse(), settings: { ...SETTINGS } });
        expect(planHash(again)).toBe(planHash(plan));
      }),
      { numRuns: 200 },
    );
  });
});
