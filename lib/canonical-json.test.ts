/**
 * Pins hashes computed with the two canonical-JSON implementations that existed before they were merged
 * (the plan's and the audit trail's): one shared function must not change a byte an approval or the audit
 * chain is bound to.
 */
import { describe, expect, it } from "vitest";
import { auditEventHash, canonicalJson as auditCanonicalJson, GENESIS_HASH } from "@/lib/audit/hash";
import { canonicalJson } from "@/lib/canonical-json";
import { buildPlan } from "@/lib/plan/build-plan";
import { canonicalJson as planCanonicalJson, planHash } from "@/lib/plan/hash";
import { DANA, journeyInput } from "@/tests/support/plan-fixtures";

const first = {
  occurredAt: new Date("2026-01-01T00:00:00.123Z"),
  actorId: "usr-a",
  actorLabel: "user:usr-a",
  action: "request.approved",
  entityType: "request",
  entityId: "r1",
  requestId: null,
  before: { status: "SUBMITTED", version: 3 },
  after: { status: "APPROVED", version: 4, note: undefined },
  correlationId: "c1",
};
const second = {
  occurredAt: new Date("2026-02-03T04:05:06.000Z"),
  actorId: null,
  actorLabel: "system",
  action: "provisioning.failed",
  entityType: "request",
  entityId: "r2",
  requestId: "r2",
  before: null,
  after: { steps: [1, "two", { z: true, a: null }], at: new Date("2026-02-03T04:05:06.789Z"), ü: "é\n" },
  correlationId: "c2",
};

describe("[CANONICAL-JSON]: pinned hashes", () => {
  it("plan hashes", () => {
    expect(planHash(buildPlan(journeyInput()))).toBe(
      "sha256:cabdad3a7cc17b7752ff4e3c14cf81dda36fe901ecc1dc6a8a58f554a3636e8d",
    );
    expect(
      planHash(
        buildPlan(journeyInput({ pattern: "shared", project: null, members: [DANA], environments: ["dev", "test"] })),
      ),
    ).toBe("sha256:f77ec757e0286b737c38565734718e2ae5abc05b367e6e5a23f538fdd46dd70d");
  });

  it("audit event hashes (a chain of two, with a Date and undefined members inside the content)", () => {
    const h1 = auditEventHash(GENESIS_HASH, first);
    expect(h1).toBe("a875c4840ad23610c6f84b1e854ee221ce8944227b10071821e6ba770a272c71");
    expect(auditEventHash(h1, second)).toBe("539614078618fa89c1f64b1dde3d6c68587c0d0b7f57965f98ab13dbe2825d32");
  });
});

describe("[CANONICAL-JSON]: rules", () => {
  it("sorts keys, drops undefined members, writes Dates as ISO strings", () => {
    expect(canonicalJson({ b: [undefined, 1.5, "x"], a: { d: undefined, c: new Date(0) }, n: null })).toBe(
      '{"a":{"c":"1970-01-01T00:00:00.000Z"},"b":[null,1.5,"x"],"n":null}',
    );
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("throws on a non-finite number unless told to write null (the audit trail)", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => planCanonicalJson([Infinity])).toThrow(TypeError);
    expect(canonicalJson({ a: Number.NaN }, { nonFinite: "null" })).toBe('{"a":null}');
    expect(auditCanonicalJson([Infinity])).toBe("[null]");
  });
});
