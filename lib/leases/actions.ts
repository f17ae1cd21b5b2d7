"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction, parseInput, parseRef } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { db } from "@/lib/db/client";
import { extendLease } from "./leases";
import { updateLeaseSettings } from "./policy";
import { extendLeaseSchema, leaseSettingsSchema } from "./rules";

const setRef = z.object({ setId: z.uuid() });

/**
 * Extends a set's lease from its page. Bound first: the set id. Within the maximum it applies at once; beyond it, it
 * becomes a change request for the admins. Authorised per set in the data layer (owners of the set, admins).
 */
export const extendLeaseAction = guardedAction(
  "workspace.change",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const id = parseRef(setRef, { setId }, "No such workspace set.").setId;
    const input = parseInput(extendLeaseSchema, formData);
    const outcome = await extendLease(actor, id, input, await getCorrelationId());
    revalidatePath(`/workspace-sets/${id}`);
    if (outcome.applied)
      return {
        ok: true,
        message: `The lease now ends on ${outcome.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
      };
    const request = await db.workspaceRequest.findUniqueOrThrow({
      where: { id: outcome.requestId },
      select: { number: true },
    });
    revalidatePath("/approvals");
    return {
      ok: true,
      message: `That is beyond what owners may extend themselves: ${formatRequestNumber(request.number)} asks the admins for it.`,
    };
  },
);

/** The lease section of the admin settings page. */
export const updateLeaseSettingsAction = guardedAction(
  "settings.update",
  async (actor, _prev: unknown, formData: FormData) => {
    const input = parseInput(leaseSettingsSchema, formData);
    const result = await updateLeaseSettings(actor, input, await getCorrelationId());
    revalidatePath("/admin/settings");
    return {
      ok: true,
      message: result.changed.length ? `Lease settings saved (${result.changed.join(", ")}).` : "Nothing changed.",
    };
  },
);
