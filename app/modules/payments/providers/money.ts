/**
 * Yuan strings as the providers write them ("12.34") ↔ integer fen (ADR 005), by string
 * manipulation only: no floating point ever touches an amount.
 */

/** 1234 → "12.34", 5 → "0.05", 0 → "0.00". Throws RangeError unless `fen` is a non-negative safe integer. */
export function fenToYuanString(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) {
    throw new RangeError(`Amount must be a non-negative integer number of fen, got ${fen}`);
  }
  const digits = String(fen).padStart(3, "0");
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * "12.34" → 1234, "12.3" → 1230, "12" → 1200, "0.01" → 1. Returns null for anything else:
 * more than two decimals ("12.345"), signs ("-1", "+1"), exponents ("1e3"), whitespace
 * (" 12.34"), a bare or trailing point (".5", "12."), leading zeros ("012.34"), separators
 * ("1,000.00"), or a value beyond Number.MAX_SAFE_INTEGER fen.
 * Alipay always sends exactly two decimals; we accept 0–2 because "12.3" is unambiguous.
 */
export function yuanStringToFen(text: string): number | null {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!match) return null;
  const yuan = match[1]!;
  const cents = (match[2] ?? "").padEnd(2, "0");
  const fen = Number(yuan + cents);
  // Number() of a digit string is exact while the result is a safe integer.
  return Number.isSafeInteger(fen) ? fen : null;
}
