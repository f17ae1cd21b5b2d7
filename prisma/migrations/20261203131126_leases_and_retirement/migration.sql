-- CreateEnum
CREATE TYPE "LeaseStatus" AS ENUM ('ACTIVE', 'EXPIRING', 'EXPIRED', 'DECOMMISSIONING', 'ENDED');

-- CreateTable
CREATE TABLE "lease_policies" (
    "environment" "Environment" NOT NULL,
    "leased" BOOLEAN NOT NULL DEFAULT true,
    "default_ttl_days" INTEGER NOT NULL,
    "max_ttl_days" INTEGER NOT NULL,
    "reminder_offsets_minutes" INTEGER[],
    "grace_days" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" TEXT,

    CONSTRAINT "lease_policies_pkey" PRIMARY KEY ("environment")
);

-- CreateTable
CREATE TABLE "leases" (
    "id" UUID NOT NULL,
    "workspace_set_id" UUID NOT NULL,
    "status" "LeaseStatus" NOT NULL DEFAULT 'ACTIVE',
    "version" INTEGER NOT NULL DEFAULT 1,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_at" TIMESTAMPTZ(3),
    "stopped_at" TIMESTAMPTZ(3),
    "decommission_after" TIMESTAMPTZ(3),
    "decommission_request_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lease_reminders" (
    "lease_id" UUID NOT NULL,
    "offset_minutes" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lease_reminders_pkey" PRIMARY KEY ("lease_id","offset_minutes","expires_at")
);

-- CreateTable
CREATE TABLE "lease_extensions" (
    "request_id" UUID NOT NULL,
    "lease_id" UUID NOT NULL,
    "requested_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by_id" TEXT NOT NULL,
    "applied_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lease_extensions_pkey" PRIMARY KEY ("request_id")
);

-- CreateTable
CREATE TABLE "retirement_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "retention_days" INTEGER NOT NULL DEFAULT 14,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" TEXT,

    CONSTRAINT "retirement_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "set_retirements" (
    "workspace_set_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "decommission_request_id" UUID NOT NULL,
    "soft_deleted_at" TIMESTAMPTZ(3),
    "soft_deleted_until" TIMESTAMPTZ(3),
    "purge_at" TIMESTAMPTZ(3),
    "purge_requested_by_id" TEXT,
    "purge_requested_at" TIMESTAMPTZ(3),
    "purge_approved_by_id" TEXT,
    "purge_claimed_at" TIMESTAMPTZ(3),
    "purged_at" TIMESTAMPTZ(3),
    "recovered_at" TIMESTAMPTZ(3),
    "recovered_by_id" TEXT,
    "recovery_request_id" UUID,
    "deleted_resources" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "set_retirements_pkey" PRIMARY KEY ("workspace_set_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "leases_workspace_set_id_key" ON "leases"("workspace_set_id");

-- CreateIndex
CREATE INDEX "leases_status_expires_at_idx" ON "leases"("status", "expires_at");

-- CreateIndex
CREATE INDEX "lease_extensions_lease_id_applied_at_idx" ON "lease_extensions"("lease_id", "applied_at");

-- CreateIndex
CREATE INDEX "set_retirements_purge_at_idx" ON "set_retirements"("purge_at");

-- AddForeignKey
ALTER TABLE "lease_reminders" ADD CONSTRAINT "lease_reminders_lease_id_fkey" FOREIGN KEY ("lease_id") REFERENCES "leases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lease_extensions" ADD CONSTRAINT "lease_extensions_lease_id_fkey" FOREIGN KEY ("lease_id") REFERENCES "leases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Defaults from DOMAIN.md "Day 2": reminders 7 days, 1 day and 2 hours before, and production has no lease.
INSERT INTO "lease_policies" ("environment", "leased", "default_ttl_days", "max_ttl_days", "reminder_offsets_minutes", "grace_days", "updated_at") VALUES
  ('DEV', true, 30, 90, ARRAY[10080, 1440, 120], 7, CURRENT_TIMESTAMP),
  ('TEST', true, 60, 180, ARRAY[10080, 1440, 120], 7, CURRENT_TIMESTAMP),
  ('PROD', false, 0, 0, ARRAY[]::INTEGER[], 0, CURRENT_TIMESTAMP);
INSERT INTO "retirement_settings" ("id", "retention_days", "updated_at") VALUES (1, 14, CURRENT_TIMESTAMP);
