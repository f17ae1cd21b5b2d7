import { Badge } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, TableHead, Td } from "@/components/ui/table";
import { formatDateTime } from "@/lib/history/format";
import { guardedPage } from "@/lib/auth/page-guard";
import { listApiTokens } from "@/lib/tokens/queries";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata = { title: "Tokens" };

const STATE_BADGES = {
  active: <Badge tone="success">Active</Badge>,
  expired: <Badge tone="warning">Expired</Badge>,
  revoked: <Badge tone="neutral">Revoked</Badge>,
};

export default guardedPage("tokens.manage", async function TokensPage(user) {
  const tokens = await listApiTokens(user);
  return (
    <>
      <PageHeader
        title="Tokens"
        description="Personal access tokens let scripts, pipelines and the atrium CLI call the REST API (/api/docs) as you. A token can do what your roles allow and its scopes cover, nothing more. It is shown once, stored only as a hash, expires, and can be revoked at any time."
      />
      <CreateTokenForm />
      {tokens.length === 0 ? (
        <EmptyState title="No tokens yet">Create one above to use the API or the CLI.</EmptyState>
      ) : (
        <Table caption="Your tokens">
          <TableHead columns={["Name", "Token", "Scopes", "Created", "Expires", "Last used", "State"]} actions />
          <tbody className="divide-y divide-slate-100">
            {tokens.map((t) => (
              <tr key={t.id}>
                <Td className="font-medium">{t.name}</Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td>{t.scopes.join(", ")}</Td>
                <Td>{formatDateTime(t.createdAt)}</Td>
                <Td>{formatDateTime(t.expiresAt)}</Td>
                <Td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "never"}</Td>
                <Td>{STATE_BADGES[t.state]}</Td>
                <Td>{t.state === "active" && <RevokeTokenButton tokenId={t.id} name={t.name} />}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
});
