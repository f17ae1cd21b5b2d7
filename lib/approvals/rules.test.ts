import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decidableStage, decisionRefusal, isFinalStage, pendingStage, type DecisionSubject } from "./rules";

const subject = (over: Partial<DecisionSubject> = {}): DecisionSubject => ({
  status: "SUBMITTED",
  environments: ["DEV", "TEST"],
  requesterId: "usr-amara",
  memberIds: ["usr-amara", "usr-diana"],
  adminApproverId: null,
  ...over,
});
const admin = { id: "usr-fatima", roles: ["ADMIN"] };
const stakeholder = { id: "usr-hannah", roles: ["STAKEHOLDER"] };
const both = { id: "usr-isabel", roles: ["ADMIN", "STAKEHOLDER"] };

describe("[APPROVALS]: who may decide", () => {
  it("admins decide submitted requests; stakeholders the production stage after the admin", () => {
    expect(pendingStage(subject())).toBe("ADMIN");
    expect(pendingStage(subject({ status: "APPROVED" }))).toBeNull();
    expect(pendingStage(subject({ status: "APPROVED", environments: ["TEST", "PROD"] }))).toBe("STAKEHOLDER");
    expect(decidableStage(admin, subject())).toBe("ADMIN");
    expect(decidableStage(stakeholder, subject())).toBeNull();
    expect(
      decidableStage(
        stakeholder,
        subject({ status: "APPROVED", environments: ["TEST", "PROD"], adminApproverId: "usr-fatima" }),
      ),
    ).toBe("STAKEHOLDER");
    expect(isFinalStage("ADMIN", ["DEV", "TEST"])).toBe(true);
    expect(isFinalStage("ADMIN", ["TEST", "PROD"])).toBe(false);
  });

  it("refuses one's own request, a request naming one, and a second approval by the first approver", () => {
    expect(decisionRefusal({ id: "usr-amara", roles: ["ADMIN"] }, subject(), "ADMIN")).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/You submitted/),
    });
    expect(decisionRefusal({ id: "usr-diana", roles: ["ADMIN"] }, subject(), "ADMIN")).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/member/),
    });
    const prod = subject({ status: "APPROVED", environments: ["TEST", "PROD"], adminApproverId: "usr-isabel" });
    expect(decisionRefusal(both, prod, "STAKEHOLDER")).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/different person/),
    });
    expect(decisionRefusal(admin, subject({ status: "REJECTED" }), "ADMIN")).toMatchObject({ code: "CONFLICT" });
  });

  it("property: whoever may decide is never the requester, a member, or (for production) the admin approver", () => {
    const ids = ["a", "b", "c", "d"];
    const roles = fc.subarray(["REQUESTER", "MLOPS", "ADMIN", "STAKEHOLDER"]);
    fc.assert(
      fc.property(
        fc.record({
          person: fc.record({ id: fc.constantFrom(...ids), roles }),
          status: fc.constantFrom(
            "DRAFT",
            "SUBMITTED",
            "APPROVED",
            "STAKEHOLDER_APPROVED",
            "REJECTED",
            "CANCELLED" as const,
          ),
          environments: fc.subarray(["DEV", "TEST", "PROD"], { minLength: 1 }),
          requesterId: fc.constantFrom(...ids),
          memberIds: fc.subarray(ids),
          adminApproverId: fc.option(fc.constantFrom(...ids), { nil: null }),
        }),
        ({ person, ...s }) => {
          const stage = decidableStage(person, s as DecisionSubject);
          if (!stage) return;
          expect(person.id).not.toBe(s.requesterId);
          expect(s.memberIds).not.toContain(person.id);
          if (stage === "STAKEHOLDER") {
            expect(person.id).not.toBe(s.adminApproverId);
            expect(person.roles).toContain("STAKEHOLDER");
          } else {
            expect(person.roles).toContain("ADMIN");
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
