// Seeds everything a fresh installation shows. Other domains add their demo data here.
import type { PrismaClient } from "@/generated/prisma/client";
import { seedOrganisation } from "@/lib/db/seed";

export async function seedDatabase(db: PrismaClient, options: { demoHistory: boolean }) {
  await seedOrganisation(db);
  if (options.demoHistory) {
    // Demo history (requests in every state, approvals, audit events) is added by the approvals domain.
  }
}
