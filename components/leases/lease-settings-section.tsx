import { getLeaseSettingsForAdmin } from "@/lib/leases/policy";
import type { SessionUser } from "@/lib/auth/session";
import { LeaseSettingsForm } from "./lease-settings-form";

/** Self-contained section of /admin/settings (the page's guard checked settings.update). */
export async function LeaseSettingsSection({ admin }: { admin: Pick<SessionUser, "id"> }) {
  const settings = await getLeaseSettingsForAdmin(admin);
  return (
    <LeaseSettingsForm version={settings.version} policies={settings.policies} retentionDays={settings.retentionDays} />
  );
}
