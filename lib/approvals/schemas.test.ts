// [APPROVALS]: the decision forms refuse what cannot be stored or read, with a message on the field.
import { describe, expect, it } from "vitest";
import { parseWith } from "@/lib/validation/field-errors";
import { approveSchema, rejectSchema } from "./schemas";

const DECISION = {
  requestId: "00000000-0000-4000-8000-000000000000",
  version: "3",
  planHash: `sha256:${"a".repeat(64)}`,
};

describe("[APPROVALS]: decision schemas", () => {
  it("accepts an empty or multi-line comment and a reason of ten visible characters", () => {
    expect(parseWith(approveSchema, DECISION).ok).toBe(true);
    expect(parseWith(approveSchema, { ...DECISION, comment: "Fine.\r\nGo ahead." }).ok).toBe(true);
    expect(parseWith(rejectSchema, { ...DECISION, reason: "Not needed now." }).ok).toBe(true);
  });

  it("refuses a NUL byte in a comment or a reason with a field message", () => {
    const comment = parseWith(approveSchema, { ...DECISION, comment: "Fine\u0000" });
    expect(comment.ok ? {} : comment.fieldErrors).toEqual({
      comment: ["Remove the control characters (such as NUL) from this text."],
    });
    const reason = parseWith(rejectSchema, { ...DECISION, reason: "Not needed\u0000 now." });
    expect(reason.ok ? {} : reason.fieldErrors).toEqual({
      reason: ["Remove the control characters (such as NUL) from this text."],
    });
  });

  it("counts only visible characters in a reason", () => {
    const r = parseWith(rejectSchema, { ...DECISION, reason: `no${"\u200B".repeat(20)}` });
    expect(r.ok ? {} : r.fieldErrors).toEqual({
      reason: ["Give the reason in at least 10 characters; the requester will read it."],
    });
  });
});
