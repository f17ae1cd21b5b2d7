// Idempotent seeding of the demo organisation. Used by `npm run db:seed`, the embedded default and tests.
import type { PrismaClient } from "@/generated/prisma/client";
import {
  DEMO_ALLOWED_REGIONS,
  DEMO_PEOPLE,
  DEMO_PRIVATE_DNS_ZONE_IDS,
  DEMO_PRIVATE_ENDPOINT_SUBNET_ID,
  DEMO_PROJECTS,
  DEMO_SUBSCRIPTIONS,
  DEMO_TEAMS,
  DEMO_TENANT_ID,
  DEMO_VM_SIZES,
} from "./data";

export async function seedOrganisation(db: PrismaClient) {
  await db.portalSettings.upsert({
    where: { id: 1 },
    update: {},
    create: {
      id: 1,
      azureTenantId: DEMO_TENANT_ID,
      allowedRegions: DEMO_ALLOWED_REGIONS,
      privateEndpointSubnetId: DEMO_PRIVATE_ENDPOINT_SUBNET_ID,
      privateDnsZoneIds: DEMO_PRIVATE_DNS_ZONE_IDS,
      defaultIdleShutdownMinutes: 60,
    },
  });
  for (const [environment, subscriptionId] of Object.entries(DEMO_SUBSCRIPTIONS)) {
    await db.environmentSubscription.upsert({
      where: { environment: environment as keyof typeof DEMO_SUBSCRIPTIONS },
      update: {},
      create: { environment: environment as keyof typeof DEMO_SUBSCRIPTIONS, subscriptionId },
    });
  }
  for (const vm of DEMO_VM_SIZES) {
    await db.vmSize.upsert({ where: { name: vm.name }, update: {}, create: vm });
  }
  const teamIds = new Map<string, string>();
  for (const team of DEMO_TEAMS) {
    const row = await db.team.upsert({ where: { slug: team.slug }, update: {}, create: team });
    teamIds.set(team.slug, row.id);
  }
  for (const project of DEMO_PROJECTS) {
    await db.project.upsert({
      where: { slug: project.slug },
      update: {},
      create: {
        slug: project.slug,
        name: project.name,
        costCenter: project.costCenter,
        teamId: teamIds.get(project.team)!,
      },
    });
  }
  for (const person of DEMO_PEOPLE) {
    await db.user.upsert({
      where: { id: person.id },
      update: {},
      create: {
        id: person.id,
        name: person.name,
        email: person.email,
        emailVerified: true,
        roles: person.roles,
        entraObjectId: person.entraObjectId,
        entraTenantId: person.entraObjectId ? DEMO_TENANT_ID : null,
      },
    });
    for (const slug of person.teams) {
      await db.teamMembership.upsert({
        where: { userId_teamId: { userId: person.id, teamId: teamIds.get(slug)! } },
        update: {},
        create: { userId: person.id, teamId: teamIds.get(slug)! },
      });
    }
  }
}

/** Whether the database has ever been seeded (the embedded default seeds only once). */
export async function isSeeded(db: PrismaClient): Promise<boolean> {
  return (await db.portalSettings.count()) > 0;
}
