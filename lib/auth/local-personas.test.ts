import { describe, expect, it } from "vitest";
import {
  isLoopbackHost,
  isLoopbackRequestHost,
  localPersonaDecision,
  localPersonaRefusal,
  type LocalPersonaInput,
} from "@/lib/auth/local-personas";

const local: LocalPersonaInput = {
  nodeEnv: "production",
  portalUrl: "http://localhost:3000",
  listenHost: "127.0.0.1",
  flag: true,
  entraConfigured: false,
};

describe("[PERSONAS]: password-less personas only where they cannot hurt", () => {
  it.each<[string, Partial<LocalPersonaInput>, boolean]>([
    ["the embedded default (production build, flag set by the launcher)", {}, true],
    ["development on localhost, flag unset", { nodeEnv: "development", flag: undefined }, true],
    ["tests on localhost, flag unset", { nodeEnv: "test", flag: undefined }, true],
    ["a production build without the flag", { flag: undefined }, false],
    ["any mode with ATRIUM_LOCAL_PERSONAS=0", { nodeEnv: "development", flag: false }, false],
    ["127.0.0.1", { portalUrl: "http://127.0.0.1:3100" }, true],
    ["[::1]", { portalUrl: "http://[::1]:3000", listenHost: "::1" }, true],
    ["a *.localhost name", { portalUrl: "http://atrium.localhost:3000" }, true],
    ["an https URL", { portalUrl: "https://atrium.contoso.com" }, false],
    ["an https localhost URL", { portalUrl: "https://localhost:3000" }, false],
    ["a plain-http public host", { portalUrl: "http://atrium.contoso.com" }, false],
    ["a host name that only starts like localhost", { portalUrl: "http://localhost.contoso.com:3000" }, false],
    ["a host name that only starts like 127.", { portalUrl: "http://127.0.0.1.nip.io:3000" }, false],
    ["listening on every interface", { listenHost: "0.0.0.0" }, false],
    ["listening on a LAN address", { listenHost: "10.1.2.3" }, false],
    ["Entra ID configured", { entraConfigured: true }, false],
    ["Entra ID configured in development", { nodeEnv: "development", flag: undefined, entraConfigured: true }, false],
    ["an unparsable URL", { portalUrl: "not a url" }, false],
  ])("%s", (_case, overrides, enabled) => {
    expect(localPersonaDecision({ ...local, ...overrides }).enabled).toBe(enabled);
  });

  it("refuses start-up when personas are asked for where they are unsafe, naming why", () => {
    expect(localPersonaRefusal({ ...local, portalUrl: "https://atrium.contoso.com" })).toMatch(
      /cannot be turned on here: the portal is served at https:\/\/atrium\.contoso\.com/,
    );
    expect(localPersonaRefusal({ ...local, entraConfigured: true })).toMatch(/Entra ID sign-in is configured/);
    expect(localPersonaRefusal({ ...local, listenHost: "0.0.0.0" })).toMatch(/listens on 0\.0\.0\.0/);
  });

  it("does not refuse when personas were not asked for, or are safe", () => {
    expect(localPersonaRefusal({ ...local, flag: undefined, portalUrl: "https://atrium.contoso.com" })).toBeUndefined();
    expect(localPersonaRefusal({ ...local, flag: false, entraConfigured: true })).toBeUndefined();
    expect(localPersonaRefusal(local)).toBeUndefined();
  });

  it("recognises loopback hosts only", () => {
    for (const host of [
      "localhost",
      "LOCALHOST",
      "localhost.",
      "127.0.0.1",
      "127.1.2.3",
      "::1",
      "[::1]",
      "a.localhost",
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "localhost.evil.com", "127.0.0.1.evil.com", "example.com", ""])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it("accepts requests addressed to a loopback name only (a re-pointed public name is refused)", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3100", "[::1]:3000", "localhost"])
      expect(isLoopbackRequestHost(host), host).toBe(true);
    for (const host of ["attacker.example:3000", "localhost.attacker.example", "127.0.0.1@evil", "", null])
      expect(isLoopbackRequestHost(host), String(host)).toBe(false);
  });
});
