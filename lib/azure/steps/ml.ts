/**
 * Step handlers for Azure ML: the workspace, its computes and its Git connection. Computes are read before every PUT:
 * Azure ML's compute PUT overwrites ("do a GET first", compute create-or-update reference), so an existing compute
 * with another spec is reported as drift and never overwritten.
 */
import "server-only";
import type { ComputeResource } from "@azure/arm-machinelearning";
import type { PlanStep } from "@/lib/plan/types";
import {
  type AddCheck,
  type DriftItem,
  type Json,
  MINUTE,
  obj,
  readRaw,
  runLro2,
  type StepHandler,
  str,
  withMlPatch,
} from "./context";

const rgOf = (step: PlanStep) => step.target.resourceGroup ?? "";
const parentOf = (step: PlanStep) => step.target.parent ?? "";
const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);

export const workspace: StepHandler = {
  deadlineMs: 30 * MINUTE,
  read: (step, clients) => readRaw(() => clients.ml.workspaces.get(rgOf(step), step.name)),
  create(step, ctx) {
    const { body } = step;
    const props = obj(body.properties);
    const identity = obj(body.identity);
    const sku = obj(body.sku);
    const params = {
      location: str(body.location) ?? "",
      tags: obj(body.tags) as Record<string, string>,
      identity: { type: (str(identity.type) ?? "SystemAssigned") as "SystemAssigned" },
      sku: { name: str(sku.name) ?? "Basic", tier: str(sku.tier) as "Basic" | undefined },
      friendlyName: str(props.friendlyName),
      description: str(props.description),
      storageAccount: str(props.storageAccount),
      keyVault: str(props.keyVault),
      applicationInsights: str(props.applicationInsights),
      hbiWorkspace: props.hbiWorkspace as boolean | undefined,
      v1LegacyMode: props.v1LegacyMode as boolean | undefined,
      publicNetworkAccess: str(props.publicNetworkAccess) as "Enabled" | "Disabled" | undefined,
    };
    // managedNetwork is dropped by the 2.1.1 serializer: the ML body policy adds it.
    const patch = props.managedNetwork ? { properties: { managedNetwork: props.managedNetwork } } : undefined;
    return withMlPatch(patch, () =>
      runLro2(ctx, (o) => ctx.clients.ml.workspaces.beginCreateOrUpdate(rgOf(step), step.name, params, o)),
    );
  },
  verify(step, have, add) {
    const want = obj(step.body.properties);
    add(
      `workspace ${step.name} public network access`,
      want.publicNetworkAccess,
      obj(have.properties).publicNetworkAccess,
    );
  },
};

/** Differences between an existing compute (wire JSON) and the plan's compute. Empty when they match. */
export function computeDrift(step: PlanStep, existing: Json): DriftItem[] {
  const want = obj(step.body.properties);
  const have = obj(existing.properties);
  const wantInner = obj(want.properties);
  const haveInner = obj(have.properties);
  const out: DriftItem[] = [];
  const cmp = (field: string, expected: unknown, actual: unknown) => {
    if (lower(expected) !== lower(actual)) out.push({ field, expected, actual: actual ?? null });
  };
  cmp("computeType", want.computeType, have.computeType);
  cmp("vmSize", wantInner.vmSize, haveInner.vmSize);
  if (step.kind === "computeInstance") {
    const w = obj(obj(wantInner.personalComputeInstanceSettings).assignedUser);
    const h = obj(obj(haveInner.personalComputeInstanceSettings).assignedUser);
    cmp("assignedUser.objectId", w.objectId, h.objectId);
  } else {
    const w = obj(wantInner.scaleSettings);
    const h = obj(haveInner.scaleSettings);
    cmp("scaleSettings.minNodeCount", w.minNodeCount, h.minNodeCount ?? 0);
    cmp("scaleSettings.maxNodeCount", w.maxNodeCount, h.maxNodeCount);
  }
  return out;
}

function computeHandler(verify: (step: PlanStep, have: Json, add: AddCheck) => void): StepHandler {
  return {
    deadlineMs: 30 * MINUTE,
    readFirst: true,
    read: (step, clients) => readRaw(() => clients.ml.computeOperations.get(rgOf(step), parentOf(step), step.name)),
    drift: computeDrift,
    create(step, ctx) {
      const props = obj(step.body.properties);
      const { idleTimeBeforeShutdown, ...sdkInner } = obj(props.properties);
      const params = {
        location: str(step.body.location) ?? "",
        tags: obj(step.body.tags) as Record<string, string>,
        properties: {
          computeType: str(props.computeType),
          description: str(props.description),
          disableLocalAuth: props.disableLocalAuth,
          properties: sdkInner,
        },
      } as unknown as ComputeResource;
      // idleTimeBeforeShutdown is absent from the 2.1.1 models: the ML body policy adds it to the wire body.
      const patch =
        idleTimeBeforeShutdown !== undefined ? { properties: { properties: { idleTimeBeforeShutdown } } } : undefined;
      return withMlPatch(patch, () =>
        runLro2(ctx, (o) =>
          ctx.clients.ml.computeOperations.beginCreateOrUpdate(rgOf(step), parentOf(step), step.name, params, o),
        ),
      );
    },
    verify,
  };
}

export const computeInstance = computeHandler((step, have, add) => {
  const wi = obj(obj(step.body.properties).properties);
  const hi = obj(obj(have.properties).properties);
  add(
    `compute instance ${step.name} idle shutdown`,
    wi.idleTimeBeforeShutdown,
    hi.idleTimeBeforeShutdown,
    typeof hi.idleTimeBeforeShutdown === "string" && hi.idleTimeBeforeShutdown === wi.idleTimeBeforeShutdown,
  );
});

export const computeCluster = computeHandler((step, have, add) => {
  const hs = obj(obj(obj(have.properties).properties).scaleSettings);
  add(`cluster ${step.name} minimum nodes`, 0, hs.minNodeCount ?? null, hs.minNodeCount === 0);
});

export const gitConnection: StepHandler = {
  deadlineMs: 30 * MINUTE,
  read: (step, clients) => readRaw(() => clients.ml.workspaceConnections.get(rgOf(step), parentOf(step), step.name)),
  async create(step, ctx) {
    const props = obj(step.body.properties);
    await ctx.clients.ml.workspaceConnections.create(
      rgOf(step),
      parentOf(step),
      step.name,
      { properties: { category: str(props.category) as "Git", target: str(props.target), authType: "None" } },
      { abortSignal: ctx.signal },
    );
    return "created";
  },
};
