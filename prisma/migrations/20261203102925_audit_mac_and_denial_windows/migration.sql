-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "mac" TEXT;

-- CreateTable
CREATE TABLE "audit_denial_windows" (
    "source" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "last_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "entities" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "flushed_at" TIMESTAMPTZ(3),

    CONSTRAINT "audit_denial_windows_pkey" PRIMARY KEY ("source","permission","window_start")
);

-- CreateIndex
CREATE INDEX "audit_denial_windows_flushed_at_window_start_idx" ON "audit_denial_windows"("flushed_at", "window_start");
