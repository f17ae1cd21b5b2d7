// Bringing a database up to date: the owner applies the migrations, then grants the app's role what it needs.
// Shared by the launcher, `npm run db:migrate` and the test harness, so all three leave the same privileges.
import { deployMigrations } from "@/lib/db/migrations";
import { grantAppRole, roleOf } from "@/lib/db/roles";

export type DeployResult = { applied: string[]; appRole: string | null };

/**
 * `ownerUrl` runs the migrations. When `appUrl` signs in as another role, that role gets the app's grants (and
 * nothing more); when both are the same role (a single-role setup), there is nothing to grant and `appRole` is null.
 */
export async function deployDatabase(ownerUrl: string, appUrl: string = ownerUrl): Promise<DeployResult> {
  const applied = await deployMigrations(ownerUrl);
  if (roleOf(ownerUrl) === roleOf(appUrl)) return { applied, appRole: null };
  await grantAppRole(ownerUrl, appUrl);
  return { applied, appRole: roleOf(appUrl) };
}
