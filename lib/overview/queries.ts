import "server-only";
import { db } from "@/lib/db/client";
import { can, type SessionUser } from "@/lib/auth/session";

/** The counts the overview shows, each only for people allowed to see it. */
export async function getOverview(user: SessionUser) {
  const [myOpen, awaitingAdmin, awaitingStakeholder, provisioning, activeWorkspaces] = await Promise.all([
    can(user, "request.create")
      ? db.workspaceRequest.count({
          where: {
            requesterId: user.id,
            status: { in: ["DRAFT", "SUBMITTED", "APPROVED", "STAKEHOLDER_APPROVED", "PROVISIONING", "FAILED"] },
          },
        })
      : null,
    can(user, "request.approve") ? db.workspaceRequest.count({ where: { status: "SUBMITTED" } }) : null,
    can(user, "request.approve_production")
      ? db.workspaceRequest.count({ where: { status: "APPROVED", environments: { has: "PROD" } } })
      : null,
    can(user, "run.read_all") ? db.workspaceRequest.count({ where: { status: "PROVISIONING" } }) : null,
    can(user, "request.read_all")
      ? db.workspace.count({ where: { status: "ACTIVE" } })
      : db.workspace.count({ where: { status: "ACTIVE", teamId: { in: user.teamIds } } }),
  ]);
  return { myOpen, awaitingAdmin, awaitingStakeholder, provisioning, activeWorkspaces };
}
