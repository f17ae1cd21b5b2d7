-- CreateTable
CREATE TABLE "feasibility_checks" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "plan_hash" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "results" JSONB NOT NULL,
    "ran_by_id" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "acknowledgements" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feasibility_checks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "feasibility_checks_request_id_created_at_idx" ON "feasibility_checks"("request_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "feasibility_checks" ADD CONSTRAINT "feasibility_checks_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "workspace_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;
