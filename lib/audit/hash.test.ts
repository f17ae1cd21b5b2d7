import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditEventHash, auditEventMac, canonicalJson, GENESIS_HASH } from "@/lib/audit/hash";

const content = {
  occurredAt: new Date("2026-01-01T00:00:00.123Z"),
  actorId: "usr-a",
  actorLabel: "user:usr-a",
  action: "request.approved",
  entityType: "request",
  entityId: "r1",
  requestId: null,
  before: { status: "SUBMITTED" },
  after: { status: "APPROVED" },
  correlationId: "c1",
};

describe("[AUDIT]: hash chain", () => {
  it("is independent of key order (jsonb reorders keys) but not of values", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
    expect(canonicalJson({ a: 1, b: [1, { d: 2, c: 3 }] })).toBe('{"a":1,"b":[1,{"c":3,"d":2}]}');
  });

  it("changes when any field or the previous hash changes", () => {
    const h = auditEventHash(GENESIS_HASH, content);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditEventHash(GENESIS_HASH, { ...content })).toBe(h);
    expect(auditEventHash("1".repeat(64), content)).not.toBe(h);
    expect(auditEventHash(GENESIS_HASH, { ...content, after: { status: "REJECTED" } })).not.toBe(h);
    expect(auditEventHash(GENESIS_HASH, { ...content, occurredAt: new Date("2026-01-01T00:00:00.124Z") })).not.toBe(h);
    expect(auditEventHash(GENESIS_HASH, { ...content, actorLabel: "user:usr-b" })).not.toBe(h);
  });

  it("keys the hash: the MAC needs the key, and changes with the key or the hash", () => {
    const h = auditEventHash(GENESIS_HASH, content);
    const key = Buffer.from("k".repeat(32));
    const mac = auditEventMac(key, h);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(auditEventMac(Buffer.from("k".repeat(32)), h)).toBe(mac);
    expect(auditEventMac(Buffer.from("j".repeat(32)), h)).not.toBe(mac);
    expect(auditEventMac(key, auditEventHash(GENESIS_HASH, { ...content, entityId: "r2" }))).not.toBe(mac);
    // A MAC is not the plain hash of anything an attacker can recompute from the row.
    expect(mac).not.toBe(h);
  });
});
