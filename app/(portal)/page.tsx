import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { can } from "@/lib/auth/session";
import { guardedPage } from "@/lib/auth/page-guard";
import { getOverview } from "@/lib/overview/queries";

export const metadata = { title: "Overview" };

function Stat({ label, value, href }: { label: string; value: number; href: string }) {
  return (
    <Link href={href} className="block rounded-lg bg-white p-5 shadow-xs ring-1 ring-slate-200 hover:ring-brand-500">
      <p className="text-sm font-medium text-slate-600">{label}</p>
      <p className="mt-1 text-3xl font-semibold text-slate-900">{value}</p>
    </Link>
  );
}

export default guardedPage("signed-in", async function OverviewPage(user) {
  const o = await getOverview(user);
  return (
    <>
      <PageHeader
        title={`Welcome, ${user.name.split(" ")[0]}`}
        description="Request Azure Machine Learning workspaces that follow your platform team's rules; follow approvals and provisioning; review what exists and what it costs."
        actions={
          can(user, "request.create") ? (
            <Link href="/requests/new" className={buttonClasses("primary")}>
              New workspace request
            </Link>
          ) : undefined
        }
      />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {o.myOpen !== null && <Stat label="My open requests" value={o.myOpen} href="/requests" />}
        {o.awaitingAdmin !== null && <Stat label="Awaiting admin approval" value={o.awaitingAdmin} href="/approvals" />}
        {o.awaitingStakeholder !== null && (
          <Stat label="Awaiting production approval" value={o.awaitingStakeholder} href="/approvals" />
        )}
        {o.provisioning !== null && <Stat label="Provisioning now" value={o.provisioning} href="/runs" />}
        <Stat
          label={can(user, "request.read_all") ? "Active workspaces" : "Active workspaces of my teams"}
          value={o.activeWorkspaces}
          href="/history"
        />
      </div>
      <Card className="mt-6">
        <h2 className="text-base font-semibold text-slate-900">How Atrium works</h2>
        <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-700">
          <li>
            A data scientist or engineer describes the workspace set: scope, environments, network, members and compute.
          </li>
          <li>Atrium turns it into an exact plan of Azure resources and role assignments, with a cost estimate.</li>
          <li>A platform admin approves it; production also needs a stakeholder. Nobody approves their own request.</li>
          <li>Atrium creates everything through the Azure SDK, step by step, and records the whole story.</li>
        </ol>
      </Card>
    </>
  );
});
