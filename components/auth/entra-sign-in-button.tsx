import { signInWithEntraAction } from "@/lib/auth/actions";
import { buttonClasses } from "@/components/ui/button";

/** Starts sign-in with Microsoft Entra ID (a plain form: works without JavaScript). */
export function EntraSignInButton() {
  return (
    <form action={signInWithEntraAction}>
      <button type="submit" className={buttonClasses("primary", "w-full justify-center gap-2")}>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 21 21">
          <rect x="1" y="1" width="9" height="9" fill="#f25022" />
          <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
          <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
          <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
        </svg>
        Sign in with Microsoft
      </button>
    </form>
  );
}
