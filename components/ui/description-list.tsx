import { cn } from "./cn";

/** Label/value pairs, side by side from small screens up. */
export function DescriptionList({
  rows,
  className,
}: {
  rows: ReadonlyArray<readonly [string, React.ReactNode]>;
  className?: string;
}) {
  return (
    <dl className={cn("grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]", className)}>
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-medium text-slate-600">{label}</dt>
          <dd className="text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
