import "server-only";

/** Whether Microsoft Entra ID sign-in is configured (the Entra issue fills this in). */
export function entraSignInAvailable(): boolean {
  return false;
}
