import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { pickupPoints } from "./pickup";
import { FULFILMENT_METHODS, ORDER_STATUS_VALUES } from "../enums";

export { FULFILMENT_METHODS, ORDER_STATUS_VALUES };

/**
 * Orders: prices are a snapshot (the pricing breakdown as JSON plus the totals), and so are the
 * commission and fee rates in force when the order was placed (settlement uses these, never
 * today's settings). The pickup code is encrypted for display and hashed per pickup point for
 * the leader's lookup.
 *
 * A door-delivery order (`fulfilment = 'door'`) carries a snapshot of the delivery address taken
 * at placement, so later edits or deletion of the shopper's saved address never change it: the
 * recipient's name (plain, as in `addresses`), phone and address text (encrypted, fields "phone"
 * and "address"). The pickup code still applies: the leader hands over at the door against it.
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id),
    pickupPointId: text("pickup_point_id").notNull().references(() => pickupPoints.id),
    status: text("status", { enum: ORDER_STATUS_VALUES }).notNull(),
    goodsFen: integer("goods_fen").notNull(),
    discountFen: integer("discount_fen").notNull(),
    payableFen: integer("payable_fen").notNull(),
    paidFen: integer("paid_fen").notNull().default(0),
    refundedFen: integer("refunded_fen").notNull().default(0),
    userCouponId: text("user_coupon_id"),
    pricing: text("pricing").notNull(),
    pricingVersion: integer("pricing_version").notNull(),
    /** JSON snapshot: { platformFeeBp, leaderCommissionBp } in force at placement. */
    rates: text("rates").notNull(),
    pickupCodeEnc: text("pickup_code_enc").notNull(),
    pickupCodeHash: text("pickup_code_hash").notNull(),
    note: text("note"),
    fulfilment: text("fulfilment", { enum: FULFILMENT_METHODS }).notNull().default("pickup"),
    deliveryRecipient: text("delivery_recipient"),
    deliveryPhoneEnc: text("delivery_phone_enc"),
    deliveryAddressEnc: text("delivery_address_enc"),
    idempotencyKey: text("idempotency_key"),
    payBy: integer("pay_by").notNull(),
    paidAt: integer("paid_at"),
    cancelledAt: integer("cancelled_at"),
    cancelReason: text("cancel_reason"),
    pickedUpAt: integer("picked_up_at"),
    /** When the uncollected-goods job flagged the order (ready for pickup longer than the setting allows). */
    uncollectedAt: integer("uncollected_at"),
    /** The pickup point whose leader's share link or poster brought this order (attribution, SPEC §3 promote). */
    referralPointId: text("referral_point_id"),
    /** The shopper whose share link brought this order (share rewards, ADR 023); the reward is decided at pickup. */
    sharerUserId: text("sharer_user_id"),
    /** The group deal this order joined (its one line is priced at the group's first tier). */
    groupDealId: text("group_deal_id"),
    /** The flash sale this order bought from, and the FlashSaleStock reservation it pays for (issue 8). */
    flashSaleId: text("flash_sale_id"),
    flashReservationId: text("flash_reservation_id"),
    completedAt: integer("completed_at"),
    /** When the order's settlement reached the ledger (its `settle:<id>` transaction, issue 9); null until then. */
    settledAt: integer("settled_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("orders_user_idx").on(t.userId, t.createdAt),
    index("orders_point_status_idx").on(t.pickupPointId, t.status, t.createdAt),
    index("orders_status_pay_by_idx").on(t.status, t.payBy),
    index("orders_referral_idx").on(t.referralPointId, t.createdAt),
    index("orders_sharer_idx").on(t.sharerUserId, t.createdAt),
    // The analytics rollup reads a day's paid orders by payment time.
    index("orders_paid_at_idx").on(t.paidAt),
    uniqueIndex("orders_pickup_code_uq").on(t.pickupPointId, t.pickupCodeHash),
    uniqueIndex("orders_idempotency_uq").on(t.userId, t.idempotencyKey),
    // The settlement cron looks only at orders that may still need settling.
    index("orders_unsettled_idx")
      .on(t.status, t.pickedUpAt)
      .where(sql`settled_at IS NULL AND status IN ('picked_up', 'completed', 'refunded')`),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id, { onDelete: "cascade" }),
    skuId: text("sku_id").notNull(),
    productId: text("product_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    categoryId: text("category_id").notNull(),
    title: text("title").notNull(),
    spec: text("spec").notNull(),
    imageKey: text("image_key"),
    quantity: integer("quantity").notNull(),
    unitPriceFen: integer("unit_price_fen").notNull(),
    baseFen: integer("base_fen").notNull(),
    discountFen: integer("discount_fen").notNull(),
    payableFen: integer("payable_fen").notNull(),
    /** The part of the line's discounts the platform funds (member discount, platform coupon and full-reduction, points): paid to the merchant at settlement (ledger kind `subsidy`). */
    platformFundedFen: integer("platform_funded_fen").notNull().default(0),
    refundedFen: integer("refunded_fen").notNull().default(0),
    refundedQty: integer("refunded_qty").notNull().default(0),
    pickedUpQty: integer("picked_up_qty").notNull().default(0),
  },
  (t) => [index("order_lines_order_idx").on(t.orderId), index("order_lines_merchant_idx").on(t.merchantId, t.orderId), index("order_lines_sku_idx").on(t.skuId)],
);

/** The order timeline: one row per status change (and notable notes), append-only. */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    actorType: text("actor_type", { enum: ["user", "system", "leader", "merchant", "admin", "provider"] }).notNull(),
    actorId: text("actor_id"),
    note: text("note"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("order_events_order_idx").on(t.orderId, t.createdAt)],
);

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    provider: text("provider", { enum: ["sandbox", "wechat", "alipay"] }).notNull(),
    amountFen: integer("amount_fen").notNull(),
    status: text("status", { enum: ["created", "succeeded", "failed", "closed"] }).notNull(),
    providerTradeNo: text("provider_trade_no"),
    createdAt: integer("created_at").notNull(),
    succeededAt: integer("succeeded_at"),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("payments_order_idx").on(t.orderId), uniqueIndex("payments_trade_no_uq").on(t.provider, t.providerTradeNo)],
);

/** Every verified provider notification, once: replays hit the unique key and change nothing. */
export const paymentNotifications = sqliteTable(
  "payment_notifications",
  {
    dedupeKey: text("dedupe_key").primaryKey(),
    paymentId: text("payment_id").notNull(),
    provider: text("provider").notNull(),
    status: text("status").notNull(),
    amountFen: integer("amount_fen").notNull(),
    outcome: text("outcome").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("payment_notifications_payment_idx").on(t.paymentId)],
);

/**
 * group_failed returns the whole payment of a group that never reached its first tier;
 * group_price_difference returns (first tier − reached tier) × quantity when a group closes (ADR 017).
 */
export const REFUND_KINDS = ["cancellation", "after_sales", "shortage", "uncollected", "late_payment", "duplicate_payment", "group_failed", "group_price_difference"] as const;

export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    paymentId: text("payment_id"),
    /**
     * late_payment / duplicate_payment return money that never paid for the order (it arrived
     * after cancellation, or a second payment for an order already paid): they do not count in
     * the order's refunded total.
     */
    kind: text("kind", { enum: REFUND_KINDS }).notNull(),
    amountFen: integer("amount_fen").notNull(),
    reason: text("reason").notNull(),
    note: text("note"),
    /** JSON array of R2 keys (after-sales photos). */
    photos: text("photos"),
    /** JSON [{ lineId, quantity, amountFen }] */
    lines: text("lines").notNull(),
    status: text("status", { enum: ["requested", "approved", "rejected", "processing", "succeeded", "failed"] }).notNull(),
    /** The order status to return to if the request is rejected. */
    returnStatus: text("return_status"),
    providerRefundNo: text("provider_refund_no"),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("refunds_order_idx").on(t.orderId),
    index("refunds_status_idx").on(t.status, t.createdAt),
    // The analytics rollup reads a day's succeeded refunds by when they succeeded.
    index("refunds_status_updated_idx").on(t.status, t.updatedAt),
  ],
);

/** Stored responses for `Idempotency-Key` (per user and route): a retry gets the same answer. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    route: text("route").notNull(),
    requestHash: text("request_hash").notNull(),
    statusCode: integer("status_code"),
    response: text("response"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);
