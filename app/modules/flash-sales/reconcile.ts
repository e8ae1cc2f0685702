import type { ReconciliationDifference } from "./sale-schemas";
import type { Reservation } from "./stock-types";

/**
 * Compares the stock object's reservations with the sale's D1 orders. A paid-or-later order (any
 * status but `pending_payment` / `cancelled`) must have its reservation `confirmed`, a pending one
 * `held` (or, past its pay-by, `released`: the expiry job has yet to cancel it); every confirmed
 * or held reservation must have such an order. Pure, for the unit test and the reconciliation.
 */
export function compareStock(
  rows: readonly Reservation[],
  orders: ReadonlyArray<{ id: string; reservationId: string | null; status: string; units: number; payBy: number }>,
  now: number,
): { d1Sold: number; d1Pending: number; differences: ReconciliationDifference[] } {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = new Map<string, (typeof orders)[number]>();
  const differences: ReconciliationDifference[] = [];
  let d1Sold = 0;
  let d1Pending = 0;
  for (const o of orders) {
    const paid = o.status !== "pending_payment" && o.status !== "cancelled";
    const pending = o.status === "pending_payment";
    if (paid) d1Sold += o.units;
    if (pending) d1Pending += o.units;
    const r = o.reservationId ? byId.get(o.reservationId) : undefined;
    if (o.reservationId) ordered.set(o.reservationId, o);
    if (!r) {
      if (paid || pending) differences.push({ kind: "order_without_reservation", reservationId: o.reservationId, orderId: o.id });
      continue;
    }
    if (paid && r.status !== "confirmed") differences.push({ kind: "paid_order_not_confirmed", reservationId: r.id, orderId: o.id });
    if (pending && r.status !== "held" && !(r.status === "released" && o.payBy <= now)) differences.push({ kind: "pending_order_not_held", reservationId: r.id, orderId: o.id });
  }
  for (const r of rows) {
    const o = ordered.get(r.id);
    const paid = o && o.status !== "pending_payment" && o.status !== "cancelled";
    if (r.status === "confirmed" && !paid) differences.push({ kind: "confirmed_without_paid_order", reservationId: r.id, orderId: o?.id ?? null });
    if (r.status === "held" && o?.status !== "pending_payment") differences.push({ kind: "held_without_pending_order", reservationId: r.id, orderId: o?.id ?? null });
  }
  return { d1Sold, d1Pending, differences };
}
