import { describe, expect, it } from "vitest";
import {
  displayEmail,
  entraAccountId,
  entraIssuer,
  parseRoleMap,
  rolesFromClaims,
  signInErrorMessage,
  syncRoles,
} from "@/lib/auth/oidc-claims";
import { sessionCookieSettings } from "@/lib/auth/oidc-cookies";

const appRoles = parseRoleMap(
  "Atrium.Requester=REQUESTER, Atrium.Admin=ADMIN;Atrium.Admin=STAKEHOLDER",
  "ENTRA_APP_ROLE_MAP",
);
const groups = parseRoleMap("0A0A0A0A-1111-4222-8333-444444444444=MLOPS", "ENTRA_GROUP_ROLE_MAP");

describe("[ENTRA]: claims and roles", () => {
  it("builds the single-tenant v2.0 issuer and a tid+oid account key", () => {
    expect(entraIssuer("https://login.microsoftonline.com/", "4B1D6C3E-7A2F-4E8B-9C1D-2F3A4B5C6D7E")).toBe(
      "https://login.microsoftonline.com/4b1d6c3e-7a2f-4e8b-9c1d-2f3a4b5c6d7e/v2.0",
    );
    expect(entraAccountId("T", "O")).toBe("t:o");
  });

  it("maps app roles and group ids to portal roles, ignoring unknown values", () => {
    expect(
      rolesFromClaims(
        {
          roles: ["Atrium.Admin", "Other.Role"],
          groups: ["0a0a0a0a-1111-4222-8333-444444444444", "ffffffff-1111-4222-8333-444444444444"],
        },
        appRoles,
        groups,
      ),
    ).toEqual(["MLOPS", "ADMIN", "STAKEHOLDER"]);
    expect(rolesFromClaims({}, appRoles, groups)).toEqual([]);
  });

  it("refuses malformed role maps with the variable's name", () => {
    expect(() => parseRoleMap("Atrium.Admin=ROOT", "ENTRA_APP_ROLE_MAP")).toThrow(/ENTRA_APP_ROLE_MAP/);
    expect(() => parseRoleMap("not-a-guid=ADMIN", "ENTRA_GROUP_ROLE_MAP")).toThrow(/group object id/);
    expect(parseRoleMap("", "ENTRA_GROUP_ROLE_MAP").size).toBe(0);
  });

  it("syncs directory roles at sign-in and keeps roles granted in the portal", () => {
    // Directory gave REQUESTER last time, an admin granted MLOPS in the portal; now the directory gives ADMIN.
    expect(syncRoles(["REQUESTER", "MLOPS"], ["REQUESTER"], ["ADMIN"])).toEqual(["MLOPS", "ADMIN"]);
    // An app role removed in Entra disappears at the next sign-in.
    expect(syncRoles(["ADMIN"], ["ADMIN"], [])).toEqual([]);
    // A role both granted in the portal and present in the directory is directory-managed from then on.
    expect(syncRoles(["MLOPS"], [], ["MLOPS"])).toEqual(["MLOPS"]);
    expect(syncRoles(["MLOPS"], ["MLOPS"], [])).toEqual([]);
  });

  it("never needs an email: falls back to the UPN, then to a placeholder", () => {
    expect(displayEmail({ email: "A@Contoso.com", preferred_username: "x@y.z", oid: "o" })).toBe("a@contoso.com");
    expect(displayEmail({ preferred_username: "upn@contoso.com", oid: "o" })).toBe("upn@contoso.com");
    expect(displayEmail({ preferred_username: "no-at-sign", oid: "abc" })).toBe("abc@entra.invalid");
  });

  it("explains each refusal", () => {
    expect(signInErrorMessage("wrong_tenant")).toMatch(/different Microsoft Entra tenant/);
    expect(signInErrorMessage("state_mismatch")).toMatch(/state mismatch/);
    expect(signInErrorMessage("something_else")).toBe("the sign-in could not be completed");
    expect(signInErrorMessage(undefined)).toBeNull();
  });

  it("uses __Host- cookies over https and plain names over http", () => {
    expect(sessionCookieSettings("https://atrium.contoso.com")).toMatchObject({
      cookiePrefix: "__Host-atrium",
      useSecureCookies: false,
      defaultCookieAttributes: { secure: true, httpOnly: true, sameSite: "lax", path: "/" },
    });
    expect(sessionCookieSettings("http://localhost:3000")).toMatchObject({
      cookiePrefix: "atrium",
      defaultCookieAttributes: { secure: false },
    });
  });
});
