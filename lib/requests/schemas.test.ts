import { describe, expect, it } from "vitest";
import {
  computeStepSchema,
  environmentsNetworkStepSchema,
  fromDbMemberRole,
  fromDbStatus,
  membersStepSchema,
  scopeStepSchema,
  toDbMemberRole,
  toDbStatus,
  workspaceRequestSchema,
} from "./schemas";
import { VALID_REQUEST } from "@/tests/support/valid-request";
import { decodeFormData } from "@/lib/validation/decode";
import { parseWith } from "@/lib/validation/field-errors";

describe("[REQUESTS]: the shared schema", () => {
  it("accepts the journey's request and normalises it", () => {
    const r = parseWith(workspaceRequestSchema, {
      ...VALID_REQUEST,
      environments: ["prod", "dev", "test"],
      members: [{ email: " Alice@Contoso.com ", role: "dataScientist" }],
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.data.environments).toEqual(["dev", "test", "prod"]);
      expect(r.data.members[0].email).toBe("alice@contoso.com");
    }
  });

  it("gives field-level messages keyed by path", () => {
    const r = parseWith(workspaceRequestSchema, {
      ...VALID_REQUEST,
      project: "",
      environments: [],
      region: "West Europe",
      members: [{ email: "not-an-email", role: "boss" }],
      compute: {
        instanceVmSize: "DS3",
        idleShutdownMinutes: 5,
        devClusters: [{ vmSize: "Standard_DS11_v2", maxNodes: 0 }],
        pipelines: ["Bad Name"],
      },
      gitRepositoryUrl: "git@github.com:contoso/churn.git",
      justification: "short",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors).sort()).toEqual([
      "compute.devClusters.0.maxNodes",
      "compute.idleShutdownMinutes",
      "compute.instanceVmSize",
      "compute.pipelines.0",
      "environments",
      "gitRepositoryUrl",
      "justification",
      "members.0.email",
      "members.0.role",
      "project",
      "region",
    ]);
    expect(r.fieldErrors["compute.idleShutdownMinutes"]).toEqual([
      "The idle shutdown time in minutes must be at least 15.",
    ]);
    expect(r.fieldErrors.gitRepositoryUrl[0]).toMatch(/https:\/\//);
    expect(r.fieldErrors.project[0]).toMatch(/Choose the project/);
  });

  it("idle shutdown is 15 to 4320 minutes", () => {
    const c = (idleShutdownMinutes: unknown) =>
      parseWith(computeStepSchema, { compute: { ...VALID_REQUEST.compute, idleShutdownMinutes } }).ok;
    expect([c(15), c(4320), c("60"), c(14), c(4321), c(60.5), c("")]).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it("refuses http and credentials in the repository URL; empty means none", () => {
    const g = (gitRepositoryUrl: unknown) =>
      parseWith(computeStepSchema, { compute: VALID_REQUEST.compute, gitRepositoryUrl });
    expect(g("http://github.com/a/b").ok).toBe(false);
    expect(g("https://user:pw@github.com/a/b").ok).toBe(false);
    const empty = g("");
    expect(empty.ok && empty.data.gitRepositoryUrl).toBeUndefined();
  });

  it("a project only with the project pattern; duplicates refused", () => {
    expect(parseWith(scopeStepSchema, { ...VALID_REQUEST, pattern: "team" }).ok).toBe(false);
    expect(parseWith(scopeStepSchema, { ...VALID_REQUEST, pattern: "team", project: "" }).ok).toBe(true);
    const dup = parseWith(membersStepSchema, {
      members: [VALID_REQUEST.members[0], { email: "ALICE@contoso.com", role: "mlops" }],
    });
    expect(!dup.ok && dup.fieldErrors["members.1.email"][0]).toMatch(/already member 1/);
    const dupEnv = parseWith(environmentsNetworkStepSchema, { ...VALID_REQUEST, environments: ["dev", "dev"] });
    expect(dupEnv.ok).toBe(false);
  });

  it("reads dotted FormData names into nested objects and arrays", () => {
    const fd = new FormData();
    fd.append("environments", "dev");
    fd.append("environments", "prod");
    fd.append("members.0.email", "a@contoso.com");
    fd.append("members.0.role", "mlops");
    fd.append("members.1.email", "b@contoso.com");
    fd.append("compute.devClusters.0.maxNodes", "3");
    fd.append("compute.pipelines.0", "scoring");
    fd.append("$ACTION_ID_x", "");
    expect(decodeFormData(fd)).toEqual({
      ok: true,
      data: {
        environments: ["dev", "prod"],
        members: [{ email: "a@contoso.com", role: "mlops" }, { email: "b@contoso.com" }],
        compute: { devClusters: [{ maxNodes: "3" }], pipelines: ["scoring"] },
      },
    });
  });

  it("counts visible characters: a justification of zero-width or invisible characters is too short", () => {
    const tooShort = "Explain why the workspaces are needed (at least 20 characters).";
    for (const filler of ["\u200B", "\u200C\u200D", "\u2060", "\uFEFF", "\u3164", "\u00AD", "\u180E"]) {
      const r = parseWith(scopeStepSchema, { ...VALID_REQUEST, justification: filler.repeat(40) });
      expect(r.ok ? [] : r.fieldErrors.justification, JSON.stringify(filler)).toEqual([tooShort]);
    }
    const padded = parseWith(scopeStepSchema, { ...VALID_REQUEST, justification: `ab${"\u200B".repeat(30)}cd` });
    expect(padded.ok ? [] : padded.fieldErrors.justification).toEqual([tooShort]);
    const spaced = parseWith(scopeStepSchema, { ...VALID_REQUEST, justification: `a${" ".repeat(30)}b` });
    expect(spaced.ok).toBe(false);
    const fine = parseWith(scopeStepSchema, {
      ...VALID_REQUEST,
      justification: "Fraud models for cards\r\n\tand more.",
    });
    expect(fine.ok).toBe(true);
  });

  it("refuses a NUL or other control character in the justification with a field message", () => {
    for (const bad of ["\u0000", "\u0007", "\u001B", "\u007F", "\u0085", "\uD800"]) {
      const r = parseWith(scopeStepSchema, {
        ...VALID_REQUEST,
        justification: `Real-time fraud scoring ${bad} models.`,
      });
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      expect(r.ok ? [] : r.fieldErrors.justification).toHaveLength(1);
    }
  });

  it("answers a 1 MB justification with the field's own message", () => {
    const r = parseWith(scopeStepSchema, { ...VALID_REQUEST, justification: "x".repeat(1024 * 1024) });
    expect(r.ok ? [] : r.fieldErrors.justification).toEqual(["Keep the justification under 2000 characters."]);
  });

  it("maps to and from the database enums", () => {
    expect(toDbMemberRole("dataScientist")).toBe("DATA_SCIENTIST");
    expect(fromDbMemberRole("DATA_ENGINEER")).toBe("dataEngineer");
    expect(toDbStatus("stakeholderApproved")).toBe("STAKEHOLDER_APPROVED");
    expect(fromDbStatus("STAKEHOLDER_APPROVED")).toBe("stakeholderApproved");
  });
});
