"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction, parseInput, parseRef } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { formatRequestNumber } from "@/lib/plan/build-plan";
import { createChangeRequest } from "./mutations";
import { changeRequestSchema } from "./schemas";

const setRef = z.object({ setId: z.uuid() });

/**
 * Asks for a change of a workspace set from its page. Bound first: the set id (it wins over any form field); the
 * form carries the version it was drafted from (`baseVersion`) and what changes (`changeRequestSchema`).
 * Authorised per set in the data layer (the set's team, its members, admins).
 */
export const submitChangeAction = guardedAction(
  "workspace.change",
  async (actor, setId: string, _prev: unknown, formData: FormData) => {
    const id = parseRef(setRef, { setId }, "No such workspace set.").setId;
    const { baseVersion, reason, ...desired } = parseInput(changeRequestSchema, formData);
    const result = await createChangeRequest(
      actor,
      { setId: id, baseVersion, desired, reason },
      await getCorrelationId(),
    );
    revalidatePath(`/workspace-sets/${id}`);
    revalidatePath(`/requests/${result.requestId}`);
    revalidatePath("/approvals");
    const number = formatRequestNumber(result.number);
    return {
      ok: true,
      message: result.appliedAtOnce
        ? result.queued
          ? `${number}: removals are applied at once; the change is running.`
          : `${number}: removals are applied at once; the change waits for the one being applied now.`
        : `${number} is submitted; it is applied once approved.`,
    };
  },
);
