import { redirect } from "next/navigation";
import { AppShell } from "@/components/shell/app-shell";
import { getCurrentUser, permissionList } from "@/lib/auth/session";
import { countUnread } from "@/lib/notifications/queries";
import { env } from "@/lib/env";
import { azureModeLabel } from "@/lib/health";

// Shell only. Every page and action below authorises on its own (layouts don't re-run on navigation).
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  const unread = await countUnread(user);
  return (
    <AppShell
      user={{ name: user.name, email: user.email, roles: user.roles, permissions: permissionList(user) }}
      unread={unread}
      azureLabel={azureModeLabel()}
      simulated={env().AZURE_MODE === "simulator"}
    >
      {children}
    </AppShell>
  );
}
