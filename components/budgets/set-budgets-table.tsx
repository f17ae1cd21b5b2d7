import { EmptyState } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { ENVIRONMENT_LABELS, formatUsd } from "@/lib/history/format";
import type { SetBudgetRow } from "@/lib/budgets/queries";

/**
 * Budget against estimate per workspace set and environment. A budget below the estimate means alerts will fire in
 * an ordinary month; a workspace without a budget was provisioned before budgets existed (a change request adds one).
 */
export function SetBudgetsTable({ rows, more }: { rows: SetBudgetRow[]; more: boolean }) {
  if (rows.length === 0)
    return (
      <EmptyState title="No budgets to show">
        Every provisioned environment gets a monthly budget in Azure; they appear here once a workspace set is active.
      </EmptyState>
    );
  return (
    <>
      <Table caption="Monthly budget in Azure against the approved estimate, per workspace set and environment">
        <thead className="bg-slate-50">
          <tr>
            <Th>Workspace set</Th>
            <Th>Environment</Th>
            <Th>Workspace</Th>
            <Th className="text-right">Budget</Th>
            <Th className="text-right">Estimate</Th>
            <Th>Budget vs estimate</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => {
            const gap = r.budgetUsd !== null && r.estimateUsd !== null ? r.budgetUsd - r.estimateUsd : null;
            return (
              <tr key={r.key}>
                <Td>{r.scope}</Td>
                <Td>{ENVIRONMENT_LABELS[r.environment] ?? r.environment}</Td>
                <Td className="font-mono text-xs">{r.workspaceName}</Td>
                <Td className="text-right tabular-nums">{formatUsd(r.budgetUsd, true)}</Td>
                <Td className="text-right tabular-nums">{formatUsd(r.estimateUsd, true)}</Td>
                <Td>
                  {r.budgetUsd === null ? (
                    <Badge tone="warning">No budget: provisioned before budgets</Badge>
                  ) : gap === null ? (
                    <Badge>No estimate</Badge>
                  ) : gap < -0.005 ? (
                    <Badge tone="danger">{formatUsd(-gap, true)} under the estimate</Badge>
                  ) : gap > 0.005 ? (
                    <Badge tone="info">{formatUsd(gap, true)} above the estimate</Badge>
                  ) : (
                    <Badge tone="success">Matches the estimate</Badge>
                  )}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {more && (
        <p className="mt-2 text-sm text-slate-600">
          Showing the first {rows.length} environments, ordered by workspace set.
        </p>
      )}
    </>
  );
}
