import * as v from "valibot";

const Id = (prefix: string) => v.pipe(v.string(), v.regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`)));

/**
 * Settlement queue messages: versioned, validated with valibot on both ends (the producer builds
 * them with the helpers below; the consumer parses every body, and a body that fails is poison).
 * `key` is deterministic per business event, so a redelivered message is recognised; for ledger
 * kinds it is also the ledger transaction's unique key.
 *
 * - `order.settle` (key `settle:<orderId>`): the order has completed and its after-sales window
 *   passed; post its split (merchant income, platform fee, leader commission).
 * - `refund.settle` (key `refund:<refundId>`): a refund touched an order after it settled; post
 *   the difference (the proportional clawback).
 * - `withdrawal.payout` (key `payout:<withdrawalId>`): an approved withdrawal is paid out through
 *   the payout provider and debited from its owner's account.
 */
export const SettlementMessageV1 = v.variant("kind", [
  v.object({ v: v.literal(1), kind: v.literal("order.settle"), key: v.pipe(v.string(), v.startsWith("settle:")), orderId: Id("ord") }),
  v.object({ v: v.literal(1), kind: v.literal("refund.settle"), key: v.pipe(v.string(), v.startsWith("refund:")), orderId: Id("ord"), refundId: Id("rfd") }),
  v.object({ v: v.literal(1), kind: v.literal("withdrawal.payout"), key: v.pipe(v.string(), v.startsWith("payout:")), withdrawalId: Id("wdr") }),
  v.object({
    v: v.literal(1),
    kind: v.literal("audit.record"),
    key: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    action: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    entityType: v.pipe(v.string(), v.minLength(1), v.maxLength(50)),
    entityId: v.optional(v.pipe(v.string(), v.maxLength(100))),
    data: v.optional(v.record(v.string(), v.unknown())),
  }),
]);
export type SettlementMessage = v.InferOutput<typeof SettlementMessageV1>;

export function parseSettlementMessage(body: unknown) {
  return v.safeParse(SettlementMessageV1, body);
}

export const orderSettleMessage = (orderId: string): SettlementMessage => ({ v: 1, kind: "order.settle", key: `settle:${orderId}`, orderId });
export const refundSettleMessage = (orderId: string, refundId: string): SettlementMessage => ({ v: 1, kind: "refund.settle", key: `refund:${refundId}`, orderId, refundId });
export const withdrawalPayoutMessage = (withdrawalId: string): SettlementMessage => ({ v: 1, kind: "withdrawal.payout", key: `payout:${withdrawalId}`, withdrawalId });
