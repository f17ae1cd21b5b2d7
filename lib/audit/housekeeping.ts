import "server-only";
// Background audit work of every long-running process (the launcher and each `npm run worker`): the sequencer that
// seals appended events (lib/audit/sequencer.ts; one process seals at a time), and a one-minute pass that closes
// denial windows into audit events and publishes the chain head as a checkpoint outside the database. Safe in
// several processes at once (windows are claimed, checkpoint files are written once), and a failed pass only logs:
// the next one catches up.
import { writeCheckpoint } from "@/lib/audit/checkpoints";
import { flushDenialWindows } from "@/lib/audit/denials";
import { sealPendingAuditEvents, startAuditSequencer } from "@/lib/audit/sequencer";

export const AUDIT_HOUSEKEEPING_MS = 60_000;

export async function auditHousekeepingPass() {
  await flushDenialWindows();
  // The checkpoint names the sealed head: seal what is pending first (waiting briefly for another sealer).
  await sealPendingAuditEvents({ waitMs: 5000 });
  return writeCheckpoint();
}

export function startAuditHousekeeping(log: (line: string) => void, intervalMs = AUDIT_HOUSEKEEPING_MS) {
  const stopSequencer = startAuditSequencer(log);
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = auditHousekeepingPass().catch((error: Error) => log(`Audit housekeeping failed: ${error.message}`));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await stopSequencer();
    await running;
  };
}
