import type { AppContext } from "~/context.server";
import { orderSettleMessage, refundSettleMessage, withdrawalPayoutMessage, type SettlementMessage } from "~/queues/messages";
import { findDueSettlements } from "./settle.server";
import { findStuckPayouts } from "./withdrawals.server";

/** Queues.sendBatch takes at most 100 messages per call. */
const SEND_BATCH = 100;

export async function sendSettlementMessages(ctx: AppContext, messages: readonly SettlementMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    await ctx.env.SETTLEMENT_QUEUE.sendBatch(messages.slice(i, i + SEND_BATCH).map((body) => ({ body, contentType: "json" as const })));
  }
}

/**
 * The settlement cron (every 5 minutes): an `order.settle` for every order due that the ledger
 * does not hold yet, a `refund.settle` for every refund that succeeded after its order settled,
 * and the payout of every approved withdrawal whose message may have been lost. Sending again what
 * is already queued is harmless: the consumer recognises the key and writes nothing.
 */
export async function enqueueDueSettlements(ctx: AppContext, now: number) {
  const [due, stuck] = await Promise.all([findDueSettlements(ctx, now), findStuckPayouts(ctx, now)]);
  const messages = [
    ...due.orderIds.map(orderSettleMessage),
    ...due.refunds.map((r) => refundSettleMessage(r.orderId, r.refundId)),
    ...stuck.map(withdrawalPayoutMessage),
  ];
  await sendSettlementMessages(ctx, messages);
  return { orders: due.orderIds.length, refunds: due.refunds.length, payouts: stuck.length };
}
