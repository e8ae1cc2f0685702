/**
 * Refund amounts for after-sales decisions (pure; ADR 005: integer fen, exact arithmetic).
 *
 * A line's payable (after its share of the order's discounts) is what the shopper paid for it.
 * Refunding `n` of its `Q` units refunds the cumulative share `round_half_up(payable × n / Q)`
 * minus what is already committed on the line, so successive partial refunds of one line add up
 * to exactly its payable when every unit has been refunded, and never to more.
 *
 * "Committed" is the line's `refunded_qty` / `refunded_fen`, which count a refund from the moment
 * it is approved (as the fulfilment module's shortage refunds do), so two refunds can never take
 * the same units.
 */

/** One order line as the refund calculation sees it. */
export interface RefundableLine {
  id: string;
  quantity: number;
  payableFen: number;
  /** Units already refunded or held by an open refund. */
  committedQty: number;
  /** Fen already refunded or held by an open refund. */
  committedFen: number;
}

/** The JSON stored in `refunds.lines`. */
export interface RefundLinePart {
  lineId: string;
  quantity: number;
  amountFen: number;
}

/** `payable × n / Q`, rounded half up, exactly (BigInt); `n = Q` gives `payable`. */
export function cumulativeShare(payableFen: number, quantity: number, units: number): number {
  if (quantity <= 0) return 0;
  const n = Math.min(Math.max(units, 0), quantity);
  if (n === quantity) return payableFen;
  const q = BigInt(quantity);
  return Number((BigInt(payableFen) * BigInt(n) * 2n + q) / (2n * q));
}

export function remainingQty(line: RefundableLine): number {
  return Math.max(0, line.quantity - line.committedQty);
}

export function remainingFen(line: RefundableLine): number {
  return Math.max(0, line.payableFen - line.committedFen);
}

/** The amount for refunding `units` more of a line: never negative, never more than what is left on it. */
export function lineRefundAmount(line: RefundableLine, units: number): number {
  const n = Math.min(Math.max(0, Math.trunc(units)), remainingQty(line));
  if (n === 0) return 0;
  if (line.committedQty + n >= line.quantity) return remainingFen(line);
  const amount = cumulativeShare(line.payableFen, line.quantity, line.committedQty + n) - line.committedFen;
  return Math.min(Math.max(0, amount), remainingFen(line));
}

export type RefundPlanError = "nothing_selected" | "quantity_too_large" | "unknown_line" | "nothing_to_refund" | "exceeds_order";

/**
 * The refund parts for the chosen quantities (zero quantities are left out). `orderRemainingFen`
 * is what the order can still give back (paid − refunded − held by open refunds): the total never
 * exceeds it.
 */
export function planRefund(
  lines: readonly RefundableLine[],
  chosen: ReadonlyArray<{ lineId: string; quantity: number }>,
  orderRemainingFen: number,
): { ok: true; parts: RefundLinePart[]; amountFen: number } | { ok: false; error: RefundPlanError; lineId?: string } {
  const parts: RefundLinePart[] = [];
  const seen = new Set<string>();
  for (const c of chosen) {
    const line = lines.find((l) => l.id === c.lineId);
    if (!line || seen.has(c.lineId)) return { ok: false, error: "unknown_line", lineId: c.lineId };
    seen.add(c.lineId);
    if (!Number.isSafeInteger(c.quantity) || c.quantity < 0) return { ok: false, error: "quantity_too_large", lineId: c.lineId };
    if (c.quantity === 0) continue;
    if (c.quantity > remainingQty(line)) return { ok: false, error: "quantity_too_large", lineId: c.lineId };
    parts.push({ lineId: line.id, quantity: c.quantity, amountFen: lineRefundAmount(line, c.quantity) });
  }
  if (parts.length === 0) return { ok: false, error: "nothing_selected" };
  const amountFen = parts.reduce((s, p) => s + p.amountFen, 0);
  if (amountFen <= 0) return { ok: false, error: "nothing_to_refund" };
  if (amountFen > orderRemainingFen) return { ok: false, error: "exceeds_order" };
  return { ok: true, parts, amountFen };
}

/** Parses `refunds.lines`, ignoring anything malformed. */
export function parseRefundLines(json: string | null | undefined): RefundLinePart[] {
  if (!json) return [];
  try {
    const value = JSON.parse(json) as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter(
      (p): p is RefundLinePart =>
        typeof p === "object" && p !== null && typeof p.lineId === "string" && Number.isSafeInteger(p.quantity) && Number.isSafeInteger(p.amountFen),
    );
  } catch {
    return [];
  }
}
