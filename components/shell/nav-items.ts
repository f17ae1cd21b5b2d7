import type { Permission } from "@/lib/auth/permissions";

export type NavItem = { href: string; label: string; anyOf: Permission[] };
export type NavSection = { label: string; items: NavItem[] };

// What each person sees depends only on their permissions (lib/auth/permissions.ts).
export const NAV_SECTIONS: NavSection[] = [
  {
    label: "Workspaces",
    items: [
      { href: "/requests/new", label: "New request", anyOf: ["request.create"] },
      { href: "/requests", label: "My requests", anyOf: ["request.create"] },
      { href: "/approvals", label: "Approvals", anyOf: ["request.approve", "request.approve_production"] },
      { href: "/runs", label: "Provisioning runs", anyOf: ["run.read_team", "run.read_all"] },
      { href: "/settings/notifications", label: "Notification settings", anyOf: ["inbox.read"] },
    ],
  },
  {
    label: "Review",
    items: [
      { href: "/history", label: "History", anyOf: ["history.read_all", "request.read_team"] },
      { href: "/cost", label: "Cost", anyOf: ["cost.read"] },
      { href: "/audit", label: "Audit trail", anyOf: ["audit.read"] },
    ],
  },
  {
    label: "Administration",
    items: [
      { href: "/admin/settings", label: "Settings", anyOf: ["settings.update"] },
      { href: "/admin/people", label: "People and roles", anyOf: ["users.manage"] },
      { href: "/admin/simulator", label: "Simulated Azure", anyOf: ["simulator.view"] },
      { href: "/admin/webhooks", label: "Webhooks and Teams", anyOf: ["notifications.manage"] },
      { href: "/admin/mail", label: "Sent mail", anyOf: ["notifications.manage"] },
    ],
  },
  {
    label: "Automation",
    items: [{ href: "/tokens", label: "Tokens", anyOf: ["tokens.manage"] }],
  },
];

export function visibleSections(permissions: ReadonlySet<Permission>): NavSection[] {
  return NAV_SECTIONS.map((s) => ({
    ...s,
    items: s.items.filter((i) => i.anyOf.some((p) => permissions.has(p))),
  })).filter((s) => s.items.length > 0);
}
