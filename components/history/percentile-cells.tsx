import { Td } from "@/components/ui/table";
import { formatHours } from "@/lib/history/format";

/** Table cells of "p50 / p95" durations in hours, one per stage, as every lead-time table shows them. */
export function PercentileCells({ pairs }: { pairs: readonly [number | null, number | null][] }) {
  return pairs.map(([p50, p95], i) => (
    <Td key={i} className="text-right tabular-nums">
      {formatHours(p50)} / {formatHours(p95)}
    </Td>
  ));
}
