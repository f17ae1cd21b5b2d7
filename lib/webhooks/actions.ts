"use server";
import { revalidatePath } from "next/cache";
import { guardedAction, parseInput } from "@/lib/auth/guards";
import { getCorrelationId } from "@/lib/correlation";
import { createEndpoint, deleteEndpoint, redeliver, setEndpointEnabled } from "./endpoints";
import { deliveryIdSchema, enabledSchema, endpointIdSchema, endpointSchema } from "./schemas";

function refresh() {
  revalidatePath("/admin/webhooks");
  revalidatePath("/admin/mail");
}

export const createEndpointAction = guardedAction(
  "notifications.manage",
  async (actor, _prev: unknown, formData: FormData) => {
    const input = parseInput(endpointSchema, formData);
    const { secret } = await createEndpoint(actor, input, await getCorrelationId());
    refresh();
    // The signing secret goes to this admin once, to paste into the receiver; it is never shown again.
    const created = {
      ok: true as const,
      message: secret ? "Webhook added. Copy its signing secret now: it is not shown again." : "Teams channel added.",
      secret: secret ?? undefined,
    };
    return created;
  },
);

export const setEndpointEnabledAction = guardedAction(
  "notifications.manage",
  async (actor, id: string, _prev: unknown, formData: FormData) => {
    const input = parseInput(enabledSchema, formData, { id });
    await setEndpointEnabled(actor, input.id, input.enabled, await getCorrelationId());
    refresh();
    return { ok: true, message: input.enabled ? "Enabled." : "Disabled." };
  },
);

export const deleteEndpointAction = guardedAction(
  "notifications.manage",
  async (actor, id: string, _prev: unknown, _formData: FormData) => {
    const input = parseInput(endpointIdSchema, { id });
    await deleteEndpoint(actor, input.id, await getCorrelationId());
    refresh();
    return { ok: true, message: "Deleted." };
  },
);

export const redeliverAction = guardedAction(
  "notifications.manage",
  async (actor, id: string, _prev: unknown, _formData: FormData) => {
    const input = parseInput(deliveryIdSchema, { id });
    await redeliver(actor, input.id, await getCorrelationId());
    refresh();
    return { ok: true, message: "Queued for redelivery." };
  },
);
