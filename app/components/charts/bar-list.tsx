import { barScale } from "./scales";

export interface BarItem {
  key: string;
  label: string;
  value: number;
  /** The value as shown (money, a count). */
  display: string;
  /** A second line of detail (a conversion rate), optional. */
  detail?: string;
}

/**
 * Horizontal bars, one row per item (top products, the funnel's steps): the name and the figure
 * above each bar, so long Chinese names wrap instead of squeezing the bars on a phone. The bar is
 * SVG; the texts are HTML. One image for assistive technology (`role="img"`, summary in `label`);
 * the table beneath has the exact figures.
 */
export function BarList({ label, items }: { label: string; items: readonly BarItem[] }) {
  const x = barScale(Math.max(0, ...items.map((i) => i.value)));
  return (
    <div role="img" aria-label={label}>
      <div className="space-y-3" aria-hidden>
        {items.map((item) => (
          <div key={item.key}>
            <div className="flex items-baseline justify-between gap-3 text-sm">
              <span className="min-w-0 break-words">{item.label}</span>
              <span className="tabular shrink-0 font-semibold">{item.display}</span>
            </div>
            {item.detail ? <div className="text-xs text-muted">{item.detail}</div> : null}
            <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="mt-1 block h-3 w-full" focusable="false">
              <rect x={0} y={0} width={100} height={8} rx={0} className="fill-surface" />
              <rect x={0} y={0} width={x(item.value)} height={8} className="fill-brand-600" />
            </svg>
          </div>
        ))}
      </div>
    </div>
  );
}
