/**
 * What the embedded ARM simulator must know about this Atrium: the people's Entra object ids (its directory, so role
 * assignments and compute instance owners resolve) and the landing zone the portal settings point at (hub subnet and
 * private DNS zones).
 */
import "server-only";
import { db } from "@/lib/db/client";

/** Every Entra object id the simulator's directory must know (people and admins). */
export async function directoryPrincipals(): Promise<{ objectId: string; type: "User"; displayName: string }[]> {
  const users = await db.user.findMany({
    where: { entraObjectId: { not: null } },
    select: { entraObjectId: true, name: true },
  });
  return users.map((u) => ({ objectId: u.entraObjectId!, type: "User" as const, displayName: u.name }));
}

/** The landing zone (hub subnet + DNS zones) the portal settings point at, for the simulator. */
export async function landingZoneFromSettings(): Promise<{ subnetIds: string[]; privateDnsZoneIds: string[] }> {
  const s = await db.portalSettings.findUnique({
    where: { id: 1 },
    select: { privateEndpointSubnetId: true, privateDnsZoneIds: true },
  });
  return {
    subnetIds: s?.privateEndpointSubnetId ? [s.privateEndpointSubnetId] : [],
    privateDnsZoneIds: s?.privateDnsZoneIds ?? [],
  };
}
