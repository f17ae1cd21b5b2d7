// [VALIDATION]: what counts as a visible character, and what text cannot be stored.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freeTextSchema, textProblem, visibleLength } from "./text";

describe("[VALIDATION]: text rules", () => {
  it("counts what a reader sees", () => {
    expect(visibleLength("abc")).toBe(3);
    expect(visibleLength("a\u200Bb\u200C\u200Dc\u2060\uFEFF")).toBe(3);
    expect(visibleLength("  a   \n\t  b  ")).toBe(3);
    expect(visibleLength("\u3164\u115F\u1160\uFFA0\u2800\u00AD\uFE0F")).toBe(0);
    expect(visibleLength("né 🚀")).toBe(4);
  });

  it("never counts more than the string's code points, and zero-width padding adds nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        expect(visibleLength(s)).toBeLessThanOrEqual([...s].length);
        expect(visibleLength(`${s}\u200B\u200B\u2060`)).toBe(visibleLength(s));
      }),
    );
  });

  it("refuses control characters and unpaired surrogates, keeps tabs and line breaks", () => {
    expect(textProblem("line\r\nnext\tcolumn")).toBeNull();
    for (const bad of ["\u0000", "\u0001", "\u001F", "\u007F", "\u0080", "\u009F", "\uDC00", "\uD83D"]) {
      expect(textProblem(`a${bad}b`), JSON.stringify(bad)).not.toBeNull();
    }
    expect(textProblem("🚀")).toBeNull();
  });

  it("a free-text schema trims, caps and reports one message per rule", () => {
    const schema = z.object({
      reason: freeTextSchema({
        min: 10,
        max: 50,
        required: "Give a reason.",
        tooShort: "Too short.",
        tooLong: "Too long.",
      }),
    });
    const errors = (reason: unknown) => {
      const r = schema.safeParse({ reason });
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(errors("  a good reason to have it  ")).toEqual([]);
    expect(errors(undefined)).toEqual(["Give a reason."]);
    expect(errors("\u200B".repeat(20))).toEqual(["Too short."]);
    expect(errors("x".repeat(51))).toEqual(["Too long."]);
    expect(errors("a good reason\u0000 to have it")).toEqual([
      "Remove the control characters (such as NUL) from this text.",
    ]);
  });
});
