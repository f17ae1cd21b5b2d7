// Seeds everything a fresh installation shows. Other domains add their demo data here.
import type { PrismaClient } from "@/generated/prisma/client";
import { seedOrganisation } from "./organisation";
import { seedDemoHistory } from "./demo-history";

export async function seedDatabase(db: PrismaClient, options: { demoHistory: boolean }) {
  await seedOrganisation(db);
  if (options.demoHistory) {
    await seedDemoHistory(db); // requests in every state, approvals, runs, workspaces, audit events
  }
}
