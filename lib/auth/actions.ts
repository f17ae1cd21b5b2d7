"use server";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { auth } from "@/lib/auth/auth";
import { personasAvailable } from "@/lib/auth/personas";
import { entraSignInAvailable } from "@/lib/auth/entra";
import { ENTRA_PROVIDER_ID } from "@/lib/auth/oidc-claims";
import { getCurrentUser } from "@/lib/auth/session";
import { recordStandaloneAuditEvent } from "@/lib/audit/record-event";
import { getCorrelationId } from "@/lib/correlation";

// Sign-in and sign-out are the only actions open to people without a session.

export async function signInAsPersonaAction(userId: string) {
  if (!(await personasAvailable())) notFound();
  if (typeof userId !== "string" || userId.length > 100) notFound();
  try {
    await auth.api.signInAsPersona({ body: { userId }, headers: await headers() });
  } catch {
    notFound();
  }
  redirect("/");
}

/** Starts Microsoft Entra ID sign-in (authorization code + PKCE + nonce); refusals come back to /sign-in?error=…. */
export async function signInWithEntraAction() {
  if (!entraSignInAvailable()) notFound();
  let url: string | undefined;
  try {
    ({ url } = await auth.api.signInSocial({
      body: { provider: ENTRA_PROVIDER_ID, callbackURL: "/" },
      headers: await headers(),
    }));
  } catch (error) {
    console.error(`[entra] sign-in could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  redirect(url ?? "/sign-in?error=entra_unavailable");
}

export async function signOutAction() {
  const user = await getCurrentUser();
  if (user) {
    await auth.api.signOut({ headers: await headers() });
    await recordStandaloneAuditEvent({
      actor: { kind: "user", id: user.id },
      action: "session.signed_out",
      entityType: "user",
      entityId: user.id,
      correlationId: await getCorrelationId(),
    });
  }
  redirect("/sign-in");
}
