import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "server-only": path.resolve(import.meta.dirname, "tests/support/empty-module.ts") };

export default defineConfig({
  resolve: { tsconfigPaths: true, alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-db-setup.ts"],
          setupFiles: ["tests/support/integration-setup.ts"],
          // One database per run; files run one after another so DB-wide assertions stay meaningful.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
