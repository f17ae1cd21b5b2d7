import "server-only";
import { db, type Db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { can, type SessionUser } from "@/lib/auth/session";
import { API_ZONE, NOTEBOOKS_ZONE, type SettingsSnapshot } from "./schemas";

/** The settings as stored, in the form's shape, with the version the form must send back. */
export async function loadSettingsSnapshot(client: Db | Tx = db): Promise<{
  version: number;
  snapshot: SettingsSnapshot;
  updatedAt: Date;
  updatedById: string | null;
  vmSizes: { name: string; vcpus: number; memoryGb: number; gpu: boolean; hourlyPriceUsd: number; allowed: boolean }[];
}> {
  const [settings, subscriptions, vmSizes] = await Promise.all([
    client.portalSettings.findUnique({ where: { id: 1 } }),
    client.environmentSubscription.findMany(),
    client.vmSize.findMany({ orderBy: [{ gpu: "asc" }, { vcpus: "asc" }, { name: "asc" }] }),
  ]);
  if (!settings) throw new AppError("UNAVAILABLE", "The portal settings are missing: run the seed (npm run db:seed).");
  const sub = (env: string) => subscriptions.find((s) => s.environment === env)?.subscriptionId ?? null;
  const zone = (name: string) => settings.privateDnsZoneIds.find((z) => z.toLowerCase().endsWith(`/${name}`));
  return {
    version: settings.version,
    updatedAt: settings.updatedAt,
    updatedById: settings.updatedById,
    snapshot: {
      azureTenantId: settings.azureTenantId,
      subscriptions: { dev: sub("DEV"), test: sub("TEST"), prod: sub("PROD") },
      allowedRegions: settings.allowedRegions,
      privateEndpointSubnetId: settings.privateEndpointSubnetId || null,
      privateDnsZoneIds: [zone(API_ZONE), zone(NOTEBOOKS_ZONE)].filter((z): z is string => !!z),
      defaultIdleShutdownMinutes: settings.defaultIdleShutdownMinutes,
      allowedVmSizes: vmSizes.filter((v) => v.allowed).map((v) => v.name),
    },
    vmSizes: vmSizes.map((v) => ({
      name: v.name,
      vcpus: v.vcpus,
      memoryGb: v.memoryGb,
      gpu: v.gpu,
      hourlyPriceUsd: Number(v.hourlyPriceUsd.toString()),
      allowed: v.allowed,
    })),
  };
}

/** For the settings page (settings.read). */
export async function getSettingsForAdmin(actor: SessionUser) {
  if (!can(actor, "settings.read"))
    throw new AppError("FORBIDDEN", "Only platform admins can see the portal settings.");
  const loaded = await loadSettingsSnapshot();
  const updatedBy = loaded.updatedById
    ? await db.user.findUnique({ where: { id: loaded.updatedById }, select: { name: true } })
    : null;
  return { ...loaded, updatedByName: updatedBy?.name ?? null };
}
