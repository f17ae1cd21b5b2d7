"use client";
import Link from "next/link";
import { Button, buttonClasses } from "@/components/ui/button";

/**
 * What a section shows when something failed while showing it (the shell and navigation stay usable): what
 * happened, what to do (try again, go back to the section's start, or report the reference), in an alert.
 */
export function SectionError({
  error,
  reset,
  section,
  href,
  backLabel = section.toLowerCase(),
  advice,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  section: string;
  href: string;
  backLabel?: string;
  advice: string;
}) {
  return (
    <section role="alert" aria-labelledby="section-error-heading" className="max-w-2xl">
      <p className="text-sm font-semibold text-red-700">Something went wrong</p>
      <h1 id="section-error-heading" className="mt-1 text-xl font-semibold text-slate-900">
        {section} could not be shown
      </h1>
      <p className="mt-2 text-sm text-slate-700">{advice}</p>
      <p className="mt-2 text-sm text-slate-700">
        If it keeps happening, send your platform team this reference: <code>{error.digest ?? "none"}</code>.
      </p>
      <div className="mt-4 flex flex-wrap gap-3">
        <Button variant="secondary" onClick={reset}>
          Try again
        </Button>
        <Link href={href} className={buttonClasses("ghost")}>
          Back to {backLabel}
        </Link>
      </div>
    </section>
  );
}
