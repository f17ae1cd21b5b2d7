import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./test-database";

// One fresh database per integration run, dropped afterwards.
export default async function setup(project: TestProject) {
  const database = await createTestDatabase("atrium_it");
  process.env.DATABASE_URL = database.url;
  project.provide("databaseUrl", database.url);
  project.provide("adminDatabaseUrl", database.adminUrl);
  return async () => {
    await database.dispose();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
  }
}
