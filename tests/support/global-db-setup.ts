import { Client } from "pg";
import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./test-database";

// One fresh, migrated and seeded database per integration run (dropped afterwards). It serves as the
// template from which every test file clones its own database, so files cannot disturb each other
// (e.g. a worker in one file picking up jobs another file enqueued).
export default async function setup(project: TestProject) {
  const template = await createTestDatabase("atrium_it");
  const admin = new Client({ connectionString: template.adminUrl });
  await admin.connect();
  // A template must have no open connections when it is cloned.
  await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [template.name],
  );
  await admin.end();
  project.provide("templateDatabase", template.name);
  project.provide("adminDatabaseUrl", template.adminUrl);
  project.provide("appDatabaseUrl", template.appUrl);
  return async () => {
    await template.dispose();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
    adminDatabaseUrl: string;
    /** The app's least-privilege role on the template (the same role and password reach every clone). */
    appDatabaseUrl: string;
  }
}
