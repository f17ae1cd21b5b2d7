/**
 * Changes made "out of band", as a person would in the Azure portal: they change the estate without going through
 * the ARM API the provisioner uses (no api-version, no throttling, no operation), so a drift watch can later find
 * them. The typical drift on ML workspaces (day-2 anchors): public network access re-enabled, idle shutdown removed,
 * a cluster's minimum nodes raised above 0, role assignments added (or removed) by hand, tags removed, a resource
 * deleted. `patch` merges any properties.
 */
import { randomUUID } from "node:crypto";
import { ArmError, notFound } from "./errors";
import { asObject, deepMerge, isObject } from "./json";
import { isGuid } from "./names";
import { keyOf, parseResourceId } from "./paths";
import { T } from "./provider";
import type { Json, Store, StoredResource } from "./store";

export type OutOfBandChange =
  | { kind: "workspace.publicNetworkAccess"; resourceId: string; value: "Enabled" | "Disabled" }
  | { kind: "computeInstance.removeIdleShutdown"; resourceId: string }
  | { kind: "cluster.minNodeCount"; resourceId: string; value: number }
  | {
      kind: "roleAssignment.add";
      scope: string;
      roleDefinitionId: string;
      principalId: string;
      principalType?: string;
      name?: string;
    }
  | { kind: "patch"; resourceId: string; properties?: Json; tags?: Record<string, string> }
  | { kind: "tags.remove"; resourceId: string; tags: string[] }
  | { kind: "roleAssignment.remove"; resourceId: string }
  | { kind: "resource.delete"; resourceId: string };

export interface OutOfBandTarget {
  readonly store: Store;
  now(): number;
  render(r: StoredResource): Json;
  /** Stores a role assignment without ARM's checks (a person with Owner rights adds it in the portal). */
  addRoleAssignmentByHand(scope: string, name: string, props: Json): Json;
}

const invalid = (message: string) => new ArmError(400, "InvalidOutOfBandChange", message);

function existing(target: OutOfBandTarget, resourceId: unknown, type?: string): StoredResource {
  if (typeof resourceId !== "string") throw invalid("resourceId is required.");
  const r = target.store.get(keyOf(resourceId));
  if (!r) {
    const parsed = parseResourceId(resourceId);
    throw notFound(parsed?.type ?? "resource", parsed?.names.join("/") ?? resourceId, parsed?.resourceGroup ?? null);
  }
  if (type && r.type !== type) throw invalid(`${resourceId} is a ${r.type}, not a ${type}.`);
  return r;
}

function computeOfType(target: OutOfBandTarget, resourceId: unknown, computeType: string): StoredResource {
  const r = existing(target, resourceId, T.compute);
  if (String(asObject(r.body.properties).computeType).toLowerCase() !== computeType.toLowerCase()) {
    throw invalid(`${r.id} is not a ${computeType}.`);
  }
  return r;
}

function save(target: OutOfBandTarget, r: StoredResource, overlay: Json): Json {
  r.body = deepMerge(r.body, overlay);
  r.updatedAt = target.now();
  target.store.put(r);
  return target.render(r);
}

/** Applies one change and returns the resource as GET now shows it. Throws ArmError (400/404) when it can't apply. */
export function applyOutOfBand(target: OutOfBandTarget, change: OutOfBandChange): Json {
  target.store.settle();
  switch (change?.kind) {
    case "workspace.publicNetworkAccess": {
      if (change.value !== "Enabled" && change.value !== "Disabled")
        throw invalid("value must be Enabled or Disabled.");
      const ws = existing(target, change.resourceId, T.ws);
      return save(target, ws, { properties: { publicNetworkAccess: change.value } });
    }
    case "computeInstance.removeIdleShutdown": {
      const ci = computeOfType(target, change.resourceId, "ComputeInstance");
      const { idleTimeBeforeShutdown: _removed, ...inner } = asObject(asObject(ci.body.properties).properties);
      ci.body = { ...ci.body, properties: { ...asObject(ci.body.properties), properties: inner } };
      return save(target, ci, {});
    }
    case "cluster.minNodeCount": {
      const cc = computeOfType(target, change.resourceId, "AmlCompute");
      const scale = asObject(asObject(asObject(cc.body.properties).properties).scaleSettings);
      const max = Number(scale.maxNodeCount);
      if (!Number.isInteger(change.value) || change.value < 0 || change.value > max) {
        throw invalid(`minNodeCount must be an integer between 0 and maxNodeCount (${max}).`);
      }
      return save(target, cc, { properties: { properties: { scaleSettings: { minNodeCount: change.value } } } });
    }
    case "roleAssignment.add": {
      const name = change.name ?? randomUUID();
      if (!isGuid(name) || !isGuid(change.principalId)) throw invalid("name and principalId must be GUIDs.");
      if (typeof change.scope !== "string" || !change.scope.startsWith("/")) throw invalid("scope must be an ARM id.");
      if (typeof change.roleDefinitionId !== "string") throw invalid("roleDefinitionId is required.");
      return target.addRoleAssignmentByHand(change.scope, name, {
        roleDefinitionId: change.roleDefinitionId,
        principalId: change.principalId,
        principalType: change.principalType ?? "User",
        description: "Added by hand in the Azure portal",
      });
    }
    case "patch": {
      const r = existing(target, change.resourceId);
      if (change.properties !== undefined && !isObject(change.properties))
        throw invalid("properties must be an object.");
      const overlay: Json = { properties: change.properties ?? {} };
      if (change.tags !== undefined) overlay.tags = change.tags;
      return save(target, r, overlay);
    }
    case "tags.remove": {
      const r = existing(target, change.resourceId);
      if (!Array.isArray(change.tags) || change.tags.some((t) => typeof t !== "string"))
        throw invalid("tags must be an array of tag names.");
      const tags = { ...asObject(r.body.tags) };
      for (const t of change.tags) delete tags[t];
      r.body = { ...r.body, tags };
      return save(target, r, {});
    }
    case "roleAssignment.remove": {
      const r = existing(target, change.resourceId, T.roleAssignment);
      const shown = target.render(r);
      target.store.removeTree(r.key);
      return shown;
    }
    case "resource.delete": {
      // Deleted in the portal: gone at once with everything below it (no operation, no soft delete).
      const r = existing(target, change.resourceId);
      const shown = target.render(r);
      target.store.removeTree(r.key);
      return shown;
    }
    default:
      throw invalid(
        "kind must be one of workspace.publicNetworkAccess, computeInstance.removeIdleShutdown, cluster.minNodeCount, roleAssignment.add, roleAssignment.remove, tags.remove, resource.delete, patch.",
      );
  }
}
