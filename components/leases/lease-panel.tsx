import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { DescriptionList } from "@/components/ui/description-list";
import type { SessionUser } from "@/lib/auth/session";
import { loadRetirement } from "@/lib/decommission/mutations";
import { loadLease } from "@/lib/leases/leases";
import { formatOffset } from "@/lib/leases/rules";
import {
  ApprovePurgeButton,
  DecommissionForm,
  ExtendLeaseForm,
  RecoverButton,
  RequestPurgeButton,
} from "./lease-forms";

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const LEASE_TONE = {
  ACTIVE: "success",
  EXPIRING: "warning",
  EXPIRED: "warning",
  DECOMMISSIONING: "danger",
  ENDED: "neutral",
} as const;

/**
 * The set page's end-of-life panel (one include on app/(portal)/workspace-sets/[id]): the lease with its time left and
 * the extend form for owners; for admins, decommission, and once soft-deleted "soft-deleted until …" with recover and
 * purge. Renders nothing the viewer may not see (loadLease checks the set's visibility).
 */
export async function LeasePanel({
  viewer,
  setId,
}: {
  viewer: Pick<SessionUser, "id" | "roles" | "teamIds">;
  setId: string;
}) {
  const [lease, retirement] = await Promise.all([loadLease(viewer, setId), loadRetirement(setId)]);
  const admin = viewer.roles.includes("ADMIN");
  if (!lease && !retirement && !admin) return null;
  return (
    <Card className="space-y-4" aria-labelledby="lease-heading">
      <h2 id="lease-heading" className="text-base font-semibold text-slate-900">
        Lease and end of life
      </h2>
      {retirement && retirement.status !== "recovering" ? (
        <DescriptionList
          rows={[
            [
              "State",
              <Badge key="s" tone={retirement.status === "purged" ? "neutral" : "warning"}>
                {retirement.status}
              </Badge>,
            ],
            [
              "Decommission",
              <Link
                key="d"
                href={`/requests/${retirement.decommissionRequestId}`}
                className="text-brand-700 hover:underline"
              >
                {retirement.status === "decommissioning"
                  ? "Asked for: follow its approval and run"
                  : "The change request"}
              </Link>,
            ],
            ...(retirement.softDeletedUntil && retirement.status === "soft-deleted"
              ? ([["Soft-deleted until", utc(retirement.softDeletedUntil)]] as const)
              : []),
            ...(retirement.purgeAt && !retirement.purgedAt ? ([["Purged on", utc(retirement.purgeAt)]] as const) : []),
            ...(retirement.purgedAt ? ([["Purged", utc(retirement.purgedAt)]] as const) : []),
          ]}
        />
      ) : lease ? (
        <DescriptionList
          rows={[
            [
              "Lease",
              <Badge key="l" tone={LEASE_TONE[lease.status]}>
                {lease.status.toLowerCase()}
              </Badge>,
            ],
            ["Ends", `${utc(lease.expiresAt)} (${lease.timeLeftMs > 0 ? `${lease.timeLeft} left` : "ended"})`],
            ...(lease.decommissionAfter
              ? ([["Decommissioned on", `${utc(lease.decommissionAfter)} unless extended`]] as const)
              : []),
            ["Reminders", lease.policy.reminderOffsetsMinutes.map(formatOffset).join(", ") + " before"],
            ...(lease.pendingExtension
              ? ([["Waiting for admins", `extension until ${utc(lease.pendingExtension.requestedExpiresAt)}`]] as const)
              : []),
          ]}
        />
      ) : (
        <p className="text-sm text-slate-600">This workspace set has no lease (sets with production never do).</p>
      )}
      {lease?.mayExtend && !retirement?.softDeletedUntil && (
        <ExtendLeaseForm setId={setId} maxOwnDays={lease.policy.maxTtlDays} />
      )}
      {admin && !retirement && <DecommissionForm setId={setId} />}
      {admin && retirement?.status === "soft-deleted" && (
        <div className="flex flex-wrap gap-3">
          <RecoverButton setId={setId} />
          {!retirement.purgeRequestedById && <RequestPurgeButton setId={setId} />}
          {retirement.purgeRequestedById && retirement.purgeRequestedById !== viewer.id && (
            <ApprovePurgeButton setId={setId} />
          )}
          {retirement.purgeRequestedById === viewer.id && (
            <p className="text-sm text-slate-600">You asked for the purge; a second admin must approve it.</p>
          )}
        </div>
      )}
    </Card>
  );
}
