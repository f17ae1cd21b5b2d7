import { Badge, type Tone } from "@/components/ui/badge";
import { Card, EmptyState } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { EstateGroup, EstateResource } from "@/lib/azure/simulator-estate";

function stateTone(state: string | null): Tone {
  if (state === "Succeeded") return "success";
  if (state === "Failed") return "danger";
  if (state === null) return "neutral";
  return "warning";
}

function shortType(type: string): string {
  return type.replace(/^Microsoft\./i, "").replace(/^microsoft\./, "");
}

function ResourceRows({ resources }: { resources: EstateResource[] }) {
  return (
    <>
      {resources.map((r) => (
        <tr key={r.id}>
          <Td className="w-[40%] min-w-64 font-medium">
            <span className="break-all">{r.name}</span>
            <span className="block font-mono text-xs break-all text-slate-600">{r.id}</span>
          </Td>
          <Td className="text-xs">{shortType(r.type)}</Td>
          <Td>{r.location ?? "—"}</Td>
          <Td>
            {r.provisioningState ? <Badge tone={stateTone(r.provisioningState)}>{r.provisioningState}</Badge> : "—"}
          </Td>
          <Td className="max-w-sm text-xs break-words">
            {r.details.length > 0 ? r.details.join(" · ") : "—"}
            {Object.keys(r.tags).length > 0 && (
              <span className="mt-1 block text-slate-600">
                {Object.entries(r.tags)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(", ")}
              </span>
            )}
          </Td>
        </tr>
      ))}
    </>
  );
}

/** One table per resource group: what the simulator holds, as ARM would list it. */
export function SimulatedEstate({
  groups,
  roleDefinitions,
}: {
  groups: EstateGroup[];
  roleDefinitions: EstateResource[];
}) {
  if (groups.length === 0 && roleDefinitions.length === 0) {
    return (
      <EmptyState title="Nothing simulated yet">
        Provisioned workspaces appear here as soon as Atrium creates them.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      {groups.map((g) => (
        <section
          key={`${g.subscriptionId}/${g.resourceGroup}`}
          aria-labelledby={`rg-${g.subscriptionId}-${g.resourceGroup}`}
        >
          <h2
            id={`rg-${g.subscriptionId}-${g.resourceGroup}`}
            className="mb-2 flex flex-wrap items-center gap-2 text-base font-semibold text-slate-900"
          >
            {g.resourceGroup}
            {g.provisioningState && <Badge tone={stateTone(g.provisioningState)}>{g.provisioningState}</Badge>}
            <span className="font-mono text-xs font-normal text-slate-600">subscription {g.subscriptionId}</span>
            {g.location && <span className="text-xs font-normal text-slate-600">{g.location}</span>}
          </h2>
          {g.resources.length === 0 ? (
            <Card>
              <p className="text-sm text-slate-600">Empty resource group.</p>
            </Card>
          ) : (
            <Table caption={`Resources in ${g.resourceGroup}`}>
              <thead className="bg-slate-50">
                <tr>
                  <Th>Name</Th>
                  <Th>Type</Th>
                  <Th>Region</Th>
                  <Th>State</Th>
                  <Th>Details</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                <ResourceRows resources={g.resources} />
              </tbody>
            </Table>
          )}
        </section>
      ))}
      {roleDefinitions.length > 0 && (
        <section aria-labelledby="custom-roles">
          <h2 id="custom-roles" className="mb-2 text-base font-semibold text-slate-900">
            Custom role definitions (tenant)
          </h2>
          <Table caption="Custom role definitions">
            <thead className="bg-slate-50">
              <tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Region</Th>
                <Th>State</Th>
                <Th>Details</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              <ResourceRows resources={roleDefinitions} />
            </tbody>
          </Table>
        </section>
      )}
    </div>
  );
}
