/** Microsoft.MachineLearningServices: workspaces (202 + Location, soft delete), connections and private endpoint connections. */
import { randomUUID } from "node:crypto";
import { ArmError } from "../errors";
import { asObject, deepMerge, isoNow } from "../json";
import * as names from "../names";
import { keyOf, parseResourceId, rgId } from "../paths";
import type {
  ProviderHost,
  RemovalInfo,
  ResourceCtx,
  ResourceProvider,
  SimRequest,
  SimResponse,
  SubscriptionRoute,
  TypeHandler,
} from "../provider";
import { ML, T, TERMINAL_OK } from "../provider";
import type { Json, StoredResource } from "../store";
import { ComputeProvider } from "./ml-computes";
import { MlQuota } from "./ml-quota";

/** The dependent resources a workspace is bound to. */
const DEPENDENCIES = ["storageAccount", "keyVault", "applicationInsights", "containerRegistry"] as const;

export class MachineLearningProvider implements ResourceProvider {
  readonly types: Record<string, TypeHandler>;
  readonly quota: MlQuota;

  constructor(
    private readonly h: ProviderHost,
    quotaLimits: Record<string, number> = {},
  ) {
    this.quota = new MlQuota(h, quotaLimits);
    const computes = new ComputeProvider(h);
    this.types = {
      [T.ws.toLowerCase()]: {
        put: (c) => this.putWorkspace(c),
        patch: (c) => this.patchWorkspace(c),
        delete: (c) => this.deleteWorkspace(c),
        actions: { listkeys: (c) => this.workspaceListKeys(c) },
        reads: {
          privatelinkresources: (c) => {
            this.h.requireExisting(c);
            return { status: 200, body: this.workspacePrivateLinkResources(c) };
          },
        },
        removed: (r, info) => this.workspaceRemoved(r, info),
      },
      [T.compute.toLowerCase()]: computes.handler,
      [T.connection.toLowerCase()]: {
        put: (c) => this.putConnection(c),
        delete: (c) => this.h.deleteSync(c, "connectionWrite"),
      },
      [T.pec.toLowerCase()]: { put: (c) => this.putPeConnection(c), delete: (c) => this.deletePeConnection(c) },
    };
  }

  subscriptionRoute(req: SimRequest, sub: string, rest: string[]): SubscriptionRoute | null {
    const run = this.quota.route(req, sub, rest);
    return run ? { apiType: "microsoft.machinelearningservices/locations", run } : null;
  }

  /** A deleted workspace is kept soft-deleted (unless purged) and private endpoints to it show Disconnected. */
  private workspaceRemoved(gone: StoredResource, info: RemovalInfo): void {
    if (info.direct && !info.purge) {
      const now = this.h.now();
      this.h.store.softDeleted.set(gone.key, {
        key: gone.key,
        id: gone.id,
        name: gone.name,
        location: gone.location,
        resourceGroupKey: keyOf(rgId(gone.subscriptionId, gone.resourceGroup ?? "")),
        deletedAt: isoNow(now),
        purgeAt: isoNow(now + this.h.softDeleteMs),
        body: gone.body,
      });
    }
    for (const pe of this.h.store.all().filter((x) => x.type === T.pe)) {
      const conns = asObject(pe.body.properties).privateLinkServiceConnections as Json[] | undefined;
      for (const c of conns ?? []) {
        const props = asObject(c.properties);
        if (keyOf(String(props.privateLinkServiceId ?? "")) === gone.key) {
          props.privateLinkServiceConnectionState = {
            status: "Disconnected",
            description: "Private link resource deleted.",
            actionsRequired: "None",
          };
        }
      }
    }
  }

  /** PUT a workspace: 202 + Location (mlworkspaceOperationsStatus). Most of its length is the response body Azure
   * returns (Workspace/get.json); the checks are in validateWorkspaceInput and recoverSoftDeleted. */
  private putWorkspace(ctx: ResourceCtx): SimResponse {
    const err = names.checkWorkspaceName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.h.ensureLocation(body, ctx.type);
    this.purgeExpiredSoftDeletes();
    const recovered = ctx.existing ? undefined : this.recoverSoftDeleted(ctx, location);
    if (ctx.existing?.pending && this.h.store.operations.get(ctx.existing.pending.opId)?.action === "delete") {
      throw new ArmError(409, "Conflict", `The workspace '${ctx.name}' is being deleted.`);
    }
    const input = asObject(body.properties);

    this.validateWorkspaceInput(ctx, input);
    const mn = input.managedNetwork;

    const before = ctx.existing?.body ?? recovered;
    const prev = asObject(before?.properties);
    const prevIdentity = asObject(before?.identity);
    const identityIn = asObject(body.identity);
    const identityType = (identityIn.type as string) ?? (prevIdentity.type as string) ?? "SystemAssigned";
    const principalId = (prevIdentity.principalId as string) ?? randomUUID();
    const workspaceId = (prev.workspaceId as string) ?? randomUUID();
    const managedNetwork =
      mn !== undefined
        ? { ...asObject(prev.managedNetwork), ...asObject(mn), status: { status: "Active", sparkReady: false } }
        : (prev.managedNetwork ?? { isolationMode: "Disabled" });
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.ws,
      location,
      tags: this.h.tags(body),
      sku: body.sku ?? ctx.existing?.body.sku ?? { name: "Basic", tier: "Basic" },
      kind: body.kind ?? ctx.existing?.body.kind ?? "Default",
      identity: identityType.toLowerCase().includes("systemassigned")
        ? { ...identityIn, type: identityType, principalId, tenantId: this.h.tenantId }
        : { ...identityIn, type: identityType },
      systemData: this.h.systemData(ctx.existing),
      properties: {
        hbiWorkspace: false,
        allowPublicAccessWhenBehindVnet: false,
        v1LegacyMode: false,
        publicNetworkAccess: "Enabled",
        storageHnsEnabled: false,
        enableDataIsolation: false,
        ...prev,
        ...input,
        managedNetwork,
        provisioningState: TERMINAL_OK,
        workspaceId,
        tenantId: this.h.tenantId,
        discoveryUrl: `https://${location}.api.azureml.ms/discovery`,
        mlFlowTrackingUri: `azureml://${location}.api.azureml.ms/mlflow/v1.0/subscriptions/${ctx.sub}/resourceGroups/${ctx.rg}/providers/${ML}/workspaces/${ctx.name}`,
        serviceProvisionedResourceGroup:
          prev.serviceProvisionedResourceGroup ?? `azureml-rg-${ctx.name}_${workspaceId}`,
        privateLinkCount: prev.privateLinkCount ?? 0,
        privateEndpointConnections: prev.privateEndpointConnections ?? [],
        notebookInfo: prev.notebookInfo ?? {
          resourceId: randomUUID().replace(/-/g, ""),
          fqdn: `ml-${ctx.name.toLowerCase()}-${location}-${workspaceId}.${location}.notebooks.azure.net`,
          notebookPreparationError: null,
        },
      },
    };
    if (identityType.toLowerCase().includes("systemassigned") && !prevIdentity.principalId) {
      this.h.store.addPrincipals(
        [{ objectId: principalId, tenantId: this.h.tenantId, type: "ServicePrincipal", displayName: ctx.name }],
        this.h.principalDelayMs,
      );
    }
    const resource = this.h.newResource(ctx, final, location);
    const op = this.h.startOperation(
      resource,
      ctx.existing ? "update" : "create",
      ctx.existing ? "workspaceUpdate" : "workspaceCreate",
      ctx.req,
      {
        overlay: { properties: { provisioningState: ctx.existing ? "Updating" : "Creating" } },
        failedState: { properties: { provisioningState: "Failed" } },
      },
    );
    return {
      status: 202,
      headers: {
        Location: this.h.opUrl(ctx.req, ctx.sub, ML, location, "mlworkspaceOperationsStatus", op, "location"),
        ...this.h.retryAfter(op),
      },
    };
  }

  /**
   * A soft-deleted workspace holds its name; re-creating it with the same name, region and dependent resources
   * (storage account, key vault, App Insights, container registry) recovers it, keeping its identity and workspace id (Azure ML soft-delete docs).
   * Anything else is refused until it is recovered or purged.
   */
  private recoverSoftDeleted(ctx: ResourceCtx, location: string): Json | undefined {
    const record = this.h.store.softDeleted.get(ctx.key);
    if (!record) return undefined;
    const input = asObject(asObject(ctx.req.body).properties);
    const was = asObject(record.body?.properties);
    const same = (a: unknown, b: unknown) => String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();
    if (
      !record.body ||
      !same(record.location, location) ||
      DEPENDENCIES.some((prop) => !same(was[prop], input[prop]))
    ) {
      throw new ArmError(
        400,
        "UserError",
        `Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete`,
        { target: "workspaceName" },
      );
    }
    this.h.store.softDeleted.delete(ctx.key);
    return record.body;
  }

  /** Dependencies must exist (Azure ML does not create them; Azure ML's REST docs) and enums hold Azure's values. */
  private validateWorkspaceInput(ctx: ResourceCtx, input: Json): void {
    const missing: string[] = [];
    const refs: Array<[string, string, boolean]> = [
      ["storageAccount", T.storage, true],
      ["keyVault", T.vault, true],
      ["applicationInsights", T.appi, false],
      ["containerRegistry", "Microsoft.ContainerRegistry/registries", false],
    ];
    for (const [prop, type, required] of refs) {
      const ref = input[prop];
      if (ref === undefined || ref === null || ref === "") {
        if (required && !ctx.existing) {
          throw new ArmError(400, "ValidationError", "One or more validation errors occured.", {
            target: `The ${prop} property is required.`,
            details: [{ code: "Required", message: `The ${prop} property is required.`, target: prop }],
          });
        }
        continue;
      }
      const parsed = typeof ref === "string" ? parseResourceId(ref) : null;
      if (!parsed || parsed.type.toLowerCase() !== type.toLowerCase() || !this.h.store.get(keyOf(String(ref))))
        missing.push(String(ref));
    }
    if (missing.length > 0) {
      throw new ArmError(400, "ValidationError", "One or more validation errors occured.", {
        target: `Can not perform requested operation on nested resource. Parent resource '${missing[0]}' not found.`,
        details: [],
      });
    }
    const pna = input.publicNetworkAccess;
    if (pna !== undefined && pna !== "Enabled" && pna !== "Disabled") {
      throw new ArmError(
        400,
        "ValidationError",
        `Invalid value '${String(pna)}' for publicNetworkAccess. Allowed values: Enabled, Disabled.`,
        { target: "publicNetworkAccess" },
      );
    }
    const mn = input.managedNetwork;
    if (mn !== undefined) {
      const mode = asObject(mn).isolationMode;
      if (
        mode !== undefined &&
        !["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"].includes(String(mode))
      ) {
        throw new ArmError(
          400,
          "ValidationError",
          `Invalid value '${String(mode)}' for managedNetwork.isolationMode.`,
          { target: "managedNetwork.isolationMode" },
        );
      }
    }
  }

  private patchWorkspace(ctx: ResourceCtx): SimResponse {
    const r = ctx.existing!;
    const body = asObject(ctx.req.body);
    const input = asObject(body.properties);
    const allowed = [
      "description",
      "friendlyName",
      "imageBuildCompute",
      "publicNetworkAccess",
      "applicationInsights",
      "containerRegistry",
      "managedNetwork",
      "v1LegacyMode",
      "serviceManagedResourcesSettings",
      "primaryUserAssignedIdentity",
      "enableDataIsolation",
    ];
    const patch: Json = {};
    for (const k of allowed) if (k in input) patch[k] = input[k];
    r.body = deepMerge(r.body, { properties: patch });
    if (body.tags !== undefined) r.body.tags = this.h.tags(body);
    if (body.sku !== undefined) r.body.sku = body.sku;
    r.body.systemData = this.h.systemData(r);
    r.updatedAt = this.h.now();
    this.h.store.put(r);
    return { status: 200, body: this.h.render(r), delayMs: this.h.latency.duration("connectionWrite") };
  }

  private deleteWorkspace(ctx: ResourceCtx): SimResponse {
    const purge = (ctx.req.query.forcetopurge ?? "").toLowerCase() === "true";
    if (!ctx.existing) {
      if (purge && this.h.store.softDeleted.delete(ctx.key)) {
        this.h.store.markDirty();
        return { status: 200 };
      }
      return { status: 204 };
    }
    const op = this.h.pendingOrStartDelete(ctx.existing, "workspaceDelete", ctx.req, purge);
    return {
      status: 202,
      headers: {
        Location: this.h.opUrl(
          ctx.req,
          ctx.sub,
          ML,
          ctx.existing.location ?? "eastus",
          "mlworkspaceOperationsStatus",
          op,
          "location",
        ),
        ...this.h.retryAfter(op),
      },
    };
  }

  private workspaceListKeys(ctx: ResourceCtx): SimResponse {
    this.h.requireExisting(ctx);
    return {
      status: 200,
      body: {
        userStorageKey: "c2ltdWxhdGVk",
        userStorageResourceId: asObject(ctx.existing!.body.properties).storageAccount ?? null,
      },
    };
  }

  private workspacePrivateLinkResources(ctx: ResourceCtx): Json {
    return {
      value: [
        {
          id: `${ctx.id}/privateLinkResources/amlworkspace`,
          name: "amlworkspace",
          type: `${T.ws}/privateLinkResources`,
          location: ctx.existing!.location,
          properties: {
            groupId: "amlworkspace",
            requiredMembers: ["default"],
            requiredZoneNames: ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
          },
        },
      ],
    };
  }

  private putConnection(ctx: ResourceCtx): SimResponse {
    const err = names.checkConnectionName(ctx.name);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const props = asObject(body.properties);
    if (typeof props.authType !== "string") {
      throw new ArmError(400, "ValidationError", "The authType property is required.", {
        target: "properties.authType",
      });
    }
    if (String(props.category).toLowerCase() === "git") {
      const target = props.target;
      if (typeof target !== "string" || !/^https:\/\/\S+$/i.test(target)) {
        throw new ArmError(400, "ValidationError", "A Git connection needs an https target URL.", {
          target: "properties.target",
        });
      }
    }
    // Secrets are write-only: ARM never returns them.
    const { credentials: _credentials, value: _value, ...visible } = props;
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.connection,
      systemData: this.h.systemData(ctx.existing),
      properties: { ...visible, createdByWorkspaceArmId: ctx.parentId, isSharedToAll: props.isSharedToAll ?? false },
    };
    this.h.store.put(this.h.newResource(ctx, final, null));
    return { status: 200, body: final, delayMs: this.h.latency.duration("connectionWrite") };
  }

  private putPeConnection(ctx: ResourceCtx): SimResponse {
    const r = this.h.requireExisting(ctx);
    const state = asObject(asObject(asObject(ctx.req.body).properties).privateLinkServiceConnectionState);
    if (!["Approved", "Rejected", "Pending", "Disconnected"].includes(String(state.status))) {
      throw new ArmError(
        400,
        "ValidationError",
        "privateLinkServiceConnectionState.status must be Approved, Rejected, Pending or Disconnected.",
      );
    }
    r.body = deepMerge(r.body, { properties: { privateLinkServiceConnectionState: state } });
    this.h.store.put(r);
    syncWorkspaceConnections(this.h, this.h.store.get(ctx.parentKey!)!);
    return { status: 200, body: this.h.render(r) };
  }

  private deletePeConnection(ctx: ResourceCtx): SimResponse {
    if (!ctx.existing) return { status: 204 };
    this.h.store.removeTree(ctx.key);
    syncWorkspaceConnections(this.h, this.h.store.get(ctx.parentKey!)!);
    return { status: 200 };
  }

  private purgeExpiredSoftDeletes(): void {
    const now = this.h.now();
    for (const [k, s] of this.h.store.softDeleted) if (Date.parse(s.purgeAt) <= now) this.h.store.softDeleted.delete(k);
  }
}

/** The workspace lists its private endpoint connections (and their count) in its own properties. */
export function syncWorkspaceConnections(h: ProviderHost, ws: StoredResource): void {
  const conns = h.store.childrenOf(ws.key, T.pec).map((c) => c.body);
  ws.body = deepMerge(ws.body, { properties: { privateEndpointConnections: conns, privateLinkCount: conns.length } });
  h.store.put(ws);
}
