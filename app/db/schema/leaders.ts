import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { orders } from "./orders";
import { pickupPoints } from "./pickup";

/**
 * In-app notifications (SPEC §3 notify). A row per recipient; `kind` names the message and `data`
 * (JSON) carries its parameters, so the text is rendered in the reader's language when read.
 * `link` is an in-app path. Web Push (push_subscriptions) carries the same message to the device.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    data: text("data").notNull().default("{}"),
    link: text("link"),
    readAt: integer("read_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt), index("notifications_unread_idx").on(t.userId, t.readAt)],
);

/**
 * Web Push subscriptions (one per browser/device; the endpoint is unique). `p256dh` and `auth`
 * are the subscription's keys (base64url) used to encrypt each payload (RFC 8291). A subscription
 * the push service answers 404/410 for is deleted; `failures` counts other errors in a row.
 */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    userAgent: text("user_agent"),
    failures: integer("failures").notNull().default(0),
    lastSentAt: integer("last_sent_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint_uq").on(t.endpoint), index("push_subscriptions_user_idx").on(t.userId)],
);

/**
 * Pickup hand-overs: one row per hand-over the leader confirmed (a partial pickup is one row per
 * visit). `client_ref` is the id the leader's device gave it (a UUID, also for hand-overs made
 * offline and synced later), unique, so a retried or re-synced hand-over is recorded once.
 * `lines` is JSON [{ lineId, quantity }]; `handed_at` is when the device says it happened,
 * `created_at` when the server recorded it.
 */
export const pickupHandovers = sqliteTable(
  "pickup_handovers",
  {
    id: text("id").primaryKey(),
    clientRef: text("client_ref").notNull(),
    orderId: text("order_id").notNull().references(() => orders.id),
    pickupPointId: text("pickup_point_id").notNull().references(() => pickupPoints.id),
    leaderUserId: text("leader_user_id").notNull().references(() => users.id),
    lines: text("lines").notNull(),
    offline: integer("offline", { mode: "boolean" }).notNull().default(false),
    handedAt: integer("handed_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("pickup_handovers_client_ref_uq").on(t.clientRef), index("pickup_handovers_order_idx").on(t.orderId), index("pickup_handovers_point_idx").on(t.pickupPointId, t.createdAt)],
);

export const WITHDRAWAL_STATUSES = ["requested", "approved", "rejected", "paid", "failed"] as const;

/**
 * Withdrawal requests of a leader (account = their pickup point) or a merchant, from the settled
 * balance in the ledger (app/modules/settlement/withdrawals.server.ts): requested → approved by an
 * admin → paid through the payout provider (the ledger's `payout:<id>` transaction) or failed;
 * or rejected. The payout account is encrypted.
 */
export const withdrawals = sqliteTable(
  "withdrawals",
  {
    id: text("id").primaryKey(),
    accountType: text("account_type", { enum: ["leader", "merchant"] }).notNull(),
    accountId: text("account_id").notNull(),
    requestedBy: text("requested_by").notNull().references(() => users.id),
    amountFen: integer("amount_fen").notNull(),
    method: text("method", { enum: ["wechat", "alipay", "bank"] }).notNull(),
    payoutAccountEnc: text("payout_account_enc").notNull(),
    status: text("status", { enum: WITHDRAWAL_STATUSES }).notNull(),
    reason: text("reason"),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
    /** The payout provider's reference once the transfer is accepted, and when the money left. */
    payoutRef: text("payout_ref"),
    paidAt: integer("paid_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("withdrawals_account_idx").on(t.accountType, t.accountId, t.createdAt), index("withdrawals_status_idx").on(t.status, t.createdAt)],
);
