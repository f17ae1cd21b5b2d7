"use client";
import { Button } from "@/components/ui/button";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-5">
      <p className="text-sm font-semibold text-red-700">Something went wrong</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">This page could not be shown</h1>
      <p className="mt-2 text-sm text-slate-700">
        Try again. If it keeps happening, send your platform team this reference: <code>{error.digest ?? "none"}</code>.
      </p>
      <Button variant="secondary" className="mt-6 self-start" onClick={reset}>
        Try again
      </Button>
    </main>
  );
}
