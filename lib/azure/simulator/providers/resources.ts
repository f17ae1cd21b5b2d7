/** Microsoft.Resources: resource groups (synchronous PUT 201/200, PATCH of tags, DELETE 202 + Location removing the contents). */
import { ArmError, resourceGroupNotFound } from "../errors";
import { asObject } from "../json";
import * as names from "../names";
import { keyOf, rgId } from "../paths";
import { type ProviderHost, type SimRequest, type SimResponse, T, TERMINAL_OK } from "../provider";
import type { StoredResource } from "../store";

export class ResourceGroupsProvider {
  constructor(private readonly h: ProviderHost) {}

  async resourceGroups(req: SimRequest, sub: string, name: string | undefined): Promise<SimResponse> {
    if (name === undefined) {
      if (req.method !== "GET") throw this.h.methodNotAllowed(req);
      const value = this.h.store
        .all()
        .filter((r) => r.type === T.rg && r.subscriptionId.toLowerCase() === sub.toLowerCase())
        .map((r) => this.h.render(r));
      return { status: 200, body: { value } };
    }
    const id = rgId(sub, name);
    const key = keyOf(id);
    const existing = this.h.store.get(key);
    switch (req.method) {
      case "GET":
        if (!existing) throw resourceGroupNotFound(name);
        return { status: 200, body: this.h.render(existing), delayMs: this.h.latency.duration("read") };
      case "HEAD":
        return { status: existing ? 204 : 404 };
      case "PUT":
        return this.putResourceGroup(req, sub, name, existing);
      case "PATCH": {
        if (!existing) throw resourceGroupNotFound(name);
        const body = asObject(req.body);
        if (body.tags !== undefined) existing.body = { ...existing.body, tags: this.h.tags(body) };
        existing.updatedAt = this.h.now();
        this.h.store.put(existing);
        return { status: 200, body: this.h.render(existing) };
      }
      case "DELETE": {
        if (!existing) throw resourceGroupNotFound(name);
        let op = existing.pending ? this.h.store.operations.get(existing.pending.opId) : undefined;
        if (!op) {
          op = this.h.startOperation(existing, "delete", "resourceGroupDelete", req, {
            overlay: { properties: { provisioningState: "Deleting" } },
            effect: { kind: "remove" },
          });
        }
        return {
          status: 202,
          headers: {
            Location: `${req.baseUrl}/subscriptions/${sub}/operationresults/${op.id}?api-version=${req.query["api-version"]}`,
            ...this.h.retryAfter(op),
          },
        };
      }
      default:
        throw this.h.methodNotAllowed(req);
    }
  }

  private putResourceGroup(
    req: SimRequest,
    sub: string,
    name: string,
    existing: StoredResource | undefined,
  ): SimResponse {
    const key = keyOf(rgId(sub, name));
    const err = names.checkResourceGroupName(name);
    if (err) throw err;
    const body = asObject(req.body);
    const location = this.h.ensureLocation(body, T.rg);
    const tags = this.h.tags(body);
    if (existing?.pending) {
      throw new ArmError(
        409,
        "ResourceGroupBeingDeleted",
        `The resource group '${existing.name}' is in deprovisioning state and cannot perform this operation.`,
      );
    }
    if (existing && existing.location?.toLowerCase() !== location.toLowerCase()) {
      throw new ArmError(
        409,
        "InvalidResourceGroupLocation",
        `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
      );
    }
    const now = this.h.now();
    const rgName = existing?.name ?? name;
    const resource: StoredResource = {
      key,
      id: rgId(sub, rgName),
      type: T.rg,
      name: rgName,
      subscriptionId: sub,
      resourceGroup: rgName,
      location: existing?.location ?? location,
      body: {
        id: rgId(sub, rgName),
        name: rgName,
        type: T.rg,
        location: existing?.location ?? location,
        ...(body.managedBy ? { managedBy: body.managedBy } : {}),
        tags,
        properties: { provisioningState: TERMINAL_OK },
      },
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.h.store.put(resource);
    return {
      status: existing ? 200 : 201,
      body: resource.body,
      delayMs: this.h.latency.duration("resourceGroupWrite"),
    };
  }
}
