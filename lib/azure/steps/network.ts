/** Step handlers for private networking: the workspace's private endpoint and its private DNS zone group. */
import "server-only";
import type { PlanStep } from "@/lib/plan/types";
import { type Json, MINUTE, obj, readRaw, runLro2, type StepHandler, str } from "./context";

const rgOf = (step: PlanStep) => step.target.resourceGroup ?? "";

export const privateEndpoint: StepHandler = {
  deadlineMs: 60 * MINUTE,
  read: (step, clients) => readRaw(() => clients.network.privateEndpoints.get(rgOf(step), step.name)),
  create(step, ctx) {
    const props = obj(step.body.properties);
    const conns = (props.privateLinkServiceConnections as Json[] | undefined) ?? [];
    const params = {
      location: str(step.body.location) ?? "",
      tags: obj(step.body.tags) as Record<string, string>,
      subnet: { id: str(obj(props.subnet).id) },
      privateLinkServiceConnections: conns.map((c) => ({
        name: str(c.name),
        privateLinkServiceId: str(obj(c.properties).privateLinkServiceId),
        groupIds: obj(c.properties).groupIds as string[],
      })),
    };
    return runLro2(ctx, (o) =>
      ctx.clients.network.privateEndpoints.beginCreateOrUpdate(rgOf(step), step.name, params, o),
    );
  },
};

export const privateDnsZoneGroup: StepHandler = {
  // A zone group is part of its private endpoint in azurerm, which gives the endpoint 60 min.
  deadlineMs: 60 * MINUTE,
  read: (step, clients) =>
    readRaw(() => clients.network.privateDnsZoneGroups.get(rgOf(step), step.target.parent ?? "", step.name)),
  create(step, ctx) {
    const configs = (obj(step.body.properties).privateDnsZoneConfigs as Json[] | undefined) ?? [];
    const params = {
      privateDnsZoneConfigs: configs.map((c) => ({
        name: str(c.name),
        privateDnsZoneId: str(obj(c.properties).privateDnsZoneId),
      })),
    };
    return runLro2(ctx, (o) =>
      ctx.clients.network.privateDnsZoneGroups.beginCreateOrUpdate(
        rgOf(step),
        step.target.parent ?? "",
        step.name,
        params,
        o,
      ),
    );
  },
};
