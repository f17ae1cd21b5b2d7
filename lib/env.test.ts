import { describe, expect, it } from "vitest";
import { EnvError, localPersonasEnabled, localPersonasPermitted, parseEnv } from "@/lib/env";

const ENTRA = {
  ENTRA_TENANT_ID: "3f2a0000-0000-4000-8000-000000000001",
  ENTRA_CLIENT_ID: "atrium",
  ENTRA_CLIENT_SECRET: "secret",
};

describe("[CONFIG]: environment validation", () => {
  it("uses the documented defaults when nothing is set", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      EMBEDDED_PG_PORT: 5488,
      PORT: 3000,
      AZURE_MODE: "simulator",
      EMBEDDED_PG_DIR: ".data/postgres",
    });
    expect(e.DATABASE_URL).toBeUndefined();
  });

  it("stops with a message naming the variable when DATABASE_URL is not a URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "not a url" })).toThrow(EnvError);
    expect(() => parseEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x@y/z" })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });

  it("names every bad variable at once", () => {
    try {
      parseEnv({ PORT: "eighty", AZURE_MODE: "aws" });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toMatch(/PORT/);
      expect(String(error)).toMatch(/AZURE_MODE/);
    }
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it("keeps local personas out of production unless explicitly enabled on a local URL", () => {
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "development" }))).toBe(true);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "development", ATRIUM_LOCAL_PERSONAS: "0" }))).toBe(false);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "production" }))).toBe(false);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "production", ATRIUM_LOCAL_PERSONAS: "1" }))).toBe(true);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "production", ATRIUM_URL: "https://atrium.contoso.com" }))).toBe(
      false,
    );
    expect(localPersonasPermitted(parseEnv({ NODE_ENV: "production", ATRIUM_URL: "https://atrium.contoso.com" }))).toBe(
      false,
    );
    expect(localPersonasPermitted(parseEnv({ NODE_ENV: "production" }))).toBe(true);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      "production with an https URL",
      { NODE_ENV: "production", ATRIUM_URL: "https://atrium.contoso.com" },
      /ATRIUM_LOCAL_PERSONAS: .*served at https:\/\/atrium\.contoso\.com/,
    ],
    ["a public http URL", { ATRIUM_URL: "http://atrium.contoso.com" }, /ATRIUM_LOCAL_PERSONAS: .*served at http:/],
    ["Entra ID configured", ENTRA, /ATRIUM_LOCAL_PERSONAS: .*Entra ID sign-in is configured/],
    [
      "a server listening on every interface",
      { HOST: "0.0.0.0", ATRIUM_URL: "http://localhost:3000" },
      /ATRIUM_LOCAL_PERSONAS: .*listens on 0\.0\.0\.0/,
    ],
  ])("refuses to start with ATRIUM_LOCAL_PERSONAS=1 and %s", (_case, vars, message) => {
    for (const flag of ["1", "true"]) {
      expect(() => parseEnv({ ...vars, ATRIUM_LOCAL_PERSONAS: flag })).toThrow(EnvError);
      expect(() => parseEnv({ ...vars, ATRIUM_LOCAL_PERSONAS: flag })).toThrow(message);
    }
    // Not asked for: the portal starts, with personas off.
    expect(localPersonasEnabled(parseEnv(vars))).toBe(false);
  });
});
