import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { CostEstimate } from "@/lib/plan/cost";
import type { Plan, PlanEnvironment, PlanStep } from "@/lib/plan/types";
import { ENVIRONMENT_LABELS, MEMBER_ROLE_LABELS } from "@/lib/requests/schemas";
import { STEP_KIND_LABELS } from "@/lib/plan/labels";
import { ChangePlanView } from "@/components/changes/change-plan-view";
import { isStoredChangePlan } from "@/lib/changes/types";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

type ComputeProps = {
  vmSize?: string;
  idleTimeBeforeShutdown?: string;
  scaleSettings?: { minNodeCount: number; maxNodeCount: number };
  personalComputeInstanceSettings?: { assignedUser: { objectId: string } };
};
const computeProps = (s: PlanStep) =>
  ((s.body as { properties?: { properties?: ComputeProps } }).properties?.properties ?? {}) as ComputeProps;

/** The plan as readable tables: resources, network, compute, role matrix and cost, per environment. */
export function PlanView({
  plan,
  cost,
  planHash,
}: {
  plan: Plan;
  cost: CostEstimate | null;
  planHash?: string | null;
}) {
  // A change request's plan is a change plan (create / update / delete steps), shown as such.
  if (isStoredChangePlan(plan))
    return (
      <Card aria-labelledby="stored-change-plan-heading">
        <h2 id="stored-change-plan-heading" className="mb-3 text-lg font-semibold text-slate-900">
          The change plan
        </h2>
        <ChangePlanView plan={plan} />
      </Card>
    );
  const envs = plan.environments;
  const principals = new Map<string, { name: string; email: string | null; role: string }>();
  for (const r of plan.roleMatrix) {
    principals.set(r.principalId, {
      name: r.displayName,
      email: r.email,
      role: r.principalKind === "portalAdmin" ? "Portal admin" : r.memberRole ? MEMBER_ROLE_LABELS[r.memberRole] : "",
    });
  }
  const nameOfPrincipal = (oid: string) => principals.get(oid)?.name ?? oid;
  const roleDefs = plan.steps.filter((s) => s.kind === "roleDefinition");

  return (
    <div className="space-y-6">
      <Card aria-labelledby="plan-summary">
        <h2 id="plan-summary" className="text-base font-semibold text-slate-900">
          Plan
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          {plan.steps.length} steps for scope <strong>{plan.scopeSlug}</strong> in <strong>{plan.region}</strong>:{" "}
          {envs.map((e) => ENVIRONMENT_LABELS[e]).join(", ")}.
          {planHash && (
            <>
              {" "}
              Plan hash <code className="text-xs break-all">{planHash}</code>.
            </>
          )}
        </p>
      </Card>

      <section aria-labelledby="role-matrix-heading">
        <h2 id="role-matrix-heading" className="mb-2 text-base font-semibold text-slate-900">
          Who gets which role where
        </h2>
        <Table caption="Role assignments per person and environment, at each workspace's scope">
          <thead className="bg-slate-50">
            <tr>
              <Th>Person</Th>
              <Th>Workspace role</Th>
              {envs.map((e) => (
                <Th key={e}>{ENVIRONMENT_LABELS[e]}</Th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {[...principals.entries()].map(([oid, p]) => (
              <tr key={oid}>
                <Td>
                  <span className="font-medium">{p.name}</span>
                  {p.email && <span className="block text-xs text-slate-600">{p.email}</span>}
                </Td>
                <Td>{p.role}</Td>
                {envs.map((e) => (
                  <Td key={e}>
                    {plan.roleMatrix
                      .filter((r) => r.principalId === oid && r.environment === e)
                      .flatMap((r) => r.roles.map((x) => x.roleName))
                      .join(" + ") || "—"}
                  </Td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
        {roleDefs.length > 0 && (
          <p className="mt-2 text-xs text-slate-600">
            Custom roles (created once per subscription):{" "}
            {[
              ...new Set(roleDefs.map((d) => (d.body as { properties: { roleName: string } }).properties.roleName)),
            ].join(", ")}
            .
          </p>
        )}
      </section>

      {envs.map((env) => (
        <EnvironmentSection
          key={env}
          env={env}
          steps={plan.steps.filter((s) => s.environment === env)}
          nameOfPrincipal={nameOfPrincipal}
          cost={cost}
        />
      ))}

      {cost && <CostSection cost={cost} envs={envs} />}
    </div>
  );
}

function EnvironmentSection({
  env,
  steps,
  nameOfPrincipal,
  cost,
}: {
  env: PlanEnvironment;
  steps: PlanStep[];
  nameOfPrincipal: (oid: string) => string;
  cost: CostEstimate | null;
}) {
  const resources = steps.filter((s) => !["roleAssignment", "computeInstance", "computeCluster"].includes(s.kind));
  const computes = steps.filter((s) => s.kind === "computeInstance" || s.kind === "computeCluster");
  const ws = steps.find((s) => s.kind === "workspace");
  const pna = (ws?.body as { properties?: { publicNetworkAccess?: string } } | undefined)?.properties
    ?.publicNetworkAccess;
  const pe = steps.find((s) => s.kind === "privateEndpoint");
  const headingId = `env-${env}-heading`;
  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h2 id={headingId} className="text-base font-semibold text-slate-900">
        {ENVIRONMENT_LABELS[env]}
        {cost?.byEnvironment[env] !== undefined && (
          <span className="ml-2 text-sm font-normal text-slate-600">about {usd(cost.byEnvironment[env]!)} a month</span>
        )}
      </h2>
      <p className="text-sm text-slate-700">
        Network: public network access <strong>{pna === "Disabled" ? "disabled" : "enabled"}</strong>
        {pe ? (
          <>
            ; private endpoint <code>{pe.name}</code> (group <code>amlworkspace</code>) with its private DNS zone group.
          </>
        ) : (
          "; no private endpoint."
        )}
      </p>
      <Table caption={`${ENVIRONMENT_LABELS[env]} resources`}>
        <thead className="bg-slate-50">
          <tr>
            <Th>Resource</Th>
            <Th>Name</Th>
            <Th>Depends on</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {resources.map((s) => (
            <tr key={s.id}>
              <Td>{STEP_KIND_LABELS[s.kind]}</Td>
              <Td>
                <code className="text-xs">{s.name}</code>
              </Td>
              <Td className="text-xs text-slate-600">
                {s.dependsOn.map((d) => d.replace(`${env}/`, "")).join(", ") || "—"}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Table caption={`${ENVIRONMENT_LABELS[env]} compute`}>
        <thead className="bg-slate-50">
          <tr>
            <Th>Compute</Th>
            <Th>Name</Th>
            <Th>VM size</Th>
            <Th>Details</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {computes.length === 0 && (
            <tr>
              <Td colSpan={4} className="text-slate-600">
                No compute in this environment.
              </Td>
            </tr>
          )}
          {computes.map((s) => {
            const p = computeProps(s);
            return (
              <tr key={s.id}>
                <Td>{STEP_KIND_LABELS[s.kind]}</Td>
                <Td>
                  <code className="text-xs">{s.name}</code>
                </Td>
                <Td>{p.vmSize}</Td>
                <Td className="text-xs">
                  {s.kind === "computeInstance"
                    ? `Assigned to ${nameOfPrincipal(p.personalComputeInstanceSettings?.assignedUser.objectId ?? "")}; idle shutdown after ${/PT(\d+)M/.exec(p.idleTimeBeforeShutdown ?? "")?.[1] ?? "?"} min`
                    : `${p.scaleSettings?.minNodeCount ?? 0}–${p.scaleSettings?.maxNodeCount ?? 0} nodes`}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </section>
  );
}

function CostSection({ cost, envs }: { cost: CostEstimate; envs: PlanEnvironment[] }) {
  return (
    <section aria-labelledby="cost-heading" className="space-y-3">
      <h2 id="cost-heading" className="text-base font-semibold text-slate-900">
        Estimated monthly cost: {usd(cost.monthlyTotal)}
      </h2>
      <p className="text-sm text-slate-700">
        An estimate, not a quote. If every cluster ran at its maximum all month, the ceiling would be{" "}
        {usd(cost.ceilingMonthlyTotal)}.
      </p>
      <Table caption="Estimated monthly cost per environment">
        <thead className="bg-slate-50">
          <tr>
            <Th>Environment</Th>
            <Th className="text-right">Estimate</Th>
            <Th className="text-right">Ceiling</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {envs.map((e) => (
            <tr key={e}>
              <Td>{ENVIRONMENT_LABELS[e]}</Td>
              <Td className="text-right">{usd(cost.byEnvironment[e] ?? 0)}</Td>
              <Td className="text-right">{usd(cost.ceilingByEnvironment[e] ?? 0)}</Td>
            </tr>
          ))}
          <tr className="font-semibold">
            <Td>Total</Td>
            <Td className="text-right">{usd(cost.monthlyTotal)}</Td>
            <Td className="text-right">{usd(cost.ceilingMonthlyTotal)}</Td>
          </tr>
        </tbody>
      </Table>
      <details className="text-sm text-slate-700">
        <summary className="cursor-pointer font-medium">Assumptions and line items</summary>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {cost.assumptions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
        <ul className="mt-2 space-y-0.5 text-xs">
          {cost.lines.map((l) => (
            <li key={l.stepId}>
              {l.environment} · {l.name}: {usd(l.monthlyUsd)} — {l.basis}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
