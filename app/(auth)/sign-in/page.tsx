import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";
import { getCurrentUser } from "@/lib/auth/session";
import { publicPage } from "@/lib/auth/page-guard";
import { personasAvailable } from "@/lib/auth/personas";
import { entraSignInAvailable } from "@/lib/auth/entra";
import { EntraSignInButton } from "@/components/auth/entra-sign-in-button";
import { signInErrorMessage } from "@/lib/auth/oidc-claims";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default publicPage(async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await getCurrentUser()) redirect("/");
  const local = await personasAvailable();
  const entra = entraSignInAvailable();
  if (local && !entra) redirect("/sign-in/local");
  const { error } = await searchParams;
  return (
    <Card className="max-w-lg">
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      {error && (
        <p role="alert" className="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-900 ring-1 ring-red-200">
          Sign-in refused: {signInErrorMessage(String(error).slice(0, 60))}. Try again, or ask your platform team if it
          keeps failing.
          <span className="mt-1 block font-mono text-xs text-red-800">Code: {String(error).slice(0, 60)}</span>
        </p>
      )}
      {entra ? (
        <div className="mt-4">
          <EntraSignInButton />
        </div>
      ) : (
        <p className="mt-3 text-sm text-slate-700">
          Sign-in with Microsoft Entra ID is not configured. Ask your platform team to set the ENTRA_* variables
          described in the README.
        </p>
      )}
      {local && (
        <Link href="/sign-in/local" className={buttonClasses("secondary", "mt-4")}>
          Sign in as a local persona
        </Link>
      )}
    </Card>
  );
});
