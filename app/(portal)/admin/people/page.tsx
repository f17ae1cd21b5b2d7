import { PageHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { RoleEditor } from "@/components/people/role-editor";
import { DisableToggle } from "@/components/people/disable-toggle";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { guardedPage } from "@/lib/auth/page-guard";
import { listPeople } from "@/lib/people/queries";

export const metadata = { title: "People and roles" };

export default guardedPage("users.manage", async function PeoplePage(admin) {
  const people = await listPeople(admin);
  return (
    <>
      <PageHeader
        title="People and roles"
        description="Everyone known to Atrium, their portal roles and teams. Role changes take effect on the person's next request and are audited. People are identified by their Entra object id, never by email. Roles that come from Entra ID app roles or groups follow the directory at every sign-in; roles granted here stay until an admin revokes them. Disabling someone ends their sessions at once."
      />
      <Table caption="People">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Portal roles</Th>
            <Th>Teams</Th>
            <Th>Entra object id</Th>
            <Th>Access</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {people.map((p) => (
            <tr key={p.id}>
              <Td className="font-medium">
                {p.name} {p.disabled && <Badge tone="danger">Disabled</Badge>}
              </Td>
              <Td>{p.email}</Td>
              <Td>
                <RoleEditor userId={p.id} name={p.name} roles={p.roles} />
                {p.entraRoles.length > 0 && (
                  <p className="mt-1 text-xs text-slate-600">
                    From Entra ID: {p.entraRoles.map((r) => ROLE_LABELS[r]).join(", ")}
                  </p>
                )}
              </Td>
              <Td>{p.teams.join(", ") || "—"}</Td>
              <Td className="font-mono text-xs">{p.entraObjectId ?? "missing"}</Td>
              <Td>
                {p.id === admin.id ? (
                  <span className="text-xs text-slate-600">You</span>
                ) : (
                  <DisableToggle userId={p.id} name={p.name} disabled={p.disabled} />
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
});
