import { describe, expect, it } from "vitest";
import { checkRequestRules, scopeSlugFor, type RuleContext } from "./rules";
import { workspaceRequestSchema, type WorkspaceRequestInput } from "./schemas";
import { VALID_REQUEST } from "@/tests/support/valid-request";

const request = (over: Partial<typeof VALID_REQUEST> = {}): WorkspaceRequestInput =>
  workspaceRequestSchema.parse({ ...VALID_REQUEST, ...over });
const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({
  team: { slug: "fraud", name: "Fraud", businessDivision: "Retail Banking", allowedRegions: [] },
  project: { slug: "churn", name: "Churn", teamSlug: "fraud" },
  settings: {
    allowedRegions: ["westeurope", "eastus"],
    vmSizes: [
      { name: "Standard_DS3_v2", allowed: true },
      { name: "Standard_DS11_v2", allowed: true },
      { name: "Standard_NC6s_v3", allowed: false },
    ],
  },
  members: VALID_REQUEST.members.map((m, i) => ({ email: m.email, entraObjectId: `oid-${i}`, disabled: false })),
  activeWorkspaces: [],
  openRequests: [],
  requesterTeamSlugs: ["fraud"],
  ...over,
});

describe("[REQUESTS]: rules that need the directory", () => {
  it("a valid request passes", () => {
    expect(checkRequestRules(request(), ctx())).toEqual({});
  });

  it("prod without test is refused unless a test workspace exists", () => {
    const r = request({ environments: ["dev", "prod"] });
    expect(checkRequestRules(r, ctx()).environments[0]).toMatch(/Production needs a test workspace.*Add test/);
    expect(
      checkRequestRules(
        r,
        ctx({ activeWorkspaces: [{ name: "mlw-churn-test", environment: "test", requestNumber: 3 }] }),
      ),
    ).toEqual({});
  });

  it("a second active workspace for the same scope and environment is refused, naming the existing one", () => {
    const e = checkRequestRules(
      request(),
      ctx({ activeWorkspaces: [{ name: "mlw-churn-dev", environment: "dev", requestNumber: 12 }] }),
    );
    expect(e.environments).toEqual([
      "The dev workspace mlw-churn-dev already exists for this scope (from REQ-00012). Remove dev from this request, or decommission mlw-churn-dev first.",
    ]);
    const o = checkRequestRules(
      request(),
      ctx({ openRequests: [{ number: 13, status: "approved", environments: ["test"] }] }),
    );
    expect(o.environments[0]).toMatch(/REQ-00013 \(approved\) already asks for the test workspace/);
  });

  it("regions: the admins' list and the team's data-residency list", () => {
    expect(checkRequestRules(request({ region: "brazilsouth" }), ctx()).region[0]).toMatch(
      /not allowed\. Choose one of: westeurope, eastus/,
    );
    const team = { slug: "fraud", name: "Fraud", businessDivision: "Retail Banking", allowedRegions: ["eastus"] };
    expect(checkRequestRules(request(), ctx({ team })).region[0]).toMatch(
      /Fraud may only use eastus \(data residency\)/,
    );
  });

  it("VM sizes must be allowed", () => {
    const e = checkRequestRules(
      request({ compute: { ...VALID_REQUEST.compute, devClusters: [{ vmSize: "Standard_NC6s_v3", maxNodes: 1 }] } }),
      ctx(),
    );
    expect(e["compute.devClusters.0.vmSize"][0]).toMatch(
      /Standard_NC6s_v3 is not allowed.*Allowed sizes: Standard_DS3_v2, Standard_DS11_v2/,
    );
  });

  it("a project outside the chosen team is refused", () => {
    const e = checkRequestRules(request(), ctx({ project: { slug: "churn", name: "Churn", teamSlug: "payments" } }));
    expect(e.project[0]).toMatch(/belongs to another team \(payments\)/);
  });

  it("members must be in the directory with an Entra object id", () => {
    const e = checkRequestRules(
      request(),
      ctx({
        members: [
          null,
          { email: "bob@contoso.com", entraObjectId: null, disabled: false },
          { email: "mo@contoso.com", entraObjectId: "x", disabled: true },
        ],
      }),
    );
    expect(e["members.0.email"][0]).toMatch(/Nobody with the e-mail alice@contoso.com/);
    expect(e["members.1.email"][0]).toMatch(/no Entra object id/);
    expect(e["members.2.email"][0]).toMatch(/disabled/);
  });

  it("the requester must belong to the team; a partial draft is checked only where filled in", () => {
    expect(checkRequestRules(request(), ctx({ requesterTeamSlugs: ["payments"] })).team[0]).toMatch(
      /You are not a member of Fraud/,
    );
    expect(checkRequestRules(request(), ctx({ requesterTeamSlugs: null }))).toEqual({});
    expect(checkRequestRules({ region: "brazilsouth" }, ctx({ team: null, members: [] }))).toEqual({
      region: [expect.stringMatching(/not allowed/)],
    });
  });

  it("scope slug per pattern", () => {
    expect(scopeSlugFor({ pattern: "project", team: "fraud", project: "churn" }, null)).toBe("churn");
    expect(scopeSlugFor({ pattern: "team", team: "fraud" }, null)).toBe("fraud");
    expect(scopeSlugFor({ pattern: "shared", team: "fraud" }, { businessDivision: "Retail Banking" })).toBe(
      "retail-banking",
    );
  });
});
