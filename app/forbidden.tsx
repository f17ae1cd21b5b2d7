import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export const metadata = { title: "Not allowed" };

export default function Forbidden() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-5">
      <p className="text-sm font-semibold text-red-700">403 · Not allowed</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">You don&apos;t have access to this page</h1>
      <p className="mt-2 text-sm text-slate-700">
        Your portal roles don&apos;t include this. If you need it, ask a platform admin to grant you the role. The
        attempt has been recorded.
      </p>
      <Link href="/" className={buttonClasses("secondary", "mt-6 self-start")}>
        Back to the overview
      </Link>
    </main>
  );
}
