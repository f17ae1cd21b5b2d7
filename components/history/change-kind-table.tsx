import { Table, Td, Th } from "@/components/ui/table";
import { PercentileCells } from "@/components/history/percentile-cells";
import { changeKindLabel } from "@/lib/changes/labels";
import { formatPercent } from "@/lib/history/format";
import type { ChangeKindLeadTime } from "@/lib/history/change-metrics";

/** Lead times per change kind (lib/history/change-metrics.ts): new sets first, then the most frequent changes. */
export function ChangeKindLeadTimes({ rows }: { rows: ChangeKindLeadTime[] }) {
  return (
    <Table caption="Lead times per kind of change (a change with several kinds counts in each)">
      <thead className="bg-slate-50">
        <tr>
          <Th>Kind</Th>
          <Th className="text-right">Submitted</Th>
          <Th className="text-right">Applied</Th>
          <Th className="text-right">Failed now</Th>
          <Th className="text-right">Submitted → approved p50 / p95</Th>
          <Th className="text-right">Approved → applied p50 / p95</Th>
          <Th className="text-right">End to end p50 / p95</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => (
          <tr key={r.kind}>
            <Th scope="row" className="tracking-normal normal-case">
              {changeKindLabel(r.kind)}
            </Th>
            <Td className="text-right tabular-nums">{r.submitted}</Td>
            <Td className="text-right tabular-nums">{r.applied}</Td>
            <Td className="text-right tabular-nums">{formatPercent(r.failed, r.submitted)}</Td>
            <PercentileCells
              pairs={[
                [r.approveP50, r.approveP95],
                [r.applyP50, r.applyP95],
                [r.endToEndP50, r.endToEndP95],
              ]}
            />
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
