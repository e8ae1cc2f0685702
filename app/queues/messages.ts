import * as v from "valibot";

/**
 * Settlement queue messages: versioned, validated with valibot on both ends.
 * `key` is deterministic per business event, so a redelivered message is recognised.
 * Issue #9 adds the settlement kinds (order.settle, refund.reverse, payout…).
 */
export const SettlementMessageV1 = v.variant("kind", [
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
