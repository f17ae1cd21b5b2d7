import { idParam, json } from "@/lib/api/http";
import { operations } from "@/lib/api/operations";
import { apiRoute } from "@/lib/api/route";
import { findSetIdFor } from "@/lib/changes/sets";
import { setDrift } from "@/lib/drift/queries";
import { AppError } from "@/lib/errors";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const GET = apiRoute(operations.getWorkspaceSetDrift, async ({ user, params }) => {
  const setId = await findSetIdFor(idParam(params.id));
  const drift = setId ? await setDrift(user, setId) : null;
  if (!drift) throw new AppError("NOT_FOUND", "No such workspace set.");
  return json({
    workspaceSetId: drift.setId,
    version: drift.version,
    open: drift.open.map((f) => ({
      ...f,
      firstSeenAt: f.firstSeenAt.toISOString(),
      lastSeenAt: f.lastSeenAt.toISOString(),
      closedAt: iso(f.closedAt),
    })),
    scans: drift.scans.map((s) => ({ ...s, createdAt: s.createdAt.toISOString(), finishedAt: iso(s.finishedAt) })),
  });
});
