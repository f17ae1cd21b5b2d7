"use server";
// Thin server actions: authenticate (guardedAction) → validate with the shared schema → data layer.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/lib/action-state";
import { decodeInput, guardedAction, parseRef } from "@/lib/auth/guards";
import { cancelRequest, saveDraftStep, submitRequest } from "./mutations";
import { WIZARD_STEPS } from "./schemas";

const EDITABLE_STEPS = ["scope", "environments", "members", "compute"] as const;
const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
const stepRef = z.object({
  draftId: z.preprocess(emptyToUndefined, z.uuid().optional()),
  step: z.enum(EDITABLE_STEPS),
});
const requestRef = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) });
const NO_REQUEST = "This request does not exist.";

/** Saves one wizard step and moves to the next one. */
export const saveDraftStepAction = guardedAction(
  "request.create",
  async (actor, _prev: ActionState, formData: FormData) => {
    // Decoded once; the step's own schema validates the rest inside saveDraftStep, per step.
    const { draftId, step, ...raw } = decodeInput(formData);
    const target = parseRef(stepRef, { draftId, step }, NO_REQUEST);
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
    const { id, version } = parseRef(requestRef, formData, NO_REQUEST);
    await submitRequest(actor, { id, version });
    revalidatePath("/requests");
    redirect(`/requests/${id}?submitted=1`);
  },
);

/** Cancels one of the actor's own requests before provisioning. */
export const cancelRequestAction = guardedAction(
  "request.create",
  async (actor, _prev: ActionState, formData: FormData) => {
    const { id } = parseRef(z.object({ id: z.uuid() }), formData, NO_REQUEST);
    await cancelRequest(actor, { id });
    revalidatePath("/requests");
    revalidatePath(`/requests/${id}`);
    return { ok: true, message: "The request was cancelled." };
  },
);
