/** Microsoft.Authorization: role definitions (built-in and custom) and role assignments at any scope. */
import { ArmError, notFound, resourceGroupNotFound } from "../errors";
import { PRINCIPAL_FAULTS } from "../faults";
import { asObject, isoNow } from "../json";
import * as names from "../names";
import { CANONICAL_TYPES, keyOf, parseResourceId, rgId } from "../paths";
import type { ProviderHost, SimRequest, SimResponse } from "../provider";
import { T } from "../provider";
import { BUILT_IN_BY_ID, BUILT_IN_ROLES } from "../roles";
import type { Json } from "../store";

export class AuthorizationProvider {
  constructor(private readonly h: ProviderHost) {}

  async authorization(req: SimRequest, scope: string, rest: string[]): Promise<SimResponse> {
    const kind = (rest[0] ?? "").toLowerCase();
    if (rest.length > 2) throw this.h.noRoute(req);
    if (kind === "roledefinitions") return this.roleDefinitions(req, scope, rest[1]);
    if (kind === "roleassignments") return this.roleAssignments(req, scope, rest[1]);
    throw this.h.unknownType("Microsoft.Authorization", rest[0] ?? "", req);
  }

  private scopeSubscription(scope: string): string | null {
    const m = /^\/subscriptions\/([^/]+)/i.exec(scope);
    return m ? m[1] : null;
  }

  /** Checks that the scope of a role assignment exists (subscription, resource group or a known resource). */
  private requireScope(scope: string): void {
    if (scope === "" || /^\/subscriptions\/[^/]+$/i.test(scope)) return;
    const parsed = parseResourceId(scope);
    const rgMatch = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(scope);
    if (rgMatch && !this.h.store.get(keyOf(rgId(rgMatch[1], rgMatch[2])))) throw resourceGroupNotFound(rgMatch[2]);
    if (
      parsed &&
      parsed.type !== T.rg &&
      CANONICAL_TYPES[parsed.type.toLowerCase()] &&
      !this.h.store.get(keyOf(scope))
    ) {
      throw notFound(parsed.type, parsed.names.join("/"), parsed.resourceGroup);
    }
  }

  private roleDefinitionKey(guid: string): string {
    return `/providers/microsoft.authorization/roledefinitions/${guid.toLowerCase()}`;
  }

  private renderRoleDefinition(guid: string, scope: string): Json | null {
    const sub = this.scopeSubscription(scope);
    const prefix = sub ? `/subscriptions/${sub}` : "";
    const builtIn = BUILT_IN_BY_ID.get(guid.toLowerCase());
    if (builtIn) {
      return {
        id: `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${builtIn.id}`,
        type: T.roleDefinition,
        name: builtIn.id,
        properties: {
          roleName: builtIn.roleName,
          type: "BuiltInRole",
          description: builtIn.description,
          assignableScopes: ["/"],
          permissions: [
            {
              actions: builtIn.actions,
              notActions: builtIn.notActions,
              dataActions: builtIn.dataActions ?? [],
              notDataActions: [],
            },
          ],
          createdOn: "2018-01-01T00:00:00.0000000Z",
          updatedOn: "2024-01-01T00:00:00.0000000Z",
          createdBy: null,
          updatedBy: null,
        },
      };
    }
    const custom = this.h.store.get(this.roleDefinitionKey(guid));
    return custom ? custom.body : null;
  }

  private allRoleDefinitions(scope: string): Json[] {
    const out: Json[] = BUILT_IN_ROLES.map((r) => this.renderRoleDefinition(r.id, scope)!);
    for (const r of this.h.store.resources.values()) if (r.type === T.roleDefinition) out.push(r.body);
    return out;
  }

  private roleDefinitions(req: SimRequest, scope: string, guid: string | undefined): SimResponse {
    if (guid === undefined) return this.listRoleDefinitions(req, scope);
    switch (req.method) {
      case "GET": {
        const def = this.renderRoleDefinition(guid, scope);
        if (!def)
          throw new ArmError(
            404,
            "RoleDefinitionDoesNotExist",
            `The specified role definition with ID '${guid}' does not exist.`,
          );
        return { status: 200, body: def };
      }
      case "PUT":
        return this.putRoleDefinition(req, scope, guid);
      case "DELETE":
        return this.deleteRoleDefinition(guid);
      default:
        throw this.h.methodNotAllowed(req);
    }
  }

  private listRoleDefinitions(req: SimRequest, scope: string): SimResponse {
    if (req.method !== "GET") throw this.h.methodNotAllowed(req);
    const filter = req.query.$filter ?? "";
    const byName = /roleName\s+eq\s+'([^']*)'/i.exec(filter)?.[1];
    const byType = /type\s+eq\s+'([^']*)'/i.exec(filter)?.[1];
    const lowScope = scope.toLowerCase();
    const value = this.allRoleDefinitions(scope).filter((d) => {
      const p = asObject(d.properties);
      if (byName !== undefined && String(p.roleName).toLowerCase() !== byName.toLowerCase()) return false;
      if (byType !== undefined && String(p.type).toLowerCase() !== byType.toLowerCase()) return false;
      if (lowScope === "") return true;
      return ((p.assignableScopes as string[]) ?? []).some((s) => {
        const ls = s.toLowerCase();
        return ls === "/" || lowScope.startsWith(ls) || ls.startsWith(lowScope);
      });
    });
    return { status: 200, body: { value } };
  }

  private putRoleDefinition(req: SimRequest, scope: string, guid: string): SimResponse {
    const err = names.checkRoleDefinitionName(guid);
    if (err) throw err;
    if (BUILT_IN_BY_ID.has(guid.toLowerCase()))
      throw new ArmError(400, "RoleDefinitionNotEditable", "Built-in role definitions cannot be updated.");
    const props = asObject(asObject(req.body).properties);
    const roleName = props.roleName;
    if (typeof roleName !== "string" || roleName.trim() === "") {
      throw new ArmError(
        400,
        "InvalidRoleDefinition",
        "The role definition name (roleName) must not be null or empty.",
        { target: "properties.roleName" },
      );
    }
    const scopes = props.assignableScopes;
    if (!Array.isArray(scopes) || scopes.length === 0) {
      throw new ArmError(
        400,
        "InvalidAssignableScopes",
        "The role definition must have at least one assignable scope.",
        { target: "properties.assignableScopes" },
      );
    }
    const key = this.roleDefinitionKey(guid);
    for (const d of this.allRoleDefinitions(scope)) {
      if (String(d.name).toLowerCase() === guid.toLowerCase()) continue;
      if (String(asObject(d.properties).roleName).toLowerCase() === roleName.toLowerCase()) {
        throw new ArmError(
          409,
          "RoleDefinitionWithSameNameExists",
          "A custom role with the same name already exists in this directory.",
        );
      }
    }
    const sub =
      this.scopeSubscription(scope) ??
      this.scopeSubscription(String(scopes[0])) ??
      "00000000-0000-0000-0000-000000000000";
    const existing = this.h.store.get(key);
    const now = isoNow(this.h.now());
    const permissions = ((props.permissions as Json[]) ?? [{}]).map((p) => ({
      actions: p.actions ?? [],
      notActions: p.notActions ?? [],
      dataActions: p.dataActions ?? [],
      notDataActions: p.notDataActions ?? [],
    }));
    const id = `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const body: Json = {
      id,
      type: T.roleDefinition,
      name: guid,
      properties: {
        roleName,
        type: "CustomRole",
        description: props.description ?? "",
        assignableScopes: scopes,
        permissions,
        createdOn: existing ? asObject(existing.body.properties).createdOn : now,
        updatedOn: now,
        createdBy: "atrium-simulator",
        updatedBy: "atrium-simulator",
      },
    };
    const t = this.h.now();
    this.h.store.put({
      key,
      id,
      type: T.roleDefinition,
      name: guid,
      subscriptionId: sub,
      resourceGroup: null,
      location: null,
      body,
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
    });
    // The RBAC API answers 201 for create and update alike (the spec lists only 201).
    return { status: 201, body, delayMs: this.h.latency.duration("roleDefinitionWrite") };
  }

  private deleteRoleDefinition(guid: string): SimResponse {
    const key = this.roleDefinitionKey(guid);
    const existing = this.h.store.get(key);
    if (!existing) return { status: 204 };
    for (const r of this.h.store.resources.values()) {
      if (
        r.type === T.roleAssignment &&
        this.roleGuidOf(String(asObject(r.body.properties).roleDefinitionId)) === guid.toLowerCase()
      ) {
        throw new ArmError(
          409,
          "RoleDefinitionHasAssignments",
          "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments).",
        );
      }
    }
    this.h.store.removeTree(key);
    return { status: 200, body: existing.body, delayMs: this.h.latency.duration("roleDelete") };
  }

  private roleGuidOf(roleDefinitionId: string): string {
    const m = /\/roleDefinitions\/([^/]+)$/i.exec(roleDefinitionId);
    return (m ? m[1] : roleDefinitionId).toLowerCase();
  }

  private roleAssignments(req: SimRequest, scope: string, guid: string | undefined): SimResponse {
    const normScope = scope === "" ? "/" : scope;
    if (guid === undefined) {
      if (req.method !== "GET") throw this.h.methodNotAllowed(req);
      const filter = req.query.$filter ?? "";
      const atScope = /atScope\(\)/i.test(filter);
      const principal = /(?:principalId\s+eq\s+'([^']*)'|assignedTo\('([^']*)'\))/i.exec(filter);
      const principalId = principal ? (principal[1] ?? principal[2]).toLowerCase() : null;
      const lowScope = normScope.toLowerCase();
      const value: Json[] = [];
      for (const r of this.h.store.resources.values()) {
        if (r.type !== T.roleAssignment) continue;
        const p = asObject(r.body.properties);
        const s = String(p.scope).toLowerCase();
        const above = lowScope === s || lowScope.startsWith(`${s}/`) || s === "/";
        const below = s.startsWith(`${lowScope}/`) || lowScope === "/";
        if (atScope ? !above : !(above || below)) continue;
        if (principalId && String(p.principalId).toLowerCase() !== principalId) continue;
        value.push(r.body);
      }
      return { status: 200, body: { value } };
    }
    const id = `${normScope === "/" ? "" : normScope}/providers/Microsoft.Authorization/roleAssignments/${guid}`;
    const key = keyOf(id);
    const existing = this.h.store.get(key);
    switch (req.method) {
      case "GET":
        if (!existing) throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${guid}' is not found.`);
        return { status: 200, body: existing.body };
      case "DELETE":
        if (!existing) return { status: 204 };
        this.h.store.removeTree(key);
        return { status: 200, body: existing.body, delayMs: this.h.latency.duration("roleDelete") };
      case "PUT":
        return this.putRoleAssignment(req, normScope, guid, key);
      default:
        throw this.h.methodNotAllowed(req);
    }
  }

  private putRoleAssignment(req: SimRequest, scope: string, guid: string, key: string): SimResponse {
    const nameErr = names.checkRoleAssignmentName(guid);
    if (nameErr) throw nameErr;
    const props = asObject(asObject(req.body).properties);
    const roleDefinitionId = String(props.roleDefinitionId ?? "");
    const principalId = String(props.principalId ?? "");
    const principalType = props.principalType as string | undefined;
    if (!names.isGuid(principalId)) {
      throw new ArmError(
        400,
        "InvalidPrincipalId",
        `The Principal ID '${principalId}' is not valid. Principal ID must be a GUID.`,
      );
    }
    const roleGuid = this.roleGuidOf(roleDefinitionId);
    if (
      !/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(roleDefinitionId) ||
      !this.renderRoleDefinition(roleGuid, scope)
    ) {
      throw new ArmError(
        400,
        "RoleDefinitionDoesNotExist",
        `The specified role definition with ID '${roleGuid}' does not exist.`,
      );
    }
    this.requireScope(scope);

    // Same name: identical re-PUT succeeds; anything else may not change.
    for (const r of this.h.store.resources.values()) {
      if (r.type !== T.roleAssignment || r.name.toLowerCase() !== guid.toLowerCase()) continue;
      const p = asObject(r.body.properties);
      const same =
        r.key === key &&
        String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
        this.roleGuidOf(String(p.roleDefinitionId)) === roleGuid;
      if (!same) {
        throw new ArmError(
          400,
          "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        );
      }
      return { status: 200, body: r.body, delayMs: this.h.latency.duration("roleAssignmentWrite") };
    }
    // Same principal, role and scope under another name.
    for (const r of this.h.store.resources.values()) {
      if (r.type !== T.roleAssignment) continue;
      const p = asObject(r.body.properties);
      if (
        String(p.scope).toLowerCase() === scope.toLowerCase() &&
        String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
        this.roleGuidOf(String(p.roleDefinitionId)) === roleGuid
      ) {
        throw new ArmError(
          409,
          "RoleAssignmentExists",
          `The role assignment already exists. The ID of the existing role assignment is ${r.name.replace(/-/g, "")}.`,
        );
      }
    }
    const principal = this.requirePrincipal(req, principalId, principalType);
    const body = this.storeRoleAssignment(scope, guid, {
      ...props,
      roleDefinitionId,
      principalId,
      principalType: principalType ?? principal.type ?? "User",
    });
    return { status: 201, body, delayMs: this.h.latency.duration("roleAssignmentWrite") };
  }
  /** The directory principal a role assignment names, refused as ARM does (replication delay, type mismatch). */
  private requirePrincipal(req: SimRequest, principalId: string, principalType: string | undefined) {
    const principalNotFound = () =>
      new ArmError(
        400,
        "PrincipalNotFound",
        `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${this.h.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      );
    if (this.h.faults.take(req.method, req.path, PRINCIPAL_FAULTS)) throw principalNotFound();
    const principal = this.h.store.principals.get(principalId.toLowerCase());
    if (!principal) throw principalNotFound();
    const replicated = principal.visibleAt <= this.h.now();
    if (!replicated && !principalType) throw principalNotFound();
    if (replicated && principalType && principal.type && principal.type !== principalType) {
      throw new ArmError(
        400,
        "UnmatchedPrincipalType",
        `The PrincipalId '${principalId.replace(/-/g, "")}' has type '${principal.type}' , which is different from specified PrincipalType '${principalType}'.`,
      );
    }
    return principal;
  }

  /**
   * Stores a new role assignment at `scope` (validated by the caller); also how a person adds one by hand in the
   * portal (the control endpoint's out-of-band changes).
   */
  storeRoleAssignment(scope: string, guid: string, props: Json): Json {
    const id = `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleAssignments/${guid}`;
    const key = keyOf(id);
    const now = isoNow(this.h.now());
    const body: Json = {
      id,
      type: T.roleAssignment,
      name: guid,
      properties: {
        roleDefinitionId: props.roleDefinitionId,
        principalId: props.principalId,
        principalType: props.principalType,
        scope,
        condition: props.condition ?? null,
        conditionVersion: props.conditionVersion ?? null,
        createdOn: now,
        updatedOn: now,
        createdBy: "atrium-simulator",
        updatedBy: "atrium-simulator",
        delegatedManagedIdentityResourceId: null,
        description: props.description ?? null,
      },
    };
    const parsed = parseResourceId(scope);
    const t = this.h.now();
    this.h.store.put({
      key,
      id,
      type: T.roleAssignment,
      name: guid,
      subscriptionId: this.scopeSubscription(scope) ?? "",
      resourceGroup: parsed?.resourceGroup ?? null,
      location: null,
      body,
      createdAt: t,
      updatedAt: t,
    });
    return body;
  }
}
