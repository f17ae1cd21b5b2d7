"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { acceptDrift, changeEstateOutOfBand, requestDriftScan, restoreDrift, updateDriftSettings } from "./mutations";
import { driftSettingsSchema, outOfBandSchema, requestScanSchema, resolveDriftSchema } from "./schemas";

// Bound first: the set id (it wins over any form field of that name).

function refresh(setId: string) {
  revalidatePath(`/workspace-sets/${setId}`);
  revalidatePath(`/workspace-sets/${setId}/drift`);
  revalidatePath("/admin/drift");
}

export const requestDriftScanAction = guardedAction(
  "drift.scan",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(requestScanSchema, formData, { setId });
    const result = await requestDriftScan(actor, input.setId, await getCorrelationId());
    refresh(input.setId);
    return {
      ok: true as const,
      message: result.alreadyQueued
        ? "A scan of this set is already on its way. Reload in a moment to see what it found."
        : "Scan queued. Reload in a moment to see what it found.",
    };
  },
);

export const restoreDriftAction = guardedAction(
  "workspace.change",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(resolveDriftSchema, formData, { setId });
    const result = await restoreDrift(actor, input, await getCorrelationId());
    refresh(input.setId);
    return {
      ok: true as const,
      message: `Change request REQ-${String(result.number).padStart(5, "0")} restores the approved state; it waits for approval.`,
    };
  },
);

export const acceptDriftAction = guardedAction(
  "workspace.change",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(resolveDriftSchema, formData, { setId });
    const result = await acceptDrift(actor, input, await getCorrelationId());
    refresh(input.setId);
    return {
      ok: true as const,
      message: `Change request REQ-${String(result.number).padStart(5, "0")} makes this the approved state${result.status === "SUBMITTED" ? "; it waits for approval" : ""}.`,
    };
  },
);

export const updateDriftSettingsAction = guardedAction(
  "settings.update",
  async (actor, _prev: unknown, formData: FormData) => {
    const input = parseInput(driftSettingsSchema, formData);
    await updateDriftSettings(actor, input, await getCorrelationId());
    revalidatePath("/admin/drift");
    return {
      ok: true as const,
      message: `Every workspace set is now scanned every ${input.scanIntervalMinutes} minutes.`,
    };
  },
);

export const changeEstateOutOfBandAction = guardedAction(
  "simulator.change",
  async (actor, _prev: unknown, formData: FormData) => {
    const input = parseInput(outOfBandSchema, formData);
    await changeEstateOutOfBand(actor, input, await getCorrelationId());
    revalidatePath("/admin/simulator");
    return {
      ok: true as const,
      message: "Changed out of band, as in the Azure portal. The next drift scan will see it.",
    };
  },
);
