-- CreateEnum
CREATE TYPE "RequestKind" AS ENUM ('NEW', 'CHANGE', 'DECOMMISSION');

-- CreateEnum
CREATE TYPE "WorkspaceSetStatus" AS ENUM ('ACTIVE', 'CHANGING', 'EXPIRED', 'DECOMMISSIONING', 'SOFT_DELETED', 'PURGED');

-- AlterTable
ALTER TABLE "workspace_requests" ADD COLUMN     "base_version" INTEGER,
ADD COLUMN     "change_kinds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "kind" "RequestKind" NOT NULL DEFAULT 'NEW',
ADD COLUMN     "workspace_set_id" UUID;

-- AlterTable
ALTER TABLE "provisioning_steps" ADD COLUMN     "op" TEXT NOT NULL DEFAULT 'create';

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "workspace_set_id" UUID;

-- CreateTable
CREATE TABLE "workspace_sets" (
    "id" UUID NOT NULL,
    "origin_request_id" UUID NOT NULL,
    "scope_slug" TEXT NOT NULL,
    "team_id" UUID NOT NULL,
    "project_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "desired_state" JSONB NOT NULL,
    "status" "WorkspaceSetStatus" NOT NULL DEFAULT 'ACTIVE',
    "active_change_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspace_sets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspace_sets_origin_request_id_key" ON "workspace_sets"("origin_request_id");

-- CreateIndex
CREATE INDEX "workspace_sets_team_id_idx" ON "workspace_sets"("team_id");

-- CreateIndex
CREATE INDEX "workspace_sets_status_idx" ON "workspace_sets"("status");

-- CreateIndex
CREATE INDEX "workspace_requests_workspace_set_id_created_at_idx" ON "workspace_requests"("workspace_set_id", "created_at");

-- CreateIndex
CREATE INDEX "workspace_requests_kind_created_at_idx" ON "workspace_requests"("kind", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "workspace_requests" ADD CONSTRAINT "workspace_requests_workspace_set_id_fkey" FOREIGN KEY ("workspace_set_id") REFERENCES "workspace_sets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_workspace_set_id_fkey" FOREIGN KEY ("workspace_set_id") REFERENCES "workspace_sets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
