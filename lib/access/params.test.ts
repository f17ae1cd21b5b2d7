import { describe, expect, it } from "vitest";
import { z } from "zod";
import { boundedIntSchema, INT8_MAX, isoDateSchema, isUuid, parseSearchParams, uuidSchema } from "./params";
import { decodeCursor, encodeCursor, parseHistoryQuery } from "@/lib/history/filters";

describe("URL params", () => {
  it("one UUID check: canonical 8-4-4-4-12 hex only", () => {
    expect(isUuid("00000000-0000-4000-8000-000000000000")).toBe(true);
    expect(isUuid("ABCDEF01-2345-6789-abcd-ef0123456789")).toBe(true);
    for (const bad of ["0123456789abcdef-0123456789abcdef-01", "------------------------------------", "", 42])
      expect(isUuid(bad), String(bad)).toBe(false);
    expect(uuidSchema.safeParse("x").success).toBe(false);
  });

  it("dates must exist on the calendar", () => {
    for (const good of ["2024-02-29", "2025-12-31", "1970-01-01"])
      expect(isoDateSchema.safeParse(good).success).toBe(true);
    for (const bad of ["2024-13-45", "2023-02-29", "2024-00-10", "2024-1-1", "99999-01-01"])
      expect(isoDateSchema.safeParse(bad).success, bad).toBe(false);
  });

  it("bounded integers compare as BigInt, so 20 digits cannot overflow", () => {
    const schema = boundedIntSchema(1n, INT8_MAX);
    expect(schema.parse("9223372036854775807")).toBe(INT8_MAX);
    expect(schema.safeParse("9999999999999999999").success).toBe(false);
    expect(schema.safeParse("0").success).toBe(false);
    expect(schema.safeParse("1e3").success).toBe(false);
  });

  it("search params: first value per key, `__proto__` stays a key, messages name the field", () => {
    const schema = z.object({ a: z.string().optional(), n: boundedIntSchema(1n, 10n, "count").optional() });
    expect(parseSearchParams(schema, new URLSearchParams("a=1&a=2"))).toEqual({ ok: true, data: { a: "1" } });
    const hostile = parseSearchParams(schema, { __proto__: "x", a: ["first", "second"] } as never);
    expect(hostile).toEqual({ ok: true, data: { a: "first" } });
    expect(Object.prototype).not.toHaveProperty("x");
    const bad = parseSearchParams(schema, { n: "11" });
    expect(bad).toMatchObject({
      ok: false,
      message: "n: The count is out of range.",
      fieldErrors: { n: [expect.any(String)] },
    });
  });

  it("history cursors must decode and fit the sort they page", () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expect(decodeCursor(encodeCursor({ v: "2025-01-01T00:00:00.000Z", id }))).toEqual({
      v: "2025-01-01T00:00:00.000Z",
      id,
    });
    expect(decodeCursor(encodeCursor({ v: "not a date", id }))).toBeNull();
    expect(decodeCursor(encodeCursor({ v: "42", id }), "number")).toEqual({ v: "42", id });
    expect(decodeCursor(encodeCursor({ v: "99999999999", id }), "number")).toBeNull();
    expect(decodeCursor(encodeCursor({ v: "2025-01-01T00:00:00.000Z", id: "nope" }))).toBeNull();
    expect(parseHistoryQuery({ after: "garbage" })).toMatchObject({
      ok: false,
      fieldErrors: { after: expect.any(Array) },
    });
    expect(parseHistoryQuery({ team: "Not A Slug!", env: "MARS" })).toMatchObject({
      ok: true,
      data: { team: undefined },
    });
  });
});
