/**
 * Step handlers for access: custom role definitions (shared by every request in a subscription, so read before they
 * are written) and role assignments (409 RoleAssignmentExists means the same grant exists under another name: done).
 */
import "server-only";
import { type Json, MINUTE, obj, readRaw, scopeArg, type StepHandler, str } from "./context";
import { armErrorInfo } from "./errors";

const guidOf = (id: unknown) => (typeof id === "string" ? (id.split("/").pop() ?? "").toLowerCase() : null);
const norm = (s: unknown) => (typeof s === "string" ? s.replace(/^\/+/, "/").toLowerCase() : s);

export const roleDefinition: StepHandler = {
  deadlineMs: 30 * MINUTE,
  readFirst: true,
  read: (step, clients) => readRaw(() => clients.authorization.roleDefinitions.get(step.target.scope ?? "", step.name)),
  async create(step, ctx) {
    const props = obj(step.body.properties);
    const perms = (props.permissions as Json[] | undefined) ?? [];
    await ctx.clients.authorization.roleDefinitions.createOrUpdate(
      step.target.scope ?? "",
      step.name,
      {
        roleName: str(props.roleName),
        description: str(props.description),
        roleType: "CustomRole",
        permissions: perms.map((p) => ({
          actions: p.actions as string[],
          notActions: p.notActions as string[],
          dataActions: p.dataActions as string[],
          notDataActions: p.notDataActions as string[],
        })),
        assignableScopes: props.assignableScopes as string[],
      },
      { abortSignal: ctx.signal },
    );
    return "created";
  },
};

export const roleAssignment: StepHandler = {
  deadlineMs: 30 * MINUTE,
  read: (step, clients) =>
    readRaw(() => clients.authorization.roleAssignments.get(scopeArg(step.target.scope), step.name)),
  async create(step, ctx) {
    const props = obj(step.body.properties);
    try {
      await ctx.clients.authorization.roleAssignments.create(
        scopeArg(step.target.scope),
        step.name,
        {
          roleDefinitionId: str(props.roleDefinitionId) ?? "",
          principalId: str(props.principalId) ?? "",
          principalType: str(props.principalType) as "User" | undefined,
          description: str(props.description),
        },
        { abortSignal: ctx.signal },
      );
      return "created";
    } catch (err) {
      if (armErrorInfo(err).code === "RoleAssignmentExists") return "alreadyExists";
      throw err;
    }
  },
  verify(step, raw, add) {
    const want = obj(step.body.properties);
    const have = obj(raw.properties);
    add(`role assignment ${step.name} role`, guidOf(want.roleDefinitionId), guidOf(have.roleDefinitionId));
    add(
      `role assignment ${step.name} principal`,
      String(want.principalId).toLowerCase(),
      typeof have.principalId === "string" ? have.principalId.toLowerCase() : null,
    );
    add(`role assignment ${step.name} scope`, norm(step.target.scope), norm(have.scope));
  },
};
