/** Microsoft.MachineLearningServices computes: compute instances and AmlCompute clusters (201 + Azure-AsyncOperation). */
import { randomUUID } from "node:crypto";
import { ArmError } from "../errors";
import { asObject, deepMerge, isoNow, parseIsoDuration } from "../json";
import * as names from "../names";
import type { ProviderHost, ResourceCtx, SimResponse, TypeHandler } from "../provider";
import { ML, T, TERMINAL_OK } from "../provider";
import { resourceLocation } from "../regions";
import type { Json } from "../store";

export class ComputeProvider {
  readonly handler: TypeHandler = {
    put: (c) => this.putCompute(c),
    patch: (c) => this.patchCompute(c),
    delete: (c) => this.deleteCompute(c),
    actions: {
      start: (c) => this.computeAction(c, "Starting", "Running"),
      stop: (c) => this.computeAction(c, "Stopping", "Stopped"),
      restart: (c) => this.computeAction(c, "Restarting", "Running"),
      updateidleshutdownsetting: (c) => this.computeIdleShutdown(c),
      listnodes: (c) => this.computeListNodes(c),
    },
    completed: (r, effect) => {
      if (effect.kind === "computeState")
        r.body = deepMerge(r.body, { properties: { properties: { state: effect.state } } });
    },
  };

  constructor(private readonly h: ProviderHost) {}

  private validateCompute(ctx: ResourceCtx, props: Json, location: string): void {
    const computeType = props.computeType;
    if (typeof computeType !== "string") {
      throw new ArmError(400, "ValidationError", "The computeType property is required.", {
        target: "properties.computeType",
      });
    }
    const nameErr = names.checkComputeName(ctx.name, computeType);
    if (nameErr) throw nameErr;
    const inner = asObject(props.properties);
    const lowerType = computeType.toLowerCase();
    if (lowerType !== "computeinstance" && lowerType !== "amlcompute") return;
    if (typeof inner.vmSize !== "string" || inner.vmSize.length === 0) {
      throw new ArmError(400, "ValidationError", "The vmSize property is required.", {
        target: "properties.properties.vmSize",
      });
    }
    this.refuseInPlaceChange(ctx, computeType, String(inner.vmSize));
    if (lowerType === "computeinstance") this.validateInstance(ctx, inner, location);
    else this.validateCluster(inner);
  }

  /**
   * A compute's type and VM size are fixed once created: Azure ML resizes nothing in place (a cluster gets a new VM
   * size only by delete + create), so a PUT that changes them is refused with ARM's code for immutable properties.
   */
  private refuseInPlaceChange(ctx: ResourceCtx, computeType: string, vmSize: string): void {
    if (!ctx.existing) return;
    const props = asObject(ctx.existing.body.properties);
    const before = { computeType: String(props.computeType), vmSize: String(asObject(props.properties).vmSize) };
    for (const [name, value] of [
      ["computeType", computeType],
      ["vmSize", vmSize],
    ] as const) {
      if (before[name].toLowerCase() === value.toLowerCase()) continue;
      throw new ArmError(
        409,
        "PropertyChangeNotAllowed",
        `Changing property '${name}' is not allowed: compute '${ctx.name}' has ${name} '${before[name]}'. Delete the compute and create it again (or create one under a new name).`,
        { target: name === "vmSize" ? "properties.properties.vmSize" : "properties.computeType" },
      );
    }
  }

  private validateInstance(ctx: ResourceCtx, inner: Json, location: string): void {
    const idle = inner.idleTimeBeforeShutdown;
    if (idle !== undefined && idle !== null) {
      const ms = typeof idle === "string" ? parseIsoDuration(idle) : null;
      if (ms === null || ms < 15 * 60_000 || ms > 3 * 24 * 3600_000) {
        throw new ArmError(
          400,
          "ValidationError",
          `Invalid idleTimeBeforeShutdown '${String(idle)}': it must be an ISO 8601 duration between PT15M and P3D.`,
          {
            target: "properties.properties.idleTimeBeforeShutdown",
          },
        );
      }
    }
    const assigned = asObject(asObject(inner.personalComputeInstanceSettings).assignedUser);
    if (assigned.objectId !== undefined) {
      const oid = String(assigned.objectId);
      if (!this.h.visiblePrincipal(oid)) {
        throw new ArmError(
          400,
          "ValidationError",
          `The assigned user '${oid}' does not exist in the directory '${String(assigned.tenantId ?? this.h.tenantId)}'.`,
          {
            target: "properties.properties.personalComputeInstanceSettings.assignedUser.objectId",
          },
        );
      }
    }
    const n = ctx.name.toLowerCase();
    for (const r of this.h.store.resources.values()) {
      if (r.type !== T.compute || r.key === ctx.key || r.name.toLowerCase() !== n) continue;
      if ((r.location ?? "").toLowerCase() !== location) continue;
      if (String(asObject(r.body.properties).computeType).toLowerCase() !== "computeinstance") continue;
      throw new ArmError(
        409,
        "Conflict",
        `Compute instance name '${ctx.name}' is already in use in region '${location}'. Compute instance names must be unique across all workspaces in an Azure region.`,
        {
          target: "computeName",
        },
      );
    }
  }

  private validateCluster(inner: Json): void {
    const scale = asObject(inner.scaleSettings);
    const max = scale.maxNodeCount;
    const min = scale.minNodeCount ?? 0;
    if (
      typeof max !== "number" ||
      typeof min !== "number" ||
      min < 0 ||
      max < min ||
      !Number.isInteger(max) ||
      !Number.isInteger(min)
    ) {
      throw new ArmError(
        400,
        "ValidationError",
        "scaleSettings.maxNodeCount is required and must be an integer greater than or equal to minNodeCount (>= 0).",
        {
          target: "properties.properties.scaleSettings",
        },
      );
    }
    const idle = scale.nodeIdleTimeBeforeScaleDown;
    if (idle !== undefined && (typeof idle !== "string" || parseIsoDuration(idle) === null)) {
      throw new ArmError(400, "ValidationError", `Invalid nodeIdleTimeBeforeScaleDown '${String(idle)}'.`, {
        target: "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown",
      });
    }
  }

  private putCompute(ctx: ResourceCtx): SimResponse {
    const workspace = this.h.store.get(ctx.parentKey!)!;
    if (workspace.pending) {
      throw new ArmError(
        409,
        "Conflict",
        `The workspace '${workspace.name}' is in provisioning state '${String(asObject(this.h.render(workspace).properties).provisioningState)}'. Retry when it has Succeeded.`,
      );
    }
    const body = asObject(ctx.req.body);
    const props = asObject(body.properties);
    const location =
      typeof body.location === "string" ? resourceLocation(body.location, T.compute) : (workspace.location ?? "eastus");
    this.validateCompute(ctx, props, location);
    const computeType = String(props.computeType);
    const isInstance = computeType.toLowerCase() === "computeinstance";
    const isAml = computeType.toLowerCase() === "amlcompute";
    const inner = asObject(props.properties);
    const now = isoNow(this.h.now());
    const innerFinal = isInstance
      ? this.instanceProperties(ctx, inner, location, now)
      : isAml
        ? this.clusterProperties(inner, now)
        : inner;
    const prevProps = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.compute,
      location,
      tags: this.h.tags(body),
      ...(body.identity ? { identity: body.identity } : {}),
      ...(body.sku ? { sku: body.sku } : {}),
      systemData: this.h.systemData(ctx.existing),
      properties: {
        ...props,
        provisioningState: TERMINAL_OK,
        createdOn: prevProps.createdOn ?? now,
        modifiedOn: now,
        isAttachedCompute: false,
        provisioningErrors: null,
        disableLocalAuth: props.disableLocalAuth ?? false,
        properties: innerFinal,
      },
    };
    const resource = this.h.newResource(ctx, final, location);
    const creating = !ctx.existing;
    const transientInner: Json = isInstance
      ? { state: creating ? "Creating" : "Running" }
      : isAml
        ? { allocationState: "Resizing" }
        : {};
    const op = this.h.startOperation(
      resource,
      creating ? "create" : "update",
      creating ? (isInstance ? "computeInstanceCreate" : "amlComputeCreate") : "computeUpdate",
      ctx.req,
      {
        overlay: { properties: { provisioningState: creating ? "Creating" : "Updating", properties: transientInner } },
        failedState: {
          properties: { provisioningState: "Failed", properties: isInstance ? { state: "CreateFailed" } : {} },
        },
      },
    );
    return {
      status: creating ? 201 : 200,
      body: this.h.render(resource),
      headers: {
        "Azure-AsyncOperation": this.h.opUrl(ctx.req, ctx.sub, ML, location, "computeOperationsStatus", op, "async"),
        ...this.h.retryAfter(op),
      },
    };
  }

  /** What a compute instance shows once created (defaults from the Compute/get/ComputeInstance example). */
  private instanceProperties(ctx: ResourceCtx, inner: Json, location: string, now: string): Json {
    return {
      applicationSharingPolicy: "Personal",
      computeInstanceAuthorizationType: "personal",
      sshSettings: { sshPublicAccess: "Disabled", adminUserName: "azureuser", sshPort: 50000 },
      enableNodePublicIp: true,
      ...inner,
      state: "Running",
      connectivityEndpoints: { publicIpAddress: null, privateIpAddress: `10.0.0.${this.h.nextIp()}` },
      applications: [
        {
          displayName: "Jupyter",
          endpointUri: `https://${ctx.name.toLowerCase()}.${location}.instances.azureml.ms/tree/`,
        },
        {
          displayName: "Jupyter Lab",
          endpointUri: `https://${ctx.name.toLowerCase()}.${location}.instances.azureml.ms/lab`,
        },
      ],
      createdBy: { userName: "atrium", userOrgId: this.h.tenantId, userId: randomUUID() },
      errors: [],
      lastOperation: { operationName: "Create", operationTime: now, operationStatus: "Succeeded" },
    };
  }

  /** What an AmlCompute cluster shows once created (defaults from the Compute/get/AmlCompute example). */
  private clusterProperties(inner: Json, now: string): Json {
    const scale = asObject(inner.scaleSettings);
    return {
      osType: "Linux",
      vmPriority: "Dedicated",
      remoteLoginPortPublicAccess: "NotSpecified",
      enableNodePublicIp: true,
      isolatedNetwork: false,
      ...inner,
      scaleSettings: { minNodeCount: 0, nodeIdleTimeBeforeScaleDown: "PT120S", ...scale },
      allocationState: "Steady",
      allocationStateTransitionTime: now,
      errors: null,
      currentNodeCount: Number(scale.minNodeCount ?? 0),
      targetNodeCount: Number(scale.minNodeCount ?? 0),
      nodeStateCounts: {
        idleNodeCount: 0,
        runningNodeCount: 0,
        preparingNodeCount: 0,
        unusableNodeCount: 0,
        leavingNodeCount: 0,
        preemptedNodeCount: 0,
      },
    };
  }

  private patchCompute(ctx: ResourceCtx): SimResponse {
    const r = ctx.existing!;
    const body = asObject(ctx.req.body);
    const scale = asObject(asObject(asObject(body.properties).properties).scaleSettings);
    if (Object.keys(scale).length > 0) {
      const current = asObject(asObject(asObject(r.body.properties).properties).scaleSettings);
      const merged = { ...current, ...scale };
      if (typeof merged.maxNodeCount !== "number" || Number(merged.minNodeCount ?? 0) > merged.maxNodeCount) {
        throw new ArmError(
          400,
          "ValidationError",
          "scaleSettings.maxNodeCount must be greater than or equal to minNodeCount.",
        );
      }
      r.body = deepMerge(r.body, { properties: { properties: { scaleSettings: merged } } });
    }
    if (body.tags !== undefined) r.body.tags = this.h.tags(body);
    r.updatedAt = this.h.now();
    this.h.store.put(r);
    return { status: 200, body: this.h.render(r) };
  }

  private deleteCompute(ctx: ResourceCtx): SimResponse {
    const action = ctx.req.query.underlyingresourceaction;
    if (action !== "Delete" && action !== "Detach") {
      throw new ArmError(
        400,
        "ValidationError",
        "The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach'.",
        { target: "underlyingResourceAction" },
      );
    }
    if (!ctx.existing) return { status: 204 };
    const isInstance = String(asObject(ctx.existing.body.properties).computeType).toLowerCase() === "computeinstance";
    const op = this.h.pendingOrStartDelete(
      ctx.existing,
      isInstance ? "computeInstanceDelete" : "amlComputeDelete",
      ctx.req,
    );
    const loc = ctx.existing.location ?? "eastus";
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": this.h.opUrl(ctx.req, ctx.sub, ML, loc, "computeOperationsStatus", op, "async"),
        Location: this.h.opUrl(ctx.req, ctx.sub, ML, loc, "computeOperationsStatus", op, "location"),
        ...this.h.retryAfter(op),
      },
    };
  }

  private computeAction(ctx: ResourceCtx, transient: string, final: string): SimResponse {
    const r = this.h.requireExisting(ctx);
    if (String(asObject(r.body.properties).computeType).toLowerCase() !== "computeinstance") {
      throw new ArmError(400, "BadRequest", "Start, stop and restart are only supported for compute instances.");
    }
    if (r.pending) throw new ArmError(409, "Conflict", `The compute '${r.name}' has an operation in progress.`);
    const op = this.h.startOperation(r, "action", "computeUpdate", ctx.req, {
      overlay: { properties: { properties: { state: transient } } },
      effect: { kind: "computeState", state: final },
    });
    return {
      status: 202,
      headers: {
        "Azure-AsyncOperation": this.h.opUrl(
          ctx.req,
          ctx.sub,
          ML,
          r.location ?? "eastus",
          "computeOperationsStatus",
          op,
          "async",
        ),
        ...this.h.retryAfter(op),
      },
    };
  }

  private computeIdleShutdown(ctx: ResourceCtx): SimResponse {
    const r = this.h.requireExisting(ctx);
    const idle = asObject(ctx.req.body).idleTimeBeforeShutdown;
    const ms = typeof idle === "string" ? parseIsoDuration(idle) : null;
    if (ms === null || ms < 15 * 60_000 || ms > 3 * 24 * 3600_000) {
      throw new ArmError(
        400,
        "ValidationError",
        `Invalid idleTimeBeforeShutdown '${String(idle)}': it must be an ISO 8601 duration between PT15M and P3D.`,
      );
    }
    r.body = deepMerge(r.body, { properties: { properties: { idleTimeBeforeShutdown: idle } } });
    r.updatedAt = this.h.now();
    this.h.store.put(r);
    return { status: 200 };
  }

  private computeListNodes(ctx: ResourceCtx): SimResponse {
    this.h.requireExisting(ctx);
    return { status: 200, body: { nodes: [] } };
  }
}
