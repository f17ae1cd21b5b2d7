import "server-only";
// Periodic audit chores for the launcher: close denial windows into audit events, then publish the chain head as a
// checkpoint outside the database. Safe in several processes at once (windows are claimed, checkpoint files are
// written once), and a failed pass only logs: the next one catches up.
import { writeCheckpoint } from "@/lib/audit/checkpoints";
import { flushDenialWindows } from "@/lib/audit/denials";

export const AUDIT_HOUSEKEEPING_MS = 60_000;

export async function auditHousekeepingPass() {
  await flushDenialWindows();
  return writeCheckpoint();
}

export function startAuditHousekeeping(log: (line: string) => void, intervalMs = AUDIT_HOUSEKEEPING_MS) {
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = auditHousekeepingPass().catch((error: Error) => log(`Audit housekeeping failed: ${error.message}`));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
