import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The superuser URL of the embedded cluster an end-to-end portal started. Its password is generated on first start and
 * kept beside the data folder (see lib/db/embedded.ts), so it is read when a test connects, not when the config loads.
 */
export function embeddedSuperuserUrl(dataDir: string, port: number, database = "atrium"): string {
  const file = `${path.resolve(dataDir, "postgres")}.credentials.json`;
  const { superuserPassword } = JSON.parse(readFileSync(file, "utf8")) as { superuserPassword: string };
  return `postgresql://postgres:${encodeURIComponent(superuserPassword)}@127.0.0.1:${port}/${database}`;
}
