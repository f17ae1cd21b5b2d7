/**
 * @azure/arm-machinelearning 2.1.1 is the newest release on npm; its 2022-10-01 models silently drop properties Atrium
 * needs (workspace `managedNetwork`, compute instance `idleTimeBeforeShutdown`). The client is pinned to a current
 * api-version (ML_API_VERSION) and this per-call policy adds the missing fields to the serialized PUT body. The fields
 * come from the call context (withArmCallContext({ mlBodyPatch })), so the policy never guesses values.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { currentArmCallContext } from "./call-context";

/** The api-version every Azure ML call uses (the plan's wire bodies are written for it). */
export const ML_API_VERSION = "2024-04-01";

export const ML_BODY_POLICY_NAME = "atrium-ml-body-fields";

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep merge (objects merge, everything else replaces). */
export function mergeJson(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch))
    out[k] = isObject(v) && isObject(out[k]) ? mergeJson(out[k] as JsonObject, v) : v;
  return out;
}

export function mlBodyPolicy(): PipelinePolicy {
  return {
    name: ML_BODY_POLICY_NAME,
    async sendRequest(request, next) {
      const patch = currentArmCallContext()?.mlBodyPatch;
      if (
        patch &&
        request.method === "PUT" &&
        typeof request.body === "string" &&
        /\/providers\/Microsoft\.MachineLearningServices\//i.test(request.url)
      ) {
        const body = JSON.parse(request.body) as JsonObject;
        request.body = JSON.stringify(mergeJson(body, patch));
      }
      return next(request);
    },
  };
}
