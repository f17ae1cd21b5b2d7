-- Stakeholder history (issue 7): indexes that keep the history list, the timelines and the exports fast at
-- 100,000 requests and 1,000,000 audit events. History lists only requests that were ever submitted
-- (submitted_at IS NOT NULL), sorted by (submitted_at, id) with keyset pagination, so each filter the
-- page offers has a partial index that returns rows already in that order.
-- The snapshot beside this file is unchanged: these indexes are raw SQL (partial indexes) that the
-- Prisma schema does not model.

CREATE INDEX IF NOT EXISTS "history_requests_submitted_idx" ON "workspace_requests" ("submitted_at", "id") WHERE "submitted_at" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "history_requests_team_submitted_idx" ON "workspace_requests" ("team_id", "submitted_at", "id") WHERE "submitted_at" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "history_requests_project_submitted_idx" ON "workspace_requests" ("project_id", "submitted_at", "id") WHERE "submitted_at" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "history_requests_requester_submitted_idx" ON "workspace_requests" ("requester_id", "submitted_at", "id") WHERE "submitted_at" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "history_requests_status_submitted_idx" ON "workspace_requests" ("status", "submitted_at", "id") WHERE "submitted_at" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "history_requests_environments_idx" ON "workspace_requests" USING GIN ("environments") WHERE "submitted_at" IS NOT NULL;

-- Timelines: notifications and workspaces of one request.
CREATE INDEX IF NOT EXISTS "notifications_request_id_created_at_idx" ON "notifications" ("request_id", "created_at");
CREATE INDEX IF NOT EXISTS "workspaces_request_id_idx" ON "workspaces" ("request_id");
-- Provisioning runs of one request are found through provisioning_runs_request_id_attempt_key,
-- steps through their primary key (request_id, step_key), approvals through approvals_request_id_created_at_idx,
-- audit events through audit_events_request_id_id_idx and the audit export through audit_events_occurred_at_id_idx.
