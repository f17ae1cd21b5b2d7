/**
 * Builders of access: role assignments at each workspace's scope (members per the role matrix,
 * portal admins everywhere) and the custom role definitions, once per subscription that needs them. Pure.
 */
import {
  CUSTOM_ROLES,
  customRoleGuid,
  customRoleName,
  isCustomRole,
  memberRoles,
  portalAdminRoles,
  roleAssignmentGuid,
  roleDefinitionId,
  roleDisplayName,
  type CustomRoleKey,
  type RoleKey,
} from "../roles";
import type { PlanEnvironment, PlanInput, PlanStep, RoleMatrixEntry } from "../types";
import { ENVIRONMENTS } from "@/lib/vocabulary";
import { API_VERSIONS, planTags, type EnvContext } from "./context";

/** subscription → the custom roles its assignments use and the environments that use them. */
export type CustomRoleUse = Map<string, { keys: Set<CustomRoleKey>; envs: Set<PlanEnvironment> }>;

export const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

function principalsOf(c: EnvContext) {
  return [
    ...c.members.map((m) => ({
      principalId: m.entraObjectId,
      principalKind: "member" as const,
      displayName: m.displayName,
      email: m.email as string | null,
      memberRole: m.role,
      roles: memberRoles(m.role, c.input.restriction, c.env),
    })),
    ...c.admins.map((a) => ({
      principalId: a.entraObjectId,
      principalKind: "portalAdmin" as const,
      displayName: a.displayName ?? a.email ?? a.userId,
      email: a.email ?? null,
      memberRole: null,
      roles: portalAdminRoles(),
    })),
  ];
}

/** Role assignments of one environment and its rows of the role matrix; records the custom roles used in `customUse`. */
export function roleAssignmentSteps(
  c: EnvContext,
  customUse: CustomRoleUse,
): { steps: PlanStep[]; matrix: RoleMatrixEntry[] } {
  const steps: PlanStep[] = [];
  const matrix: RoleMatrixEntry[] = [];
  const seen = new Set<string>();
  for (const p of principalsOf(c)) {
    const entry: RoleMatrixEntry = {
      environment: c.env,
      principalId: p.principalId,
      principalKind: p.principalKind,
      displayName: p.displayName,
      email: p.email,
      memberRole: p.memberRole,
      roles: [],
    };
    for (const role of p.roles as RoleKey[]) {
      const rdId = roleDefinitionId(c.sub, role);
      const guid = roleAssignmentGuid(c.ids.ws, p.principalId, rdId);
      const stepId = c.key(`ra/${guid}`);
      entry.roles.push({ roleName: roleDisplayName(role), roleDefinitionId: rdId, custom: isCustomRole(role), stepId });
      // One person listed twice (member and admin) with the same role gets one assignment.
      if (seen.has(guid)) continue;
      seen.add(guid);
      const deps = [c.key("workspace")];
      if (isCustomRole(role)) {
        deps.push(`roledef/${customRoleGuid(c.sub, role)}`);
        const use = customUse.get(c.sub) ?? { keys: new Set<CustomRoleKey>(), envs: new Set<PlanEnvironment>() };
        use.keys.add(role);
        use.envs.add(c.env);
        customUse.set(c.sub, use);
      }
      steps.push(
        c.step({
          id: stepId,
          kind: "roleAssignment",
          name: guid,
          resourceId: `${c.ids.ws}/providers/Microsoft.Authorization/roleAssignments/${guid}`,
          dependsOn: deps,
          target: { subscriptionId: c.sub, resourceGroup: c.names.resourceGroup, parent: null, scope: c.ids.ws },
          body: {
            properties: {
              roleDefinitionId: rdId,
              principalId: p.principalId,
              principalType: "User",
              description: `${roleDisplayName(role)} for ${p.displayName} in ${c.names.workspace} (Atrium)`,
            },
          },
        }),
      );
    }
    matrix.push(entry);
  }
  return { steps, matrix };
}

/** The custom role definitions, subscription-level steps (environment null) shared by every environment in it. */
export function roleDefinitionSteps(input: PlanInput, customUse: CustomRoleUse): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const [sub, { keys, envs }] of [...customUse.entries()].sort(byKey(([s]) => s))) {
    for (const roleKey of [...keys].sort()) {
      const def = CUSTOM_ROLES[roleKey];
      const guid = customRoleGuid(sub, roleKey);
      steps.push({
        id: `roledef/${guid}`,
        environment: null,
        kind: "roleDefinition",
        name: guid,
        resourceId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        apiVersion: API_VERSIONS.roleDefinition,
        dependsOn: [],
        tags: planTags(input, ENVIRONMENTS.filter((e) => envs.has(e)).join("+")),
        target: { subscriptionId: sub, resourceGroup: null, parent: null, scope: `/subscriptions/${sub}` },
        body: {
          properties: {
            roleName: customRoleName(sub, roleKey),
            description: def.description,
            type: "CustomRole",
            permissions: [{ actions: def.actions, notActions: def.notActions, dataActions: [], notDataActions: [] }],
            assignableScopes: [`/subscriptions/${sub}`],
          },
        },
      });
    }
  }
  return steps;
}
