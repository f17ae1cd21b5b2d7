// The exact change plan of a drafted change (lib/changes/preview.ts): the approval it needs and why, the cost
// difference, the warnings (a deleted compute instance loses its disk) and every step with its operation.
import { Alert } from "@/components/ui/card";
import { Badge, type Tone } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { APPROVAL_NEED_LABELS, changeKindLabel } from "@/lib/changes/labels";
import type { ChangePreview } from "@/lib/changes/preview";
import { STEP_KIND_LABELS } from "@/lib/plan/labels";
import { ENVIRONMENT_LABELS, type EnvironmentValue } from "@/lib/vocabulary";

/** A reviewed draft (lib/changes/preview.ts) or a change request's stored plan (lib/changes/types.ts): both carry these. */
type Plan = Pick<Extract<ChangePreview, { ok: true }>, "approval" | "warnings" | "costDelta" | "steps" | "planHash">;

const OP_TONE: Record<string, Tone> = { create: "success", update: "info", delete: "danger" };
const OP_LABEL: Record<string, string> = { create: "Create", update: "Update", delete: "Delete" };

const usd = (n: number) => `${n < 0 ? "−" : n > 0 ? "+" : "±"}$${Math.abs(n).toFixed(2)}`;
const envLabel = (e: string | null) => (e ? (ENVIRONMENT_LABELS[e as EnvironmentValue] ?? e) : "Subscription");

export function ChangePlanView({ plan }: { plan: Plan }) {
  const counts = { create: 0, update: 0, delete: 0 };
  for (const s of plan.steps) counts[s.op] += 1;
  return (
    <div className="space-y-4">
      <Alert
        tone={plan.approval.need === "none" ? "success" : "info"}
        title={`Approval: ${APPROVAL_NEED_LABELS[plan.approval.need]}`}
      >
        <ul className="mt-1 list-disc pl-5">
          {plan.approval.byChange.map((c) => (
            <li key={`${c.kind}:${c.subject}`}>
              {changeKindLabel(c.kind)}: {c.subject}
              {c.environments.length > 0 && ` (${c.environments.map(envLabel).join(", ")})`} —{" "}
              {c.need === "none" ? "at once" : c.need === "admin" ? "admin" : "admin and stakeholder"}
            </li>
          ))}
        </ul>
      </Alert>
      {plan.warnings.length > 0 && (
        <Alert tone="warning" title="Before you submit">
          <ul className="mt-1 list-disc pl-5">
            {plan.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Alert>
      )}
      <p className="text-sm text-slate-800">
        <span className="font-semibold">Cost difference:</span> {usd(plan.costDelta.monthly)} a month (at most{" "}
        {usd(plan.costDelta.ceilingMonthly)} with every cluster at its maximum)
        {Object.keys(plan.costDelta.byEnvironment).length > 0 &&
          ` — ${Object.entries(plan.costDelta.byEnvironment)
            .map(([e, v]) => `${envLabel(e)} ${usd(v ?? 0)}`)
            .join(", ")}`}
        .
      </p>
      <Table
        caption={`Change plan: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete`}
      >
        <thead className="bg-slate-50">
          <tr>
            <Th>Operation</Th>
            <Th>Environment</Th>
            <Th>Kind</Th>
            <Th>Name</Th>
            <Th>Note</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {plan.steps.map((s) => (
            <tr key={s.id} data-op={s.op}>
              <Td>
                <Badge tone={OP_TONE[s.op]}>{OP_LABEL[s.op]}</Badge>
              </Td>
              <Td>{envLabel(s.environment)}</Td>
              <Td>{STEP_KIND_LABELS[s.kind] ?? s.kind}</Td>
              <Td className="font-mono text-xs break-all">{s.name}</Td>
              <Td className="text-xs">
                {s.warning ?? (s.dependsOn.length ? `after ${s.dependsOn.length} step(s)` : "")}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <p className="text-xs text-slate-600">
        Plan hash <span className="font-mono">{plan.planHash.slice(0, 16)}…</span> — approvals bind to this exact plan.
      </p>
    </div>
  );
}
