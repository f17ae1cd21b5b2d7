import { describe, expect, it } from "vitest";
import { hasPermission, PERMISSIONS, PORTAL_ROLES, ROLE_PERMISSIONS, permissionsOf } from "@/lib/auth/permissions";

describe("[AUTHZ]: role → permission map (the product rules, People)", () => {
  it("lets only admins approve, only stakeholders give the production approval", () => {
    expect(PORTAL_ROLES.filter((r) => hasPermission([r], "request.approve"))).toEqual(["ADMIN"]);
    expect(PORTAL_ROLES.filter((r) => hasPermission([r], "request.approve_production"))).toEqual(["STAKEHOLDER"]);
  });

  it("lets requesters and mlops draft requests; mlops and admins retry runs; stakeholders export history", () => {
    expect(PORTAL_ROLES.filter((r) => hasPermission([r], "request.create"))).toEqual(["REQUESTER", "MLOPS"]);
    expect(PORTAL_ROLES.filter((r) => hasPermission([r], "run.retry"))).toEqual(["MLOPS", "ADMIN"]);
    expect(PORTAL_ROLES.filter((r) => hasPermission([r], "history.export"))).toEqual(["STAKEHOLDER"]);
    expect(PORTAL_ROLES.filter((r) => hasPermission([r], "settings.update"))).toEqual(["ADMIN"]);
  });

  it("combines the permissions of several roles and ignores unknown ones", () => {
    expect(permissionsOf(["REQUESTER", "STAKEHOLDER"]).has("request.create")).toBe(true);
    expect(permissionsOf(["REQUESTER", "STAKEHOLDER"]).has("history.export")).toBe(true);
    expect(permissionsOf(["SUPERUSER"]).size).toBe(0);
    expect(permissionsOf([]).size).toBe(0);
  });

  it("grants every permission to some role, and only known permissions", () => {
    const granted = new Set(Object.values(ROLE_PERMISSIONS).flat());
    expect([...granted].every((p) => (PERMISSIONS as readonly string[]).includes(p))).toBe(true);
    expect(PERMISSIONS.filter((p) => !granted.has(p))).toEqual([]);
  });
});
