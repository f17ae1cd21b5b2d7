import { decodeInput } from "@/lib/auth/guards";
import { guardedRoute, problem, uuidRouteParam } from "@/lib/auth/route-guard";
import { previewChange } from "@/lib/changes/preview";

/**
 * The change form's "Review the change" (components/changes/change-form.tsx): POST the form's fields (multipart, as
 * the form would submit them) → the change plan it would get, `{ ok: true, steps, costDelta, changes, approval, … }`,
 * or `{ ok: false, message, fieldErrors }` (200: a draft that is not valid yet is an answer, not a failure).
 * Stores nothing. 404 for a set the person may not change.
 */
export const POST = guardedRoute<{ id: string }>("workspace.change", async (request, { user, params }) => {
  const setId = uuidRouteParam(params.id, "workspace set");
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return problem(400, "Send the change form's fields as multipart/form-data or application/x-www-form-urlencoded.");
  }
  const preview = await previewChange(user, setId, decodeInput(form));
  return Response.json(preview, { headers: { "cache-control": "private, no-store" } });
});
