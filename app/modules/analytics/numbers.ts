/**
 * Integer arithmetic for the dashboards (ADR 005: no floats near money). Averages, shares and
 * changes are computed from integer fen and counts with an explicit rounding rule, in BigInt so no
 * intermediate product loses precision; only the final, small integer becomes text.
 */

function assertCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

/** `num / den` rounded half up (0.5 → 1), for non-negative integers; null when `den` is 0. */
export function divHalfUp(num: number, den: number): number | null {
  assertCount("num", num);
  assertCount("den", den);
  if (den === 0) return null;
  const d = BigInt(den);
  return Number((2n * BigInt(num) + d) / (2n * d));
}

/** `num / den` in tenths of a percent (per mille), half up: 1 of 3 → 333 (33.3%). Null when `den` is 0. */
export function ratioPermille(num: number, den: number): number | null {
  assertCount("num", num);
  assertCount("den", den);
  if (den === 0) return null;
  const d = BigInt(den);
  return Number((2000n * BigInt(num) + d) / (2n * d));
}

/**
 * The change from `previous` to `current` in tenths of a percent, rounded half away from zero
 * (+12.35% → +124‰, −12.35% → −124‰, so a rise and an equal fall read alike). Null when there is
 * nothing to compare with (`previous` is 0).
 */
export function changePermille(current: number, previous: number): number | null {
  assertCount("current", current);
  assertCount("previous", previous);
  if (previous === 0) return null;
  const diff = BigInt(current) - BigInt(previous);
  const abs = diff < 0n ? -diff : diff;
  const p = BigInt(previous);
  const rounded = (2n * abs * 1000n + p) / (2n * p);
  return Number(diff < 0n ? -rounded : rounded);
}

/** 123 → "12.3%", 1000 → "100.0%", −45 → "-4.5%". */
export function formatPermille(permille: number): string {
  if (!Number.isSafeInteger(permille)) throw new RangeError(`per mille must be an integer, got ${permille}`);
  const sign = permille < 0 ? "-" : "";
  const abs = Math.abs(permille);
  return `${sign}${Math.trunc(abs / 10)}.${abs % 10}%`;
}

/** A signed change for a KPI tile: "+12.3%", "-4.5%", "0.0%". */
export function formatChange(permille: number): string {
  return permille > 0 ? `+${formatPermille(permille)}` : formatPermille(permille);
}

/**
 * Yuan with two decimals as text, from integer fen, by string manipulation only (CSV cells):
 * 1234 → "12.34", 5 → "0.05", -250 → "-2.50".
 */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Money must be an integer number of fen, got ${fen}`);
  const digits = String(Math.abs(fen)).padStart(3, "0");
  return `${fen < 0 ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const compactFormats = new Map<string, Intl.NumberFormat>();

/**
 * A short money label for a chart axis ("¥1.2万", "¥12K"), from integer fen. Axis ticks are round
 * numbers chosen by the scale; the exact amounts are in the table beneath every chart. Whole yuan
 * go through Intl's compact notation (display only); amounts with fen keep them ("¥0.50").
 */
export function compactFen(fen: number, locale: string): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Money must be an integer number of fen, got ${fen}`);
  if (fen % 100 !== 0) return `¥${fenToYuan(fen)}`;
  const tag = locale === "en" ? "en" : "zh-CN";
  let format = compactFormats.get(tag);
  if (!format) {
    format = new Intl.NumberFormat(tag, { notation: "compact", maximumFractionDigits: 1 });
    compactFormats.set(tag, format);
  }
  return `¥${format.format(fen / 100)}`;
}

const grouping = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count for axes and tables: grouped digits, "1,234" (zh-CN and en alike). */
export function formatCount(n: number): string {
  return grouping.format(n);
}
