// `npm run audit:verify`: walks the whole audit hash chain, recomputes every event's hash and keyed MAC, and checks
// the chain against the checkpoints published outside the database (lib/audit/README.md).
// Exit 0 when intact; 1 naming the first broken event; 2 when the database can't be read.
// Reads DATABASE_URL, or the embedded PostgreSQL of `npm start` (which must be running, or is started here).
import "dotenv/config";

async function connect(): Promise<() => Promise<void>> {
  const { connectCliDatabase } = await import("../lib/db/cli-database");
  return (await connectCliDatabase()).stop;
}

async function main() {
  let stop: () => Promise<void> = async () => undefined;
  try {
    stop = await connect();
  } catch (error) {
    console.error(`Cannot reach the database: ${(error as Error).message}`);
    process.exit(2);
  }
  const { db } = await import("../lib/db/client");
  try {
    const { verifyAuditChain } = await import("../lib/audit/verify");
    const started = performance.now();
    const result = await verifyAuditChain();
    const ms = Math.round(performance.now() - started);
    if (result.intact) {
      console.log(
        `Audit chain intact: ${result.events} events verified in ${ms} ms (${result.keyed} keyed, ${result.checkpoints} checkpoints).`,
      );
      process.exitCode = 0;
    } else {
      const event = /^\d+$/.test(result.brokenAt)
        ? await db.auditEvent.findUnique({
            where: { id: BigInt(result.brokenAt) },
            select: { action: true, occurredAt: true, actorLabel: true },
          })
        : null;
      console.error(
        `Audit chain BROKEN at event #${result.brokenAt}${event ? ` (${event.action} by ${event.actorLabel} at ${event.occurredAt.toISOString()})` : ""}: ${result.reason}. ${result.events - 1} events before it verified.`,
      );
      process.exitCode = 1;
    }
  } catch (error) {
    console.error(`Cannot verify the audit chain: ${(error as Error).message}`);
    process.exitCode = 2;
  } finally {
    await db.$disconnect().catch(() => undefined);
    await stop();
  }
}

void main();
