import { PageHeader } from "@/components/ui/card";
import { SettingsForm } from "@/components/settings/settings-form";
import { LeaseSettingsSection } from "@/components/leases/lease-settings-section";
import { guardedPage } from "@/lib/auth/page-guard";
import { getSettingsForAdmin } from "@/lib/settings/queries";

export const metadata = { title: "Settings" };

export default guardedPage("settings.update", async function SettingsPage(admin) {
  const settings = await getSettingsForAdmin(admin);
  return (
    <>
      <PageHeader
        title="Portal settings"
        description={
          <>
            Where workspaces are created and what requests may ask for. Version {settings.version}, last changed{" "}
            <time dateTime={settings.updatedAt.toISOString()}>
              {settings.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC
            </time>
            {settings.updatedByName ? ` by ${settings.updatedByName}` : ""}.
          </>
        }
      />
      <SettingsForm version={settings.version} snapshot={settings.snapshot} vmSizes={settings.vmSizes} />
      <LeaseSettingsSection admin={admin} />
    </>
  );
});
