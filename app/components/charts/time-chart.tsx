import { areaPath, categoryAxis, labelIndices, linePath, pct, PLOT_H, PLOT_W, valueAxis } from "./scales";

/** Fill/stroke classes per series colour: theme tokens with ≥ 3:1 contrast on white and between each other. */
const COLOURS = {
  brand: { fill: "fill-brand-600", stroke: "stroke-brand-600", swatch: "bg-brand-600" },
  dark: { fill: "fill-brand-800", stroke: "stroke-brand-800", swatch: "bg-brand-800" },
  amber: { fill: "fill-amber-600", stroke: "stroke-amber-600", swatch: "bg-amber-600" },
} as const;
export type SeriesColour = keyof typeof COLOURS;

/** One decimal of the 1000-unit plot is far below a pixel; fewer digits, smaller pages. */
const round = (n: number) => Math.round(n * 10) / 10;

export interface TimeSeries {
  name: string;
  values: readonly number[];
  colour: SeriesColour;
}

/**
 * A chart over days or weeks, rendered on the server: a line with a light area (`line`), columns
 * (`bars`) or stacked columns (`stacked`). The whole figure is one image for assistive technology
 * (`role="img"` with a summary in `label`); the exact figures are in the table beneath it.
 */
export function TimeChart({
  label,
  categories,
  series,
  mode,
  formatTick,
  integer = false,
}: {
  label: string;
  /** One x label per point ("01-31", "W05"). */
  categories: readonly string[];
  series: readonly TimeSeries[];
  mode: "line" | "bars" | "stacked";
  formatTick: (value: number) => string;
  /** Counts and fen: integer ticks only. */
  integer?: boolean;
}) {
  const n = categories.length;
  // One point cannot make a line: it is drawn as a column.
  const drawAs = mode === "line" && n < 2 ? "bars" : mode;
  const totals = categories.map((_, i) => (drawAs === "stacked" ? series.reduce((s, ser) => s + (ser.values[i] ?? 0), 0) : Math.max(0, ...series.map((ser) => ser.values[i] ?? 0))));
  const y = valueAxis(Math.max(0, ...totals), { integer });
  const x = categoryAxis(n, { gap: drawAs === "line" ? 0 : n > 60 ? 0.1 : 0.25 });
  const labels = labelIndices(n, 5);
  return (
    <div role="img" aria-label={label} className="space-y-2">
      {series.length > 1 ? (
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-hidden>
          {series.map((s) => (
            <li key={s.name} className="flex items-center gap-1.5">
              <span className={`inline-block size-3 rounded-sm ${COLOURS[s.colour].swatch}`} />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="relative ml-16 h-44 sm:h-56" aria-hidden>
        <svg viewBox={`0 0 ${PLOT_W} ${PLOT_H}`} preserveAspectRatio="none" className="absolute inset-0 size-full overflow-visible" focusable="false">
          {y.ticks.map((t) => (
            <line key={t} x1={0} x2={PLOT_W} y1={y.y(t)} y2={y.y(t)} className="stroke-line" strokeWidth={1} vectorEffect="non-scaling-stroke" />
          ))}
          {drawAs === "line"
            ? series.map((s) => (
                <g key={s.name}>
                  <path d={areaPath(s.values, x, y) ?? ""} className={COLOURS[s.colour].fill} fillOpacity={0.12} />
                  <path d={linePath(s.values, x, y) ?? ""} className={COLOURS[s.colour].stroke} fill="none" strokeWidth={2.5} strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
                </g>
              ))
            : series.map((s, k) => (
                // One group per series carries the colour; its columns are bare rects (a year is 365 of them).
                <g key={s.name} className={COLOURS[s.colour].fill}>
                  {categories.map((_, i) => {
                    const v = s.values[i] ?? 0;
                    if (v <= 0) return null;
                    const bottom = drawAs === "stacked" ? series.slice(0, k).reduce((sum, below) => sum + (below.values[i] ?? 0), 0) : 0;
                    const split = drawAs === "bars" && series.length > 1;
                    const width = split ? x.bandwidth / series.length : x.bandwidth;
                    const left = split ? x.left(i) + width * k : x.left(i);
                    const top = y.y(bottom + v);
                    return <rect key={i} x={round(left)} width={round(Math.max(width, 0.5))} y={round(top)} height={round(Math.max(0, y.y(bottom) - top))} />;
                  })}
                </g>
              ))}
        </svg>
        {y.ticks.map((t) => (
          <span key={t} className="tabular absolute right-full mr-2 -translate-y-1/2 text-xs whitespace-nowrap text-muted" style={{ top: pct(y.y(t), PLOT_H) }}>
            {formatTick(t)}
          </span>
        ))}
      </div>
      <div className="relative ml-16 h-5" aria-hidden>
        {labels.map((i, k) => (
          <span
            key={i}
            className={`tabular absolute top-0 text-xs whitespace-nowrap text-muted ${k === 0 && labels.length > 1 ? "" : k === labels.length - 1 && labels.length > 1 ? "-translate-x-full" : "-translate-x-1/2"}`}
            style={{ left: pct(k === 0 && labels.length > 1 ? x.left(i) : k === labels.length - 1 && labels.length > 1 ? x.left(i) + x.bandwidth : x.center(i), PLOT_W) }}
          >
            {categories[i]}
          </span>
        ))}
      </div>
    </div>
  );
}
