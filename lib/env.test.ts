import { describe, expect, it } from "vitest";
import { EnvError, localPersonasEnabled, parseEnv } from "@/lib/env";

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

  it("keeps local personas out of production unless explicitly enabled", () => {
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "development" }))).toBe(true);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "development", ATRIUM_LOCAL_PERSONAS: "0" }))).toBe(false);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "production" }))).toBe(false);
    expect(localPersonasEnabled(parseEnv({ NODE_ENV: "production", ATRIUM_LOCAL_PERSONAS: "1" }))).toBe(true);
  });
});
