import { Badge } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, TableHead, Td } from "@/components/ui/table";
import { DeliveryLog } from "@/components/notifications/delivery-log";
import { CreateEndpointForm, DeleteEndpointButton, EndpointToggle } from "@/components/notifications/endpoint-forms";
import { guardedPage } from "@/lib/auth/page-guard";
import { formatDateTime } from "@/lib/history/format";
import { listDeliveries, listEndpoints, listTeams } from "@/lib/webhooks/queries";

export const metadata = { title: "Webhooks and Teams" };

export default guardedPage("notifications.manage", async function WebhooksPage() {
  const [endpoints, teams, deliveries] = await Promise.all([
    listEndpoints(),
    listTeams(),
    listDeliveries(["WEBHOOK", "TEAMS"]),
  ]);
  return (
    <>
      <PageHeader
        title="Webhooks and Teams"
        description="Endpoints that hear about requests, for one team or portal-wide. Webhooks are signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature with the endpoint's whsec_ secret, shown once). Teams channels receive an Adaptive Card through a Workflows URL. URLs and secrets are stored encrypted; failed deliveries are retried with backoff and can be sent again below."
      />
      <CreateEndpointForm teams={teams} />
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet">Add a webhook or a Teams channel above.</EmptyState>
      ) : (
        <Table caption="Endpoints">
          <TableHead columns={["Name", "Kind", "For", "URL", "Events", "Created"]} actions />
          <tbody className="divide-y divide-slate-100">
            {endpoints.map((e) => (
              <tr key={e.id}>
                <Td className="font-medium">
                  {e.name} {!e.enabled && <Badge tone="neutral">Disabled</Badge>}
                </Td>
                <Td>{e.kind === "TEAMS" ? "Teams" : "Webhook"}</Td>
                <Td>{e.team?.name ?? "Every team"}</Td>
                <Td className="font-mono text-xs break-all">{e.displayUrl}</Td>
                <Td className="font-mono text-xs">{e.events.length ? e.events.join(", ") : "every event"}</Td>
                <Td>{formatDateTime(e.createdAt)}</Td>
                <Td className="space-x-2 whitespace-nowrap">
                  <EndpointToggle id={e.id} enabled={e.enabled} />
                  <DeleteEndpointButton id={e.id} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <h2 className="mt-10 mb-3 text-base font-semibold text-slate-900">Delivery log</h2>
      <DeliveryLog rows={deliveries} caption="Webhook and Teams deliveries" />
    </>
  );
});
