/**
 * Per-call context for ARM requests, carried by AsyncLocalStorage through the SDK's pipeline (including the polls of a
 * long-running operation): the correlation id Atrium sends, the body fields to add to an Azure ML PUT, and a callback
 * that learns ARM's request and correlation ids of every response.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface ArmResponseIds {
  method: string;
  url: string;
  status: number;
  requestId: string | null;
  correlationId: string | null;
  /** Raw response body (used to read fields the SDK's models drop). */
  bodyText?: string | null;
}

export interface ArmCallContext {
  /** Sent as x-ms-correlation-request-id on every request of the call (ARM echoes it). */
  correlationId?: string;
  /** Whose request this is for the ARM token buckets' fair queuing (lib/azure/throttle.ts): a run's id. */
  flow?: string;
  /** Deep-merged into the JSON body of the call's PUT (fields the SDK's models drop). */
  mlBodyPatch?: Record<string, unknown>;
  onResponse?: (ids: ArmResponseIds) => void;
}

const storage = new AsyncLocalStorage<ArmCallContext>();

export function withArmCallContext<T>(context: ArmCallContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

export function currentArmCallContext(): ArmCallContext | undefined {
  return storage.getStore();
}
