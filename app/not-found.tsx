import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-5">
      <p className="text-sm font-semibold text-slate-600">404 · Not found</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">There is nothing here</h1>
      <p className="mt-2 text-sm text-slate-700">The page doesn&apos;t exist, or it isn&apos;t visible to you.</p>
      <Link href="/" className={buttonClasses("secondary", "mt-6 self-start")}>
        Back to the overview
      </Link>
    </main>
  );
}
