import { allocateProportionally } from "~/modules/pricing/allocate";

/**
 * Shortages on arrival (pure). A SKU's shortage in a delivery batch is allocated to the batch's
 * order lines, newest orders first, and each short line is refunded its share of what was paid.
 */

export interface ShortageCandidate {
  orderLineId: string;
  orderId: string;
  /** When the order was placed (UTC ms): newer orders are short first. */
  orderCreatedAt: number;
  /** Units of this line still owed to the shopper (quantity − already refunded units). */
  openQty: number;
}

/**
 * Spreads `shortQty` units over the lines, newest order first (ties: larger order id, then larger
 * line id, so the result never depends on input order). Returns only lines with a shortage. When
 * the lines owe fewer units than `shortQty`, the excess is left unallocated (`unallocated`).
 */
export function allocateShortage(lines: readonly ShortageCandidate[], shortQty: number): { byLine: Map<string, number>; unallocated: number } {
  if (!Number.isSafeInteger(shortQty) || shortQty < 0) throw new RangeError(`shortQty must be a non-negative integer, got ${shortQty}`);
  const ordered = [...lines].sort(
    (a, b) => b.orderCreatedAt - a.orderCreatedAt || (a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0) || (a.orderLineId < b.orderLineId ? 1 : a.orderLineId > b.orderLineId ? -1 : 0),
  );
  const byLine = new Map<string, number>();
  let left = shortQty;
  for (const line of ordered) {
    if (left === 0) break;
    const take = Math.min(left, Math.max(0, line.openQty));
    if (take > 0) {
      byLine.set(line.orderLineId, take);
      left -= take;
    }
  }
  return { byLine, unallocated: left };
}

export interface RefundableLine {
  quantity: number;
  payableFen: number;
  refundedQty: number;
  refundedFen: number;
}

/**
 * What `shortQty` units of a line refund, exactly to the fen. The line's payable amount is split
 * over its units by largest remainder (app/modules/pricing allocateProportionally: the first units
 * carry the extra fen); refunds take units from the end, after the units already refunded, so
 * refunding every unit of a line, in any number of steps, returns exactly its payable amount.
 * Never more than the line's remaining payable (payableFen − refundedFen).
 */
export function shortageRefundFen(line: RefundableLine, shortQty: number): number {
  const { quantity, payableFen, refundedQty, refundedFen } = line;
  if (!Number.isSafeInteger(shortQty) || shortQty < 0) throw new RangeError(`shortQty must be a non-negative integer, got ${shortQty}`);
  if (shortQty === 0 || quantity <= 0) return 0;
  const open = Math.max(0, quantity - refundedQty);
  const k = Math.min(shortQty, open);
  const remaining = Math.max(0, payableFen - refundedFen);
  if (k === open) return remaining;
  // Each unit's share is floor(p/q) or +1 for the first (p mod q) units: sum a range without an array.
  const base = Math.floor(payableFen / quantity);
  const extra = payableFen - base * quantity;
  const end = quantity - Math.min(refundedQty, quantity);
  const start = end - k;
  const extraUnits = Math.max(0, Math.min(end, extra) - start);
  return Math.min(remaining, base * k + extraUnits);
}

/** The same split as `shortageRefundFen`, via the pricing allocator (used by the tests as an oracle). */
export function unitShares(payableFen: number, quantity: number): number[] {
  return allocateProportionally(payableFen, Array.from({ length: quantity }, () => 1));
}
