import { Alert } from "@/components/ui/card";
import type { SessionUser } from "@/lib/auth/session";
import { heldScopesFor } from "@/lib/decommission/held-names";

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The wizard's scope step: scopes of the viewer's teams whose names are still held by soft-deleted workspaces and key
 * vaults, until when, and what to do. Renders nothing when no name is held.
 */
export async function HeldNamesNotice({ viewer }: { viewer: Pick<SessionUser, "roles" | "teamIds"> }) {
  const held = await heldScopesFor(viewer);
  if (held.length === 0) return null;
  return (
    <Alert tone="warning" title="Some names are still held by decommissioned workspace sets">
      <ul className="mt-1 list-disc space-y-1 pl-5">
        {held.map((h) => (
          <li key={h.scopeSlug}>
            <strong>{h.scopeSlug}</strong>: Azure holds its workspace and key vault names until {day(h.heldUntil)}
            {h.purgeAt ? ` (Atrium purges them on ${day(h.purgeAt)})` : ""}. A request for this scope is refused until
            then: choose another scope, ask an admin to recover that workspace set, or to purge it now
            {h.purgeRequested
              ? " (a purge is already asked for and waits for a second admin)"
              : " (a second admin approves)"}
            .
          </li>
        ))}
      </ul>
    </Alert>
  );
}
