/** Microsoft.Network: private endpoints, DNS zone groups, virtual networks, subnets, private DNS zones and links. */
import { randomUUID } from "node:crypto";
import { ArmError } from "../errors";
import { asObject } from "../json";
import * as names from "../names";
import { keyOf } from "../paths";
import type { ProviderHost, ResourceCtx, ResourceProvider, SimResponse, TypeHandler } from "../provider";
import { NET, T, TERMINAL_OK } from "../provider";
import type { Json, StoredResource } from "../store";
import { syncWorkspaceConnections } from "./machine-learning";

export class NetworkProvider implements ResourceProvider {
  readonly types: Record<string, TypeHandler>;

  constructor(private readonly h: ProviderHost) {
    const generic = (): TypeHandler => ({
      put: (c) => this.putGenericNetwork(c),
      delete: (c) => this.h.deleteAsync(c, "networkWrite", NET, "operations"),
    });
    this.types = {
      [T.pe.toLowerCase()]: {
        put: (c) => this.putPrivateEndpoint(c),
        delete: (c) => this.h.deleteAsync(c, "privateEndpointDelete", NET, "operations"),
        removed: (r) => this.disconnectPrivateEndpoint(r),
        completed: (r, effect) => {
          if (effect.kind === "connectPrivateEndpoint") this.connectPrivateEndpoint(r);
        },
      },
      [T.zoneGroup.toLowerCase()]: {
        put: (c) => this.putZoneGroup(c),
        delete: (c) => this.h.deleteAsync(c, "privateDnsZoneGroupDelete", NET, "operations"),
      },
      [T.vnet.toLowerCase()]: {
        ...generic(),
        render: (r, body) => {
          const subnets = this.h.store.childrenOf(r.key, T.subnet).map((s) => this.h.render(s));
          return { ...body, properties: { ...asObject(body.properties), subnets } };
        },
      },
      [T.subnet.toLowerCase()]: generic(),
      [T.dnsZone.toLowerCase()]: generic(),
      [T.vnetLink.toLowerCase()]: generic(),
    };
  }

  private putPrivateEndpoint(ctx: ResourceCtx): SimResponse {
    const err = names.checkNetworkName(ctx.name, 64, 2);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const location = this.h.ensureLocation(body, ctx.type);
    const props = asObject(body.properties);
    const subnetId = asObject(props.subnet).id;
    const refError = (ref: string) =>
      new ArmError(
        400,
        "InvalidResourceReference",
        `Resource ${ref} referenced by resource ${ctx.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        { details: [] },
      );
    if (typeof subnetId !== "string")
      throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request: the subnet is required.", {
        target: "properties.subnet",
      });
    const subnet = this.h.store.get(keyOf(subnetId));
    if (!subnet || subnet.type !== T.subnet) throw refError(subnetId);
    const vnet = this.h.store.get(keyOf(subnetId).replace(/\/subnets\/[^/]+$/, ""));
    if (vnet?.location && vnet.location.toLowerCase() !== location.toLowerCase()) throw refError(subnetId);
    const conns = [
      ...((props.privateLinkServiceConnections as Json[]) ?? []),
      ...((props.manualPrivateLinkServiceConnections as Json[]) ?? []),
    ];
    if (conns.length === 0) {
      throw new ArmError(
        400,
        "PrivateEndpointMustHaveOnePrivateLinkServiceConnection",
        `Private endpoint ${ctx.id} must have one private link service connection.`,
      );
    }
    const { outConns, dnsConfigs } = this.linkConnections(ctx, props, location, refError);
    const prev = ctx.existing ? asObject(ctx.existing.body.properties) : {};
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.pe,
      location,
      tags: this.h.tags(body),
      etag: `W/"${randomUUID()}"`,
      properties: {
        provisioningState: TERMINAL_OK,
        resourceGuid: prev.resourceGuid ?? randomUUID(),
        subnet: { id: subnet.id },
        privateLinkServiceConnections: outConns,
        manualPrivateLinkServiceConnections: props.manualPrivateLinkServiceConnections ?? [],
        customNetworkInterfaceName: props.customNetworkInterfaceName ?? "",
        networkInterfaces: [
          {
            id: `/subscriptions/${ctx.sub}/resourceGroups/${ctx.rg}/providers/${NET}/networkInterfaces/${ctx.name}.nic.${randomUUID()}`,
          },
        ],
        ipConfigurations: props.ipConfigurations ?? [],
        customDnsConfigs: dnsConfigs,
        isIPv6EnabledPrivateEndpoint: false,
      },
    };
    const resource = this.h.newResource(ctx, final, location);
    const op = this.h.startOperation(resource, ctx.existing ? "update" : "create", "privateEndpointCreate", ctx.req, {
      overlay: { properties: { provisioningState: "Updating" } },
      effect: { kind: "connectPrivateEndpoint" },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: ctx.existing ? 200 : 201,
      body: this.h.render(resource),
      headers: {
        "Azure-AsyncOperation": this.h.opUrl(ctx.req, ctx.sub, NET, location, "operations", op),
        ...this.h.retryAfter(op),
      },
    };
  }

  /** The private link service connections (auto-approved) and, for a workspace, the DNS names it gets. */
  private linkConnections(ctx: ResourceCtx, props: Json, location: string, refError: (ref: string) => ArmError) {
    const outConns: Json[] = [];
    const dnsConfigs: Json[] = [];
    for (const c of (props.privateLinkServiceConnections as Json[]) ?? []) {
      const cProps = asObject(c.properties);
      const target = String(cProps.privateLinkServiceId ?? "");
      const targetResource = this.h.store.get(keyOf(target));
      if (!targetResource) throw refError(target);
      const groupIds = (cProps.groupIds as string[]) ?? [];
      if (targetResource.type === T.ws && (groupIds.length !== 1 || groupIds[0].toLowerCase() !== "amlworkspace")) {
        throw new ArmError(
          400,
          "BadRequest",
          `Call to ${T.ws} failed. Error message: the group id must be 'amlworkspace' (got '${groupIds.join(",")}').`,
        );
      }
      const cName = String(c.name ?? `${ctx.name}-conn`);
      outConns.push({
        id: `${ctx.id}/privateLinkServiceConnections/${cName}`,
        name: cName,
        type: `${T.pe}/privateLinkServiceConnections`,
        etag: `W/"${randomUUID()}"`,
        properties: {
          provisioningState: TERMINAL_OK,
          privateLinkServiceId: targetResource.id,
          groupIds,
          ...(cProps.requestMessage ? { requestMessage: cProps.requestMessage } : {}),
          privateLinkServiceConnectionState: {
            status: "Approved",
            description: "Auto-Approved",
            actionsRequired: "None",
          },
        },
      });
      if (targetResource.type === T.ws) {
        const wsId = String(asObject(targetResource.body.properties).workspaceId);
        const loc = targetResource.location ?? location;
        for (const fqdn of [
          `${wsId}.workspace.${loc}.api.azureml.ms`,
          `${wsId}.workspace.${loc}.cert.api.azureml.ms`,
          `ml-${targetResource.name.toLowerCase()}-${loc}-${wsId}.${loc}.notebooks.azure.net`,
        ]) {
          dnsConfigs.push({ fqdn, ipAddresses: [`10.0.1.${this.h.nextIp()}`] });
        }
      }
    }
    return { outConns, dnsConfigs };
  }

  /** After a private endpoint succeeds, the target workspace shows the auto-approved connection. */
  private connectPrivateEndpoint(pe: StoredResource): void {
    for (const c of (asObject(pe.body.properties).privateLinkServiceConnections as Json[]) ?? []) {
      const target = this.h.store.get(keyOf(String(asObject(c.properties).privateLinkServiceId)));
      if (!target || target.type !== T.ws) continue;
      const connName = `${pe.name}.${String(asObject(pe.body.properties).resourceGuid)}`;
      const id = `${target.id}/privateEndpointConnections/${connName}`;
      const now = this.h.now();
      this.h.store.put({
        key: keyOf(id),
        id,
        type: T.pec,
        name: connName,
        subscriptionId: target.subscriptionId,
        resourceGroup: target.resourceGroup,
        location: target.location,
        body: {
          id,
          name: connName,
          type: T.pec,
          location: target.location,
          properties: {
            privateEndpoint: { id: pe.id, subnetArmId: asObject(asObject(pe.body.properties).subnet).id },
            privateLinkServiceConnectionState: {
              status: "Approved",
              description: "Auto-Approved",
              actionsRequired: "None",
            },
            provisioningState: TERMINAL_OK,
          },
        },
        createdAt: now,
        updatedAt: now,
      });
      syncWorkspaceConnections(this.h, target);
    }
  }

  private disconnectPrivateEndpoint(pe: StoredResource): void {
    const peKey = pe.key;
    for (const r of this.h.store.all()) {
      if (r.type !== T.pec) continue;
      if (keyOf(String(asObject(asObject(r.body.properties).privateEndpoint).id ?? "")) !== peKey) continue;
      const wsKey = r.key.replace(/\/privateendpointconnections\/[^/]+$/, "");
      this.h.store.removeTree(r.key);
      const ws = this.h.store.get(wsKey);
      if (ws) syncWorkspaceConnections(this.h, ws);
    }
  }

  private putZoneGroup(ctx: ResourceCtx): SimResponse {
    const err = names.checkNetworkName(ctx.name, 80, 1);
    if (err) throw err;
    const pe = this.h.store.get(ctx.parentKey!)!;
    const props = asObject(asObject(ctx.req.body).properties);
    const configs = (props.privateDnsZoneConfigs as Json[]) ?? [];
    if (configs.length === 0 || configs.length > 5) {
      throw new ArmError(
        400,
        "InvalidRequestFormat",
        "A private DNS zone group needs between 1 and 5 private DNS zone configs.",
        { target: "properties.privateDnsZoneConfigs" },
      );
    }
    const dnsConfigs = (asObject(pe.body.properties).customDnsConfigs as Json[]) ?? [];
    const outConfigs = configs.map((c) => {
      const zoneId = String(asObject(c.properties).privateDnsZoneId ?? "");
      const zone = this.h.store.get(keyOf(zoneId));
      if (!zone || zone.type !== T.dnsZone) {
        throw new ArmError(
          400,
          "InvalidResourceReference",
          `Resource ${zoneId} referenced by resource ${ctx.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
      }
      const suffix = zone.name.replace(/^privatelink\./i, "");
      const recordSets = dnsConfigs
        .filter((d) => String(d.fqdn).toLowerCase().endsWith(suffix.toLowerCase()))
        .map((d) => ({
          recordType: "A",
          recordSetName: String(d.fqdn).slice(0, -(suffix.length + 1)),
          fqdn: `${String(d.fqdn).slice(0, -(suffix.length + 1))}.${zone.name}`,
          ttl: 10,
          ipAddresses: d.ipAddresses,
          provisioningState: TERMINAL_OK,
        }));
      return {
        name: String(c.name ?? zone.name.replace(/\./g, "-")),
        properties: { privateDnsZoneId: zone.id, recordSets },
      };
    });
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: T.zoneGroup,
      etag: `W/"${randomUUID()}"`,
      properties: { provisioningState: TERMINAL_OK, privateDnsZoneConfigs: outConfigs },
    };
    const resource = this.h.newResource(ctx, final, pe.location);
    const op = this.h.startOperation(
      resource,
      ctx.existing ? "update" : "create",
      "privateDnsZoneGroupWrite",
      ctx.req,
      {
        overlay: { properties: { provisioningState: "Updating" } },
        failedState: { properties: { provisioningState: "Failed" } },
      },
    );
    return {
      status: ctx.existing ? 200 : 201,
      body: this.h.render(resource),
      headers: {
        "Azure-AsyncOperation": this.h.opUrl(ctx.req, ctx.sub, NET, pe.location ?? "global", "operations", op),
        ...this.h.retryAfter(op),
      },
    };
  }

  private putGenericNetwork(ctx: ResourceCtx): SimResponse {
    const isZone = ctx.type === T.dnsZone || ctx.type === T.vnetLink;
    const err =
      ctx.type === T.dnsZone
        ? /^[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})+$/i.test(ctx.name)
          ? null
          : names.checkNetworkName(ctx.name, 63, 1)
        : names.checkNetworkName(ctx.name, 80, 1);
    if (err) throw err;
    const body = asObject(ctx.req.body);
    const needsLocation = ctx.type === T.vnet || isZone;
    const location = needsLocation
      ? this.h.ensureLocation(body, ctx.type)
      : (this.h.store.get(ctx.parentKey ?? "")?.location ?? null);
    const { subnets: _subnets, ...props } = asObject(body.properties);
    const final: Json = {
      id: ctx.id,
      name: ctx.name,
      type: ctx.type,
      ...(location && ctx.type !== T.subnet ? { location } : {}),
      ...(body.tags !== undefined ? { tags: this.h.tags(body) } : {}),
      etag: `W/"${randomUUID()}"`,
      properties: { ...props, provisioningState: TERMINAL_OK },
    };
    const resource = this.h.newResource(ctx, final, location);
    if (ctx.type === T.vnet) {
      for (const s of (asObject(body.properties).subnets as Json[]) ?? []) {
        const sid = `${ctx.id}/subnets/${String(s.name)}`;
        this.h.store.put({
          ...this.h.newResource(
            {
              ...ctx,
              id: sid,
              key: keyOf(sid),
              type: T.subnet,
              name: String(s.name),
              existing: this.h.store.get(keyOf(sid)),
            },
            {
              id: sid,
              name: s.name,
              type: T.subnet,
              etag: `W/"${randomUUID()}"`,
              properties: { ...asObject(s.properties), provisioningState: TERMINAL_OK },
            },
            location,
          ),
        });
      }
    }
    const op = this.h.startOperation(resource, ctx.existing ? "update" : "create", "networkWrite", ctx.req, {
      overlay: { properties: { provisioningState: "Updating" } },
      failedState: { properties: { provisioningState: "Failed" } },
    });
    return {
      status: ctx.existing ? 200 : 201,
      body: this.h.render(resource),
      headers: {
        "Azure-AsyncOperation": this.h.opUrl(ctx.req, ctx.sub, NET, location ?? "global", "operations", op),
        ...this.h.retryAfter(op),
      },
    };
  }
}
