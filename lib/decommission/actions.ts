"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction, parseInput, parseRef } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { approvePurge, recoverSet, requestPurge, startDecommission } from "./mutations";

const setRef = z.object({ setId: z.uuid() });
/** The one input of the decommission form: why (shown to approvers). */
const decommissionSchema = z.object({
  reason: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z
      .string({ error: "Say why this workspace set is decommissioned." })
      .min(10, "Say in a sentence why this workspace set is decommissioned (at least 10 characters).")
      .max(500, "Keep the reason under 500 characters."),
  ),
});
const noInput = z.object({});

/** Admins: starts a decommission change request (admin; admin + stakeholder for prod). */
export const decommissionSetAction = guardedAction(
  "workspace.decommission",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const id = parseRef(setRef, { setId }, "No such workspace set.").setId;
    const { reason } = parseInput(decommissionSchema, formData);
    const result = await startDecommission(actor, id, await getCorrelationId(), { reason });
    revalidatePath(`/workspace-sets/${id}`);
    revalidatePath("/approvals");
    return {
      ok: true,
      message: `${formatRequestNumber(result.number)} asks to decommission this set; it runs once approved.`,
    };
  },
);

/** Admins: recovers a soft-deleted set within Azure's 14 days (audited). */
export const recoverSetAction = guardedAction(
  "workspace.decommission",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const id = parseRef(setRef, { setId }, "No such workspace set.").setId;
    parseInput(noInput, formData);
    await recoverSet(actor, id, await getCorrelationId());
    revalidatePath(`/workspace-sets/${id}`);
    return { ok: true, message: "Recovery started: the workspaces are re-created, then access and compute replayed." };
  },
);

/** Admins: asks for a purge now (a second admin approves). */
export const requestPurgeAction = guardedAction(
  "workspace.decommission",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const id = parseRef(setRef, { setId }, "No such workspace set.").setId;
    parseInput(noInput, formData);
    await requestPurge(actor, id, await getCorrelationId());
    revalidatePath(`/workspace-sets/${id}`);
    return { ok: true, message: "Purge requested: a second admin must approve it." };
  },
);

/** A second admin: approves the purge, which runs on the scheduler's next pass (within a minute). */
export const approvePurgeAction = guardedAction(
  "workspace.decommission",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const id = parseRef(setRef, { setId }, "No such workspace set.").setId;
    parseInput(noInput, formData);
    await approvePurge(actor, id, await getCorrelationId());
    revalidatePath(`/workspace-sets/${id}`);
    return { ok: true, message: "Purge approved: it runs within a minute and cannot be undone." };
  },
);
