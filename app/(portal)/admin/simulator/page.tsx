import { Suspense } from "react";
import { Alert, PageHeader } from "@/components/ui/card";
import { SimulatedEstate } from "@/components/simulator/simulated-estate";
import { guardedPage } from "@/lib/auth/page-guard";
import { SectionLoading } from "../../_components/section-loading";
import { getSimulatedEstate } from "@/lib/azure/simulator-estate";

export const metadata = { title: "Simulated Azure" };
export const dynamic = "force-dynamic";

export default guardedPage("simulator.view", function SimulatorPage() {
  return (
    <>
      <PageHeader
        title="Simulated Azure"
        description="What would exist in Azure: every resource the ARM simulator holds, as Atrium created it through the Azure SDK. Read-only; resource groups deleted in the simulator disappear here too."
      />
      <Suspense fallback={<SectionLoading label="Reading the simulated estate…" rows={8} />}>
        <EstateSection />
      </Suspense>
    </>
  );
});

async function EstateSection() {
  const estate = await getSimulatedEstate();
  return !estate.available ? (
    <Alert tone="warning" title="No simulated estate to show">
      {estate.reason}
    </Alert>
  ) : (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        {estate.counts.resources} resources · {estate.counts.workspaces} workspaces · {estate.counts.computes} computes
        · {estate.counts.roleAssignments} role assignments · simulator at{" "}
        <span className="font-mono">{estate.url}</span>
      </p>
      {estate.softDeletedWorkspaces.length > 0 && (
        <Alert tone="info" title="Soft-deleted workspaces (names reserved until purged)">
          <ul className="list-disc pl-5">
            {estate.softDeletedWorkspaces.map((w) => (
              <li key={w.id}>
                {w.name} — deleted {new Date(w.deletedAt).toLocaleString("en-GB")}, purged{" "}
                {new Date(w.purgeAt).toLocaleDateString("en-GB")}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      <SimulatedEstate groups={estate.groups} roleDefinitions={estate.roleDefinitions} />
    </div>
  );
}
