import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPlan } from "./build-plan";
import { buildChangePlan } from "./change-request";
import { ALICE, BOB, DANA, MO, journeyInput } from "@/tests/support/plan-fixtures";
import type { PlanEnvironment, PlanInput, PlanMember } from "./types";
import { MEMBER_ROLES, RESTRICTIONS, VISIBILITIES } from "@/lib/vocabulary";

const PEOPLE: PlanMember[] = [
  ALICE,
  BOB,
  DANA,
  MO,
  ...["eve", "finn", "gus"].map((n, i) => ({
    userId: `u-${n}`,
    email: `${n}@contoso.com`,
    displayName: n,
    entraObjectId: `1${i}000000-0000-4000-8000-0000000000${i}1`,
    role: "dataScientist" as const,
  })),
];
const SIZES = ["Standard_DS11_v2", "Standard_DS3_v2", "Standard_NC6s_v3"];
const PIPELINES = ["scoring", "training", "batch"];
const ENV_SETS: PlanEnvironment[][] = [["dev"], ["dev", "test"], ["dev", "test", "prod"], ["test"], ["test", "prod"]];

/** One state of a set whose identity is fixed (journeyInput's project, region, subscriptions). */
const state = fc
  .record({
    members: fc.uniqueArray(fc.record({ person: fc.constantFrom(...PEOPLE), role: fc.constantFrom(...MEMBER_ROLES) }), {
      minLength: 1,
      maxLength: 7,
      selector: (m) => m.person.email,
    }),
    sizes: fc.uniqueArray(fc.record({ vmSize: fc.constantFrom(...SIZES), maxNodes: fc.integer({ min: 1, max: 6 }) }), {
      maxLength: 3,
      selector: (c) => c.vmSize,
    }),
    pipelines: fc.uniqueArray(fc.constantFrom(...PIPELINES), { maxLength: 3 }),
    visibility: fc.constantFrom(...VISIBILITIES),
    restriction: fc.constantFrom(...RESTRICTIONS),
    idle: fc.constantFrom(30, 60),
  })
  .map(
    (r) => (environments: PlanEnvironment[]) =>
      journeyInput({
        environments,
        visibility: r.visibility,
        restriction: r.restriction,
        members: r.members.map((m) => ({ ...m.person, role: m.role })),
        compute: {
          instanceVmSize: "Standard_DS3_v2",
          idleShutdownMinutes: r.idle,
          devClusters: r.sizes,
          pipelines: r.pipelines,
        },
      }),
  );

/** A current and a desired document of one set: the desired environments include the current ones. */
const change = fc
  .record({ envs: fc.constantFrom(...ENV_SETS), grow: fc.boolean(), a: state, b: state })
  .map(({ envs, grow, a, b }): [PlanInput, PlanInput] => {
    const bigger = ENV_SETS.find((s) => s.length > envs.length && envs.every((e) => s.includes(e)));
    return [a(envs), b(grow && bigger ? bigger : envs)];
  });

describe("[CHANGE]: properties", () => {
  // Hundreds of whole-plan diffs: seconds on a quiet machine, so a budget beyond the default 5 s for a busy one.
  it(
    "current − deletes + creates = desired; updates only on kept steps; dependencies ordered, acyclic, safe",
    { timeout: 60_000 },
    () => {
      fc.assert(
        fc.property(change, ([current, desired]) => {
          const plan = buildChangePlan(current, desired);
          const cur = buildPlan(current).steps;
          const des = buildPlan(desired).steps;
          const ids = (op: string) => new Set(plan.steps.filter((s) => s.op === op).map((s) => s.planStepId));
          const [creates, updates, deletes] = [ids("create"), ids("update"), ids("delete")];
          // Custom roles are shared per subscription and never deleted: compare the rest.
          const applied = new Set(cur.filter((s) => s.kind !== "roleDefinition").map((s) => s.id));
          for (const id of deletes) applied.delete(id);
          for (const id of creates) applied.add(id);
          const wanted = des.filter((s) => s.kind !== "roleDefinition").map((s) => s.id);
          expect([...applied].filter((id) => !id.startsWith("roledef/")).sort()).toEqual([...wanted].sort());
          for (const s of des.filter((s) => s.kind === "roleDefinition"))
            expect(cur.some((c) => c.id === s.id) || creates.has(s.id)).toBe(true);
          for (const id of updates) expect(cur.some((s) => s.id === id) && !deletes.has(id)).toBe(true);

          // Listed in a topological order: every dependency exists and comes earlier (so the graph is acyclic).
          const position = new Map(plan.steps.map((s, i) => [s.id, i]));
          expect(position.size).toBe(plan.steps.length);
          plan.steps.forEach((s, i) => {
            for (const d of s.dependsOn) expect(position.get(d)).toBeLessThan(i);
          });
          // Nothing a remaining resource depends on is deleted before that dependent is deleted.
          for (const del of plan.steps.filter((s) => s.op === "delete"))
            for (const y of cur.filter((s) => s.dependsOn.includes(del.planStepId))) {
              expect(deletes.has(y.id)).toBe(true);
              expect(del.dependsOn).toContain(`delete:${y.id}`);
            }
        }),
        { numRuns: 150 },
      );
    },
  );

  it("deterministic: the same documents in any member order give the same steps and hash", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(change, fc.integer({ min: 1, max: 6 }), ([current, desired], k) => {
        const rotate = (m: PlanMember[]) => [...m.slice(k % m.length), ...m.slice(0, k % m.length)];
        const a = buildChangePlan(current, desired);
        const b = buildChangePlan(
          { ...current, members: rotate(current.members).reverse() },
          { ...desired, members: rotate(desired.members) },
        );
        expect(b.steps).toEqual(a.steps);
        expect(b.planHash).toBe(a.planHash);
      }),
      { numRuns: 75 },
    );
  });
});
