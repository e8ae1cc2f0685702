import * as v from "valibot";
import { allocateProportionally } from "~/modules/pricing/allocate";
import { basisPointsOf } from "~/modules/pricing/rounding";
import { lineRefundAmount } from "~/modules/merchant-orders/refund-math";

/**
 * Uncollected goods (pure). An order still waiting at the pickup point `order.uncollected_after_days`
 * days after it arrived is flagged; the leader may then mark it returned, which applies the refund
 * rule `order.uncollected_refund_bp`:
 *
 * - the units not yet collected on each line are `quantity − refunded − picked up` (a partial
 *   pickup keeps what was collected: that part stays the shopper's and is not refunded);
 * - what the shopper paid for them is each line's share for those units, exactly as an
 *   after-sales refund of them would be computed (`lineRefundAmount`: cumulative half-up shares,
 *   never more than the line has left);
 * - the refund is `round_half_up(paid for them × bp / 10000)`, one amount for the order, spread
 *   back over the lines by largest remainder (so the lines add up to it exactly and none gets more
 *   than was paid for its units).
 *
 * With a refund above zero the order goes ready_for_pickup → refunding (event `return_uncollected`)
 * and ends `refunded` when the provider confirms. With nothing to refund (a 0 bp rule, or free
 * units) no money moves and the order goes straight to `completed` (event `forfeit_uncollected`):
 * the sale stands — the shopper had the goods at their disposal for the whole period and the rule
 * gives nothing back — so it settles like any finished order; `refunded` would tell the shopper
 * money came back when none did, and `cancelled` would drop a sale that was paid for.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface UncollectedLineInput {
  id: string;
  quantity: number;
  payableFen: number;
  refundedQty: number;
  refundedFen: number;
  pickedUpQty: number;
}

export interface UncollectedRefundPart {
  lineId: string;
  quantity: number;
  amountFen: number;
}

export interface UncollectedRefundPlan {
  /** Units returned (not collected, not refunded before). */
  units: number;
  /** What the shopper paid for those units. */
  paidForUnitsFen: number;
  /** The refund under the rule (0 ≤ amount ≤ paidForUnitsFen). */
  amountFen: number;
  /** Every line with returned units, its amount share (the parts sum to amountFen). */
  parts: UncollectedRefundPart[];
}

/** Units of a line still waiting to be collected. */
export function uncollectedUnits(line: Pick<UncollectedLineInput, "quantity" | "refundedQty" | "pickedUpQty">): number {
  return Math.max(0, line.quantity - Math.max(0, line.refundedQty) - Math.max(0, line.pickedUpQty));
}

export function planUncollectedRefund(lines: readonly UncollectedLineInput[], refundBp: number): UncollectedRefundPlan {
  const open = lines
    .map((l) => {
      const units = uncollectedUnits(l);
      const paid = units === 0 ? 0 : lineRefundAmount({ id: l.id, quantity: l.quantity, payableFen: l.payableFen, committedQty: l.refundedQty, committedFen: l.refundedFen }, units);
      return { lineId: l.id, units, paid };
    })
    .filter((l) => l.units > 0);
  const paidForUnitsFen = open.reduce((s, l) => s + l.paid, 0);
  const amountFen = basisPointsOf(paidForUnitsFen, refundBp);
  const shares = paidForUnitsFen === 0 ? open.map(() => 0) : allocateProportionally(amountFen, open.map((l) => l.paid));
  return {
    units: open.reduce((s, l) => s + l.units, 0),
    paidForUnitsFen,
    amountFen,
    parts: open.map((l, i) => ({ lineId: l.lineId, quantity: l.units, amountFen: shares[i]! })),
  };
}

/** Whole days an order has waited since it arrived (rounded down). */
export function daysWaiting(arrivedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - arrivedAt) / DAY_MS));
}

/** The instant before which an arrival makes an order uncollected now. */
export function uncollectedCutoff(now: number, afterDays: number): number {
  return now - afterDays * DAY_MS;
}

export const MARK_RETURNED_INTENT = "mark-returned";
export const ORDER_ID = /^ord_[0-9a-z]{20}$/;

/** The leader's "mark returned" form (after the confirmation step). */
export const MarkReturnedInput = v.object({
  intent: v.literal(MARK_RETURNED_INTENT, "intent_invalid"),
  orderId: v.pipe(v.string("order_not_found"), v.regex(ORDER_ID, "order_not_found")),
});
