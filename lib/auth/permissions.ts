// The single role → permission map (the product rules, "People"). Permissions are `resource.verb`.
// Pure module: the UI uses it to hide what a person may not do; the server enforces it regardless.
export const PORTAL_ROLES = ["REQUESTER", "MLOPS", "ADMIN", "STAKEHOLDER"] as const;
export type PortalRoleName = (typeof PORTAL_ROLES)[number];

export const PERMISSIONS = [
  "request.create", // draft, submit and cancel one's own requests
  "request.read_team", // requests and workspaces of one's teams
  "request.read_all",
  "request.approve", // admin stage
  "request.approve_production", // stakeholder stage
  "request.check", // re-run a visible request's pre-approval checks (lib/checks)
  "run.read_team",
  "run.read_all",
  "run.retry",
  "run.cancel",
  "workspace.decommission",
  "workspace.change", // ask for a change of a workspace set (per set: the team's people and admins; lib/changes)
  "settings.read",
  "settings.update",
  "users.manage",
  "audit.read",
  "audit.verify",
  "history.read_all",
  "history.export",
  "cost.read",
  "simulator.view",
  "simulator.change", // change the simulated estate out of band, as a person in the Azure portal would
  "drift.scan", // scan a workspace set for drift now (per set: as workspace.change)
  "drift.read_all", // the Drift page: every open finding
  "inbox.read",
  "tokens.manage", // one's own personal access tokens for the REST API and the CLI
  "notifications.manage", // webhooks, Teams channels, delivery log and caught mail
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const requester: Permission[] = [
  "request.create",
  "request.read_team",
  "request.check",
  "workspace.change",
  "drift.scan",
  "inbox.read",
  "tokens.manage",
];

export const ROLE_PERMISSIONS: Record<PortalRoleName, readonly Permission[]> = {
  REQUESTER: requester,
  MLOPS: [...requester, "run.read_team", "run.retry", "run.cancel"],
  ADMIN: [
    "request.read_all",
    "request.approve",
    "request.check",
    "run.read_all",
    "run.retry",
    "run.cancel",
    "workspace.decommission",
    "workspace.change",
    "settings.read",
    "settings.update",
    "users.manage",
    "audit.read",
    "audit.verify",
    "history.read_all",
    "cost.read",
    "simulator.view",
    "simulator.change",
    "drift.scan",
    "drift.read_all",
    "inbox.read",
    "tokens.manage",
    "notifications.manage",
  ],
  STAKEHOLDER: [
    "request.read_all",
    "request.approve_production",
    "request.check",
    "run.read_all",
    "audit.read",
    "history.read_all",
    "history.export",
    "cost.read",
    "drift.read_all",
    "inbox.read",
    "tokens.manage",
  ],
};

export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const result = new Set<Permission>();
  for (const role of roles) {
    for (const permission of ROLE_PERMISSIONS[role as PortalRoleName] ?? []) result.add(permission);
  }
  return result;
}

export function hasPermission(roles: readonly string[], permission: Permission): boolean {
  return permissionsOf(roles).has(permission);
}

export const ROLE_LABELS: Record<PortalRoleName, string> = {
  REQUESTER: "Requester",
  MLOPS: "MLOps engineer",
  ADMIN: "Platform admin",
  STAKEHOLDER: "Stakeholder",
};
