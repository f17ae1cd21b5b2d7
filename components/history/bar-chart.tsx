import { Table, Td, Th } from "@/components/ui/table";

export type ChartSeries = { name: string; className: string };

/**
 * A grouped bar chart in plain SVG (no chart library), always followed by the same numbers as a table:
 * the SVG is a labelled image for sighted readers, the table is what assistive technology reads.
 */
export function BarChart({
  id,
  title,
  description,
  categories,
  series,
  values,
  format,
  categoryLabel,
}: {
  id: string;
  title: string;
  description: string;
  categories: string[];
  series: ChartSeries[];
  /** values[category][series]; null means no data. */
  values: (number | null)[][];
  format: (value: number | null) => string;
  categoryLabel: string;
}) {
  const width = 720;
  const height = 220;
  const padLeft = 56;
  const padBottom = 36;
  const max = Math.max(1, ...values.flat().map((v) => v ?? 0));
  const plotW = width - padLeft - 8;
  const plotH = height - padBottom - 8;
  const group = categories.length ? plotW / categories.length : plotW;
  const bar = Math.max(2, (group * 0.8) / Math.max(1, series.length));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const labelEvery = Math.ceil(categories.length / 12);
  return (
    <figure aria-labelledby={`${id}-title`} className="rounded-lg bg-white p-4 shadow-xs ring-1 ring-slate-200">
      <figcaption id={`${id}-title`} className="text-base font-semibold text-slate-900">
        {title}
      </figcaption>
      <p id={`${id}-desc`} className="mb-2 text-sm text-slate-600">
        {description}
      </p>
      <div className="mb-2 flex flex-wrap gap-4 text-xs text-slate-700" aria-hidden>
        {series.map((s) => (
          <span key={s.name} className="inline-flex items-center gap-1.5">
            <svg width="10" height="10" className={s.className}>
              <rect width="10" height="10" fill="currentColor" />
            </svg>
            {s.name}
          </span>
        ))}
      </div>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        {ticks.map((t) => {
          const y = 8 + plotH - (t / max) * plotH;
          return (
            <g key={t}>
              <line x1={padLeft} x2={width - 8} y1={y} y2={y} className="text-slate-200" stroke="currentColor" />
              <text x={padLeft - 6} y={y + 4} textAnchor="end" className="fill-slate-600 text-[10px]">
                {format(t)}
              </text>
            </g>
          );
        })}
        {categories.map((c, ci) => (
          <g key={c}>
            {series.map((s, si) => {
              const v = values[ci]?.[si] ?? null;
              const h = v === null ? 0 : (v / max) * plotH;
              return (
                <rect
                  key={s.name}
                  x={padLeft + ci * group + group * 0.1 + si * bar}
                  y={8 + plotH - h}
                  width={bar - 1}
                  height={h}
                  className={s.className}
                  fill="currentColor"
                >
                  <title>{`${c} — ${s.name}: ${format(v)}`}</title>
                </rect>
              );
            })}
            {ci % labelEvery === 0 && (
              <text
                x={padLeft + ci * group + group / 2}
                y={height - padBottom + 16}
                textAnchor="middle"
                className="fill-slate-700 text-[10px]"
              >
                {c}
              </text>
            )}
          </g>
        ))}
      </svg>
      <details className="mt-2">
        <summary className="cursor-pointer text-sm font-medium text-slate-700 hover:text-slate-900">
          Data table: {title}
        </summary>
        <Table caption={title} className="mt-2">
          <thead className="bg-slate-50">
            <tr>
              <Th>{categoryLabel}</Th>
              {series.map((s) => (
                <Th key={s.name} className="text-right">
                  {s.name}
                </Th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {categories.map((c, ci) => (
              <tr key={c}>
                <Th scope="row" className="tracking-normal normal-case">
                  {c}
                </Th>
                {series.map((s, si) => (
                  <Td key={s.name} className="text-right tabular-nums">
                    {format(values[ci]?.[si] ?? null)}
                  </Td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      </details>
    </figure>
  );
}
