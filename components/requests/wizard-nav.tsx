import Link from "next/link";
import { cn } from "@/components/ui/cn";
import { WIZARD_STEPS, type WizardStepKey } from "@/lib/requests/schemas";

/** The wizard's steps; those already reached are links (keyboard reachable), the current one is marked. */
export function WizardNav({
  current,
  draftId,
  reached,
}: {
  current: WizardStepKey;
  draftId: string | null;
  reached: number;
}) {
  return (
    <nav aria-label="Request steps" className="mb-6">
      <ol className="flex flex-wrap gap-2 text-sm">
        {WIZARD_STEPS.map((s, i) => {
          const n = i + 1;
          const isCurrent = s.key === current;
          const label = `${n}. ${s.title}`;
          const classes = cn(
            "inline-flex items-center rounded-full px-3 py-1 ring-1 ring-inset",
            isCurrent
              ? "bg-brand-600 text-white ring-brand-600"
              : n <= reached
                ? "bg-white text-slate-800 ring-slate-300 hover:bg-slate-50"
                : "bg-slate-50 text-slate-600 ring-slate-200",
          );
          return (
            <li key={s.key}>
              {!isCurrent && draftId && n <= reached ? (
                <Link href={`/requests/new?draft=${draftId}&step=${s.key}`} className={classes}>
                  {label}
                </Link>
              ) : (
                <span className={classes} aria-current={isCurrent ? "step" : undefined}>
                  {label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
