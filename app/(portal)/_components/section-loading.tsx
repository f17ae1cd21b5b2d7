/**
 * The fallback of a Suspense boundary inside a page: announced politely to screen readers (role="status"),
 * with placeholder bars where the data will appear.
 *
 * Pages put their Suspense boundaries below their guard and their "does it exist" lookup, never a segment
 * `loading.tsx` above them: a streamed response commits its HTTP status before the page runs, so a
 * `loading.tsx` would turn the 403 of `forbidden()` and the 404 of `notFound()` into 200s.
 */
export function SectionLoading({ label, rows = 4 }: { label: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="rounded-lg bg-white p-5 ring-1 ring-slate-200">
      <p className="text-sm text-slate-600">{label}</p>
      <div aria-hidden className="mt-3 space-y-2">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="h-4 animate-pulse rounded bg-slate-100 motion-reduce:animate-none" />
        ))}
      </div>
    </div>
  );
}
