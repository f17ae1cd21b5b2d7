import { PageHeader } from "@/components/ui/card";
import { PreferencesForm } from "@/components/notifications/preferences-form";
import { guardedPage } from "@/lib/auth/page-guard";
import { getPreferences } from "@/lib/notifications/preferences";

export const metadata = { title: "Notification settings" };

export default guardedPage("inbox.read", async function NotificationSettingsPage(user) {
  const choices = await getPreferences(user);
  return (
    <>
      <PageHeader
        title="Notification settings"
        description="Choose how each kind of event reaches you. The inbox always gets everything. Email goes to your directory address; Teams posts go to your team's channel when an admin has connected one."
      />
      <PreferencesForm choices={choices} />
    </>
  );
});
