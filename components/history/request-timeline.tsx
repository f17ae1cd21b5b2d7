import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/history/format";
import { getRequestTimeline, type TimelineEntry } from "@/lib/history/timeline";

const KIND_LABELS: Record<TimelineEntry["kind"], string> = {
  audit: "Event",
  approval: "Decision",
  run: "Provisioning",
  step: "Step",
  notification: "Notification",
};

const DOT: Record<TimelineEntry["tone"], string> = {
  neutral: "bg-slate-400",
  info: "bg-sky-600",
  success: "bg-emerald-600",
  warning: "bg-amber-500",
  danger: "bg-red-600",
};

const STEP_TONE: Record<string, Tone> = {
  SUCCEEDED: "success",
  FAILED: "danger",
  RUNNING: "info",
  PENDING: "neutral",
  CANCELLED: "warning",
};

/** The ordered story of one request (pure presentation; entries come from lib/history/timeline). */
export function TimelineList({ entries, label = "Timeline" }: { entries: TimelineEntry[]; label?: string }) {
  if (entries.length === 0) return <EmptyState title="Nothing recorded yet" />;
  return (
    <ol aria-label={label} className="relative space-y-4 border-l border-slate-200 pl-6">
      {entries.map((e) => (
        <li key={e.key} className="relative">
          <span
            aria-hidden
            className={`absolute top-1.5 -left-[1.95rem] size-3 rounded-full ring-4 ring-white ${DOT[e.tone]}`}
          />
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <time dateTime={e.at.toISOString()} className="text-xs font-medium text-slate-600 tabular-nums">
              {formatDateTime(e.at)}
            </time>
            <Badge tone="neutral">{KIND_LABELS[e.kind]}</Badge>
            <p className="text-sm font-semibold text-slate-900">{e.title}</p>
            {e.actor && <p className="text-sm text-slate-700">by {e.actor}</p>}
          </div>
          {e.facts.length > 0 && (
            <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs text-slate-700">
              {e.facts.map((f) => (
                <div key={f.label} className="contents">
                  <dt className="font-medium text-slate-600">{f.label}</dt>
                  <dd className="break-all">{f.value}</dd>
                </div>
              ))}
            </dl>
          )}
          {e.children && e.children.length > 0 && (
            <ul aria-label={`Steps of ${e.title}`} className="mt-2 space-y-1 rounded-md bg-slate-50 p-2 text-xs">
              {e.children.map((c) => (
                <li key={c.key} className="flex flex-wrap items-center gap-2">
                  <Badge tone={STEP_TONE[c.status] ?? "neutral"}>{c.status.toLowerCase()}</Badge>
                  <span className="font-mono">{c.key}</span>
                  <span className="text-slate-700">{c.title}</span>
                  {c.facts.map((f) => (
                    <span key={f.label} className="text-slate-600">
                      {f.label}: {f.value}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          )}
          {e.detail && (
            <details className="mt-1 text-xs">
              <summary className="cursor-pointer text-slate-700 hover:text-slate-900">Details</summary>
              <pre tabIndex={0} className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-slate-800">
                {e.detail}
              </pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}

/**
 * A request's timeline, ready to embed in any page (e.g. the request detail page):
 * `<RequestTimeline requestId={id} />`. It authorises on its own: nothing renders for a request the
 * signed-in person may not see.
 */
export async function RequestTimeline({ requestId }: { requestId: string }) {
  const user = await requireUser();
  const entries = await getRequestTimeline(user, requestId);
  if (!entries) return null;
  return (
    <section
      aria-labelledby={`timeline-${requestId}`}
      className="rounded-lg bg-white p-5 shadow-xs ring-1 ring-slate-200"
    >
      <h2 id={`timeline-${requestId}`} className="mb-4 text-lg font-semibold text-slate-900">
        Timeline
      </h2>
      <TimelineList entries={entries} />
    </section>
  );
}
