import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { Table, TableHead, Td } from "@/components/ui/table";
import { formatDateTime } from "@/lib/history/format";
import type { DeliveryRow } from "@/lib/webhooks/queries";
import { RedeliverButton } from "./endpoint-forms";

const STATUS = {
  DELIVERED: <Badge tone="success">Delivered</Badge>,
  PENDING: <Badge tone="warning">Pending</Badge>,
  FAILED: <Badge tone="danger">Failed</Badge>,
};

/** Every delivery with its attempts and last answer; admins can send one again. */
export function DeliveryLog({ rows, caption }: { rows: DeliveryRow[]; caption: string }) {
  if (rows.length === 0) return <EmptyState title="No deliveries yet">They appear here as events happen.</EmptyState>;
  return (
    <Table caption={caption}>
      <TableHead columns={["Event", "To", "Status", "Attempts", "Last answer", "Created", "Delivered"]} actions />
      <tbody className="divide-y divide-slate-100">
        {rows.map((d) => (
          <tr key={d.id}>
            <Td className="font-mono text-xs">{d.event}</Td>
            <Td>{d.recipient}</Td>
            <Td>{STATUS[d.status]}</Td>
            <Td>{d.attempts}</Td>
            <Td className="max-w-xs text-xs">
              {d.lastStatusCode ?? ""} {d.lastError ?? (d.lastStatusCode ? "" : "—")}
            </Td>
            <Td>{formatDateTime(d.createdAt)}</Td>
            <Td>{formatDateTime(d.deliveredAt)}</Td>
            <Td>
              <RedeliverButton id={d.id} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
