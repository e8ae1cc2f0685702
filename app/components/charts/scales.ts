import { scaleBand, scaleLinear } from "d3-scale";
import { area, line } from "d3-shape";

/**
 * Geometry for the server-rendered charts (d3-scale for scales and round ticks, d3-shape for
 * paths). Shapes are drawn in a fixed user space (PLOT_W × PLOT_H) that the SVG stretches to its
 * box (`preserveAspectRatio="none"`, strokes `non-scaling-stroke`); every text (ticks, labels) is
 * HTML placed by percentage over it, so it keeps the page's rem sizes (large-text mode too) and
 * stays readable on a 390 px phone. No chart code runs in the browser beyond React's hydration.
 */
export const PLOT_W = 1000;
export const PLOT_H = 240;

export interface ValueAxis {
  /** User-space y of a value (0 at the bottom). */
  y: (value: number) => number;
  /** Round tick values from 0 to the top of the axis. */
  ticks: number[];
  max: number;
}

/**
 * A value axis from 0 to a "nice" maximum at or above `max` with about `count` ticks. With
 * `integer` (counts), fractional ticks are dropped: 3 orders never get a "1.5" tick.
 */
export function valueAxis(max: number, { count = 4, integer = false, height = PLOT_H }: { count?: number; integer?: boolean; height?: number } = {}): ValueAxis {
  const top = max > 0 ? max : 1;
  const scale = scaleLinear().domain([0, top]).nice(count).range([height, 0]);
  const ticks = scale.ticks(count).filter((t) => !integer || Number.isInteger(t));
  return { y: (v) => scale(v), ticks, max: scale.domain()[1]! };
}

export interface CategoryAxis {
  /** User-space x of a category's centre. */
  center: (i: number) => number;
  /** Width of one bar. */
  bandwidth: number;
  /** Left edge of a category's bar. */
  left: (i: number) => number;
}

/** Evenly spaced categories (days or weeks) across the plot's width. */
export function categoryAxis(n: number, { gap = 0.2, width = PLOT_W }: { gap?: number; width?: number } = {}): CategoryAxis {
  const keys = Array.from({ length: n }, (_, i) => i);
  const scale = scaleBand<number>().domain(keys).range([0, width]).paddingInner(gap).paddingOuter(gap / 2);
  const bw = scale.bandwidth();
  return { bandwidth: bw, left: (i) => scale(i) ?? 0, center: (i) => (scale(i) ?? 0) + bw / 2 };
}

/**
 * Which of `n` categories get an x label: at most `max`, evenly spread, always the first and the
 * last (so the range's ends are named).
 */
export function labelIndices(n: number, max: number): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max <= 1) return [0];
  const step = (n - 1) / (max - 1);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round(k * step));
  return [...out].sort((a, b) => a - b);
}

/** The SVG path of a polyline through `values`, or null when there are none. */
export function linePath(values: readonly number[], x: CategoryAxis, y: ValueAxis): string | null {
  return line<number>()
    .x((_, i) => x.center(i))
    .y((v) => y.y(v))(values as number[]);
}

/** The SVG path of the area under `values` down to 0. */
export function areaPath(values: readonly number[], x: CategoryAxis, y: ValueAxis): string | null {
  return area<number>()
    .x((_, i) => x.center(i))
    .y0(y.y(0))
    .y1((v) => y.y(v))(values as number[]);
}

/** A 0–100 scale for horizontal bars (share of the largest value). */
export function barScale(max: number): (value: number) => number {
  const scale = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([0, 100])
    .clamp(true);
  return (v) => scale(v);
}

/** Percent of the plot (for placing HTML labels over the SVG). */
export function pct(value: number, of: number): string {
  return `${((value / of) * 100).toFixed(3)}%`;
}
