/**
 * API v1 for workspace sets and change requests: `GET /workspace-sets/{id}` and
 * `POST /workspaces/{id}/change-requests` (If-Match: the set's version; 412 names what changed since). `{id}` is a
 * workspace set's id or the id of any of its workspaces (or of the request that created it).
 */
import "server-only";
import { etagOf, HttpProblem, ifMatchVersion } from "@/lib/api/http";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { createChangeRequest, StaleVersionError } from "./mutations";
import type { ChangeDocumentInput } from "./schemas";
import { findSetIdFor, loadWorkspaceSet } from "./sets";

const NOT_FOUND = "This workspace set does not exist or is not yours to see.";

export async function workspaceSetBody(user: SessionUser, id: string) {
  const setId = await findSetIdFor(id);
  const set = setId ? await loadWorkspaceSet(user, setId) : null;
  if (!set) throw new AppError("NOT_FOUND", NOT_FOUND);
  const body = {
    id: set.id,
    version: set.version,
    status: set.status.toLowerCase(),
    scope: set.scopeSlug,
    activeChangeId: set.activeChangeId,
    desiredState: set.desired as unknown as Record<string, unknown>,
    workspaces: set.workspaces,
    changes: set.changes.map((c) => ({
      id: c.id,
      number: formatRequestNumber(c.number),
      kind: c.kind.toLowerCase(),
      status: c.status.toLowerCase(),
      baseVersion: c.baseVersion,
      changeKinds: c.changeKinds,
      queuePosition: c.queuePosition,
      createdAt: c.createdAt.toISOString(),
    })),
  };
  return { body, etag: etagOf(set.version) };
}

function preconditionFailed(err: StaleVersionError): HttpProblem {
  return new HttpProblem({
    status: 412,
    type: "precondition-failed",
    detail: err.message,
    errors: {
      baseVersion: [err.message],
      ...(err.changedSince.length
        ? {
            changedSince: err.changedSince.map(
              (c) => `${formatRequestNumber(c.number)}: ${c.changeKinds.join(", ") || "change"}`,
            ),
          }
        : {}),
    },
    headers: { etag: etagOf(err.currentVersion) },
  });
}

/** Creates a change request from the API: the base version from If-Match (else the body's `baseVersion`). */
export async function createChangeFromApi(
  user: SessionUser,
  id: string,
  request: Request,
  body: ChangeDocumentInput & { baseVersion?: number },
  correlationId: string,
) {
  const setId = await findSetIdFor(id);
  const set = setId ? await loadWorkspaceSet(user, setId) : null;
  if (!set) throw new AppError("NOT_FOUND", NOT_FOUND);
  const ifMatch = ifMatchVersion(request);
  const { baseVersion: bodyVersion, reason, ...desired } = body;
  const baseVersion =
    typeof ifMatch === "number" ? ifMatch : ifMatch === "*" ? (bodyVersion ?? set.version) : bodyVersion;
  if (baseVersion === undefined)
    throw new HttpProblem({
      status: 428,
      type: "precondition-required",
      detail: `Say which version you drafted the change from: If-Match: "${set.version}" (the set's ETag), or baseVersion in the body.`,
    });
  try {
    const result = await createChangeRequest(user, { setId: set.id, baseVersion, desired, reason }, correlationId);
    return {
      requestId: result.requestId,
      number: formatRequestNumber(result.number),
      status: result.status.toLowerCase(),
      appliedAtOnce: result.appliedAtOnce,
      queued: result.queued,
      workspaceSetId: set.id,
      links: { request: `/api/v1/requests/${result.requestId}`, workspaceSet: `/api/v1/workspace-sets/${set.id}` },
    };
  } catch (err) {
    if (err instanceof StaleVersionError) throw preconditionFailed(err);
    throw err;
  }
}
