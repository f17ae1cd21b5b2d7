-- CreateEnum
CREATE TYPE "DriftSeverity" AS ENUM ('LOW', 'MEDIUM', 'HIGH');

-- CreateEnum
CREATE TYPE "DriftScanStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "drift_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "scan_interval_minutes" INTEGER NOT NULL DEFAULT 1440,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" TEXT,

    CONSTRAINT "drift_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_scans" (
    "id" UUID NOT NULL,
    "workspace_set_id" UUID NOT NULL,
    "cycle" INTEGER,
    "trigger" TEXT NOT NULL,
    "requested_by_id" TEXT,
    "status" "DriftScanStatus" NOT NULL DEFAULT 'QUEUED',
    "reads" INTEGER NOT NULL DEFAULT 0,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "closed" INTEGER NOT NULL DEFAULT 0,
    "open_findings" INTEGER NOT NULL DEFAULT 0,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "drift_scans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_findings" (
    "id" UUID NOT NULL,
    "workspace_set_id" UUID NOT NULL,
    "environment" "Environment",
    "resource_id" TEXT NOT NULL,
    "resource_kind" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "expected" JSONB,
    "actual" JSONB,
    "severity" "DriftSeverity" NOT NULL,
    "summary" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),
    "resolution_request_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "drift_findings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_read_slots" (
    "subscription_id" TEXT NOT NULL,
    "next_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "drift_read_slots_pkey" PRIMARY KEY ("subscription_id")
);

-- CreateIndex
CREATE INDEX "drift_scans_workspace_set_id_created_at_idx" ON "drift_scans"("workspace_set_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "drift_scans_workspace_set_id_cycle_key" ON "drift_scans"("workspace_set_id", "cycle");

-- CreateIndex
CREATE INDEX "drift_findings_workspace_set_id_closed_at_idx" ON "drift_findings"("workspace_set_id", "closed_at");

-- CreateIndex
CREATE INDEX "drift_findings_closed_at_severity_last_seen_at_idx" ON "drift_findings"("closed_at", "severity", "last_seen_at" DESC);

-- The one settings row: scan every set once a day until an admin says otherwise.
INSERT INTO "drift_settings" ("id", "updated_at") VALUES (1, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING;
