import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { environmentNames, type EnvironmentNames } from "./naming";
import type { PlanEnvironment } from "./types";
import { ENVIRONMENTS } from "@/lib/vocabulary";

const SUB = "11111111-1111-4111-8111-111111111111";

/** The part of each name that comes from the scope: the name without its prefix and environment suffix. */
function scopeParts(n: EnvironmentNames, env: PlanEnvironment, region: string): Record<string, string> {
  const strip = (name: string, prefix: string, suffix: string) => {
    expect(name.startsWith(prefix) && name.endsWith(suffix)).toBe(true);
    return name.slice(prefix.length, name.length - suffix.length);
  };
  return {
    resourceGroup: strip(n.resourceGroup, "rg-", `-${env}-${region}`),
    workspace: strip(n.workspace, "mlw-", `-${env}`),
    storageAccount: n.storageAccount.slice(2, n.storageAccount.length - env.length - 6),
    keyVault: n.keyVault.slice(3, n.keyVault.length - env.length - 6),
    applicationInsights: strip(n.applicationInsights, "appi-", `-${env}`),
    privateEndpoint: strip(n.privateEndpoint, "pep-mlw-", `-${env}`),
  };
}

describe("[PLAN]: one set, one scope part", () => {
  it("a long scope shortened to fit is shortened the same way in dev, test and prod", () => {
    const dev = environmentNames("a123456789-b123456789-c123456789", "dev", "westeurope", SUB);
    const test = environmentNames("a123456789-b123456789-c123456789", "test", "westeurope", SUB);
    expect(dev.workspace.replace(/-dev$/, "")).toBe(test.workspace.replace(/-test$/, ""));
    expect(dev.workspace).toMatch(/^mlw-a123456789-b1234567-[0-9a-f]{4}-dev$/);
  });

  it("for any scope and region, each kind's scope part is the same across dev, test and prod", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,80}[a-z0-9]$/),
        fc.constantFrom("westeurope", "northeurope", "eastus", "australiasoutheast"),
        (scope, region) => {
          const parts = ENVIRONMENTS.map((env) => scopeParts(environmentNames(scope, env, region, SUB), env, region));
          for (const p of parts.slice(1)) expect(p).toEqual(parts[0]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
