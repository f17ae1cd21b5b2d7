"use server";
// Thin server actions: authenticate (guardedAction) → validate with the shared schema → data layer.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { guardedAction } from "@/lib/auth/guards";
import { AppError } from "@/lib/errors";
import { cancelRequest, saveDraftStep, submitRequest } from "./mutations";
import { formDataToObject, WIZARD_STEPS } from "./schemas";

const EDITABLE_STEPS = ["scope", "environments", "members", "compute"] as const;
const stepRef = z.object({ draftId: z.uuid().optional(), step: z.enum(EDITABLE_STEPS) });
const requestRef = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) });

function ref<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError("NOT_FOUND", "This request does not exist.");
  return r.data;
}

/** Saves one wizard step and moves to the next one. */
export const saveDraftStepAction = guardedAction(
  "request.create",
  async (actor, _prev: ActionState, formData: FormData) => {
    const { draftId, step, ...raw } = formDataToObject(formData);
    const target = ref(stepRef, { draftId: draftId || undefined, step });
    const { id } = await saveDraftStep(actor, { draftId: target.draftId ?? null, step: target.step, raw });
    const next = WIZARD_STEPS[WIZARD_STEPS.findIndex((s) => s.key === target.step) + 1]?.key ?? "review";
    revalidatePath("/requests");
    redirect(`/requests/new?draft=${id}&step=${next}`);
  },
);

/** Submits the reviewed draft (the version the requester saw). */
export const submitRequestAction = guardedAction(
  "request.create",
  async (actor, _prev: ActionState, formData: FormData) => {
    const { id, version } = ref(requestRef, { id: formData.get("id"), version: formData.get("version") });
    await submitRequest(actor, { id, version });
    revalidatePath("/requests");
    redirect(`/requests/${id}?submitted=1`);
  },
);

/** Cancels one of the actor's own requests before provisioning. */
export const cancelRequestAction = guardedAction(
  "request.create",
  async (actor, _prev: ActionState, formData: FormData) => {
    const { id } = ref(z.object({ id: z.uuid() }), { id: formData.get("id") });
    await cancelRequest(actor, { id });
    revalidatePath("/requests");
    revalidatePath(`/requests/${id}`);
    return { ok: true, message: "The request was cancelled." };
  },
);
