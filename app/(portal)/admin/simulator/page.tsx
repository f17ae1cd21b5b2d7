import { Suspense } from "react";
import { Alert, Card, PageHeader } from "@/components/ui/card";
import { SimulatedEstate } from "@/components/simulator/simulated-estate";
import { OutOfBandForm } from "@/components/drift/out-of-band-form";
import { guardedPage } from "@/lib/auth/page-guard";
import { can, type SessionUser } from "@/lib/auth/session";
import { SectionLoading } from "../../_components/section-loading";
import { getSimulatedEstate } from "@/lib/azure/simulator-estate";
import { getSimulatedPolicyRules, getSimulatedQuotaLimits } from "@/lib/azure/simulator-rules";
import { PolicyAndQuota } from "@/components/simulator/policy-and-quota";

export const metadata = { title: "Simulated Azure" };
export const dynamic = "force-dynamic";

export default guardedPage("simulator.view", function SimulatorPage(user: SessionUser) {
  return (
    <>
      <PageHeader
        title="Simulated Azure"
        description="What would exist in Azure: every resource the ARM simulator holds, as Atrium created it through the Azure SDK. Resource groups deleted in the simulator disappear here too; admins can change the estate out of band, as a person in the Azure portal would."
      />
      <Suspense fallback={<SectionLoading label="Reading the simulated estate…" rows={8} />}>
        <EstateSection mayChange={can(user, "simulator.change")} />
      </Suspense>
      <div className="mt-6">
        <Suspense fallback={<SectionLoading label="Reading the simulator's policy rules and quota…" rows={4} />}>
          <RulesSection mayChange={can(user, "simulator.change")} />
        </Suspense>
      </div>
    </>
  );
});

async function EstateSection({ mayChange }: { mayChange: boolean }) {
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
      {mayChange && (
        <Card aria-labelledby="out-of-band-heading">
          <h2 id="out-of-band-heading" className="mb-1 text-lg font-semibold text-slate-900">
            Change the estate out of band
          </h2>
          <p className="mb-4 text-sm text-slate-700">
            As a person would in the Azure portal, bypassing Atrium: the drift watch&apos;s next scan reports it.
          </p>
          <OutOfBandForm
            resources={estate.groups.flatMap((g) =>
              g.resources.map((r) => ({ id: r.id, label: `${r.name} (${r.type.split("/").slice(1).join("/")})` })),
            )}
          />
        </Card>
      )}
      <SimulatedEstate groups={estate.groups} roleDefinitions={estate.roleDefinitions} />
    </div>
  );
}

/** The Azure Policy rules and quota limits the pre-approval checks meet in the simulator (lib/checks). */
async function RulesSection({ mayChange }: { mayChange: boolean }) {
  const [rules, limits] = await Promise.all([getSimulatedPolicyRules(), getSimulatedQuotaLimits()]);
  if (!rules.ok || !limits.ok)
    return (
      <Alert tone="warning" title="The simulator's policy rules and quota cannot be shown">
        {!rules.ok ? rules.message : !limits.ok ? limits.message : ""}
      </Alert>
    );
  return <PolicyAndQuota rules={rules.value} limits={limits.value} mayChange={mayChange} />;
}
