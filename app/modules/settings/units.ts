import { fenToYuanInput, parseYuanToFen } from "~/modules/leaders/withdrawal";

/**
 * Human units of the settings page ↔ the integers the settings store, by string manipulation only:
 * no floating point ever touches a rate or an amount (ADR 005).
 *
 * - rates: a percentage with up to 2 decimals ↔ basis points ("12.5" ↔ 1250, "0.01" ↔ 1);
 * - multipliers: "1.2" (×) ↔ percent (120), also up to 2 decimals;
 * - money: yuan with up to 2 decimals ↔ fen (the same parser as the withdrawal form);
 * - whole numbers (minutes, days) and the HH:MM cut-off.
 *
 * Inputs are NFKC-normalised first, so full-width digits and signs typed with a Chinese IME work.
 */

export { fenToYuanInput, parseYuanToFen };

/** "12", "12.3", "12.34" → 1234 hundredths; null for anything else (sign, exponent, 3 decimals, "12.", ".5", too many digits). */
function parseHundredths(input: string, maxIntegerDigits: number): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(input);
  if (!m) return null;
  const whole = m[1]!.replace(/^0+(?=\d)/, "");
  if (whole.length > maxIntegerDigits) return null;
  return Number(whole) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** Hundredths → "12.34", "12.3", "12" (trailing zeros of the decimals dropped). */
function hundredthsText(value: number): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const whole = Math.trunc(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}`;
}

/**
 * A percentage typed by a person → basis points: "10" → 1000, "12.5" → 1250, "0.05%" → 5,
 * "１２．５％" → 1250. At most 2 decimals and 5 integer digits (ranges are checked by the caller);
 * anything else is null.
 */
export function parsePercentToBp(input: string): number | null {
  const s = input.normalize("NFKC").trim().replace(/\s*%$/, "");
  return parseHundredths(s, 5);
}

/** Basis points → the percentage as typed back: 1250 → "12.5", 1000 → "10", 5 → "0.05". */
export function bpToPercentText(bp: number): string {
  return hundredthsText(bp);
}

/** A multiplier typed by a person → percent: "1.2" → 120, "×1.5" → 150, "2x" → 200. Null when not a number with up to 2 decimals. */
export function parseMultiplierToPct(input: string): number | null {
  const s = input
    .normalize("NFKC")
    .trim()
    .replace(/^[×xX]\s*/, "")
    .replace(/\s*[×xX]$/, "");
  return parseHundredths(s, 3);
}

/** Percent → the multiplier as typed back: 120 → "1.2", 100 → "1", 125 → "1.25". */
export function pctToMultiplierText(pct: number): string {
  return hundredthsText(pct);
}

/** A whole number typed by a person ("30", "３０"); null for signs, decimals or more than 9 digits. */
export function parseWholeNumber(input: string): number | null {
  const s = input.normalize("NFKC").trim();
  return /^\d{1,9}$/.test(s) ? Number(s) : null;
}

/** A time of day "H:MM" or "HH:MM" (also "HH：MM") → "HH:MM"; null when it is not a valid time. */
export function parseClock(input: string): string | null {
  const m = /^(\d{1,2}):([0-5]\d)$/.exec(input.normalize("NFKC").trim());
  if (!m || Number(m[1]) > 23) return null;
  return `${m[1]!.padStart(2, "0")}:${m[2]}`;
}
