import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { orderEvents, orders, refunds } from "~/db/schema";
import { isStateConflict, transitionStatements } from "~/modules/orders/orders.server";
import { canRequestRefund, type OrderEvent, type OrderStatus } from "~/modules/orders/state-machine";

/** Refund statuses that still hold the order in `refunding` (a failed refund is retried by the cron). */
export const OPEN_REFUND_STATUSES = ["requested", "approved", "processing", "failed"] as const;

/**
 * Where an order in `refunding` goes when its after-sales round is over: `refunded` once all that
 * was paid has come back, otherwise back to the status it had before the request (stored on the
 * request as `returnStatus`), as a partial refund (`refund_succeeded`) or a rejection
 * (`reject_refund`). The state machine's table lists `refunding → refunded`; the return target is
 * per order, so it is checked here: it must be a status a request can come from.
 */
export function closingTransition(input: { paidFen: number; refundedFen: number; returnStatus: string | null; anySucceeded: boolean }): { event: OrderEvent; to: OrderStatus } | null {
  if (input.paidFen > 0 && input.refundedFen >= input.paidFen) return { event: "refund_succeeded", to: "refunded" };
  const back = input.returnStatus as OrderStatus | null;
  if (!back || back === "refunding" || !canRequestRefund(back)) return null;
  return { event: input.anySucceeded ? "refund_succeeded" : "reject_refund", to: back };
}

/**
 * Moves an order out of `refunding` once nothing of its after-sales is open any more. Called
 * after a merchant's decision and whenever an after-sales refund succeeds (payments'
 * recordRefundOutcome, whether from the refund call, the cron or a provider notification).
 * Safe to repeat and to race: the timeline trigger lets only one closing event through.
 */
export async function closeAfterSalesIfDone(ctx: AppContext, orderId: string, now = Date.now()): Promise<boolean> {
  const order = await ctx.db.query.orders.findFirst({ where: eq(orders.id, orderId) });
  if (!order || order.status !== "refunding") return false;
  const rows = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.kind, "after_sales")))
    .orderBy(desc(refunds.createdAt));
  const latest = rows[0];
  if (!latest) return false;
  // Only when an after-sales request put the order in `refunding` (a shortage may do so too; the
  // fulfilment module closes those).
  const [entered] = await ctx.db
    .select({ event: orderEvents.event })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.toStatus, "refunding"), ne(orderEvents.fromStatus, "refunding")))
    .orderBy(desc(sql`rowid`))
    .limit(1);
  if (entered?.event !== "request_refund") return false;
  if (rows.some((r) => (OPEN_REFUND_STATUSES as readonly string[]).includes(r.status))) return false;
  // One round = the request and the parts split from it, which keep its request time.
  const round = rows.filter((r) => r.createdAt === latest.createdAt);
  const step = closingTransition({ paidFen: order.paidFen, refundedFen: order.refundedFen, returnStatus: latest.returnStatus, anySucceeded: round.some((r) => r.status === "succeeded") });
  if (!step) {
    console.warn(`order ${orderId}: after-sales over but no status to return to (${latest.returnStatus})`);
    return false;
  }
  try {
    await ctx.db.batch([...transitionStatements(ctx.db, { orderId, from: "refunding", event: step.event, to: step.to, actor: { type: "system", id: null }, note: "after_sales_closed", now })]);
    return true;
  } catch (error) {
    if (isStateConflict(error)) return false;
    throw error;
  }
}
