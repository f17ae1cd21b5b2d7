import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { revalidateWaitingRequests, type RevalidationOutcome } from "@/lib/approvals/revalidate";
import { loadSettingsSnapshot } from "./queries";
import { settingsDiff, type SettingsInput, type SettingsSnapshot } from "./schemas";

const ENVIRONMENTS = [
  ["DEV", "dev"],
  ["TEST", "test"],
  ["PROD", "prod"],
] as const;

/**
 * Saves the portal settings, conditionally on the version the admin edited (a stale form is refused), audits
 * the diff, and — in the same transaction — re-plans every request waiting for approval: where the plan
 * changed, earlier approvals are void and the request goes back to the queue.
 */
export async function updateSettings(
  actor: Pick<SessionUser, "id">,
  input: SettingsInput,
  correlationId: string,
): Promise<{ changed: string[]; requests: Record<RevalidationOutcome, number> | null }> {
  return db.$transaction(
    async (tx) => {
      const current = await loadSettingsSnapshot(tx);
      if (current.version !== input.version)
        throw new AppError(
          "CONFLICT",
          "Someone changed the settings since you opened them. Reload to see their changes, then edit again.",
        );
      const unknownSizes = input.allowedVmSizes.filter((name) => !current.vmSizes.some((v) => v.name === name));
      if (unknownSizes.length)
        throw new AppError("INVALID", "Some fields need your attention.", {
          allowedVmSizes: [`Unknown VM size: ${unknownSizes.join(", ")}.`],
        });

      const next: SettingsSnapshot = {
        azureTenantId: input.azureTenantId.toLowerCase(),
        subscriptions: {
          dev: input.subscriptionDev?.toLowerCase() ?? null,
          test: input.subscriptionTest?.toLowerCase() ?? null,
          prod: input.subscriptionProd?.toLowerCase() ?? null,
        },
        allowedRegions: input.allowedRegions,
        privateEndpointSubnetId: input.privateEndpointSubnetId ?? null,
        privateDnsZoneIds:
          input.apiDnsZoneId && input.notebooksDnsZoneId ? [input.apiDnsZoneId, input.notebooksDnsZoneId] : [],
        defaultIdleShutdownMinutes: input.defaultIdleShutdownMinutes,
        allowedVmSizes: current.vmSizes.filter((v) => input.allowedVmSizes.includes(v.name)).map((v) => v.name),
      };
      const diff = settingsDiff(current.snapshot, next);
      const changed = Object.keys(diff.after);
      if (changed.length === 0) return { changed, requests: null };

      const { count } = await tx.portalSettings.updateMany({
        where: { id: 1, version: input.version },
        data: {
          azureTenantId: next.azureTenantId,
          allowedRegions: next.allowedRegions,
          privateEndpointSubnetId: next.privateEndpointSubnetId ?? "",
          privateDnsZoneIds: next.privateDnsZoneIds,
          defaultIdleShutdownMinutes: next.defaultIdleShutdownMinutes,
          updatedById: actor.id,
          version: { increment: 1 },
        },
      });
      if (count !== 1)
        throw new AppError(
          "CONFLICT",
          "Someone changed the settings since you opened them. Reload to see their changes, then edit again.",
        );
      for (const [environment, key] of ENVIRONMENTS) {
        const subscriptionId = next.subscriptions[key];
        if (subscriptionId)
          await tx.environmentSubscription.upsert({
            where: { environment },
            update: { subscriptionId },
            create: { environment, subscriptionId },
          });
        else await tx.environmentSubscription.deleteMany({ where: { environment } });
      }
      if (changed.includes("allowedVmSizes")) {
        await tx.vmSize.updateMany({ where: { name: { in: next.allowedVmSizes } }, data: { allowed: true } });
        await tx.vmSize.updateMany({ where: { name: { notIn: next.allowedVmSizes } }, data: { allowed: false } });
      }
      await recordAuditEvent(tx, {
        actor: { kind: "user", id: actor.id },
        action: "settings.updated",
        entityType: "settings",
        entityId: "portal",
        before: { version: input.version, ...diff.before },
        after: { version: input.version + 1, ...diff.after },
        correlationId,
      });
      const requests = await revalidateWaitingRequests(
        tx,
        { kind: "user", id: actor.id },
        correlationId,
        `The portal settings changed (${changed.join(", ")}).`,
      );
      return { changed, requests };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
