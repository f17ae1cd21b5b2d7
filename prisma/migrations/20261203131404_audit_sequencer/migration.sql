-- Audit sealing without a global lock (lib/audit/README.md). Business transactions insert events unsealed, one
-- sequencer at a time fills seq, prev_hash, hash, mac and sealed_at, once, in sealing order.

-- Existing events keep their seal, and their position in the chain is their id (the chain ran in id order until now).
ALTER TABLE "audit_events" ADD COLUMN "sealed_at" TIMESTAMPTZ(3), ADD COLUMN "seq" BIGINT;
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_no_update_delete";
UPDATE "audit_events" SET "seq" = "id";
ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_no_update_delete";
ALTER TABLE "audit_events" ALTER COLUMN "seq" SET DEFAULT nextval('audit_events_id_seq'::regclass),
  ALTER COLUMN "seq" SET NOT NULL,
  ALTER COLUMN "prev_hash" DROP NOT NULL,
  ALTER COLUMN "hash" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_prev_hash_key" ON "audit_events"("prev_hash");

-- The sequencer's work list: unsealed events only (a handful at any time, so the index stays tiny).
CREATE INDEX "audit_events_unsealed_idx" ON "audit_events"("id") WHERE "hash" IS NULL;

-- Still append-only, with one exception: an unsealed event may be sealed once. UPDATE is allowed only when the row
-- had no seal, gets a complete one, and nothing else changes. DELETE and TRUNCATE stay refused. The app role gets
-- UPDATE on the seal columns only (lib/db/roles.ts), so it cannot touch content even where this trigger would allow it.
-- The body is an escaped string (octal 073 is a semicolon): the migration runner splits scripts at semicolons.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN IF TG_OP = ''UPDATE'' THEN IF OLD.hash IS NULL AND OLD.prev_hash IS NULL AND OLD.mac IS NULL AND OLD.sealed_at IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.sealed_at IS NOT NULL AND (to_jsonb(NEW) - ARRAY[''seq'', ''prev_hash'', ''hash'', ''mac'', ''sealed_at'']) = (to_jsonb(OLD) - ARRAY[''seq'', ''prev_hash'', ''hash'', ''mac'', ''sealed_at'']) THEN RETURN NEW\073 END IF\073 IF OLD.hash IS NULL THEN RAISE EXCEPTION ''audit_events is append-only: an unsealed event may only be sealed, once, with nothing else changed'' USING ERRCODE = ''insufficient_privilege''\073 END IF\073 END IF\073 RAISE EXCEPTION ''audit_events is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';
