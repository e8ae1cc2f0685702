import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { merchants } from "./merchants";
import { pickupPoints } from "./pickup";

/**
 * The daily cycle (SPEC §0, §4). At the cut-off (setting `order.cutoff_time`, Asia/Shanghai) the
 * paid orders are locked into one delivery batch per merchant × pickup point for the next morning's
 * delivery date. A batch moves locked → shipped (merchant) → arrived (leader confirms, line by line,
 * with shortages). `delivery_date` is the business date "YYYY-MM-DD" in Asia/Shanghai.
 */
export const DELIVERY_BATCH_STATUSES = ["locked", "shipped", "arrived"] as const;

export const deliveryBatches = sqliteTable(
  "delivery_batches",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull().references(() => merchants.id),
    pickupPointId: text("pickup_point_id").notNull().references(() => pickupPoints.id),
    deliveryDate: text("delivery_date").notNull(),
    status: text("status", { enum: DELIVERY_BATCH_STATUSES }).notNull(),
    /** The cut-off instant (UTC epoch ms) that locked this batch. */
    cutoffAt: integer("cutoff_at").notNull(),
    shippedAt: integer("shipped_at"),
    shippedBy: text("shipped_by"),
    arrivedAt: integer("arrived_at"),
    arrivedBy: text("arrived_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("delivery_batches_uq").on(t.merchantId, t.pickupPointId, t.deliveryDate),
    index("delivery_batches_merchant_idx").on(t.merchantId, t.deliveryDate),
    index("delivery_batches_point_idx").on(t.pickupPointId, t.deliveryDate),
  ],
);

/**
 * One row per SKU in a batch: what the merchant must deliver (expected), and what the leader
 * counted on arrival. A shortage (expected − received) is allocated to order lines (newest orders
 * first) and refunded for those lines.
 */
export const deliveryBatchItems = sqliteTable(
  "delivery_batch_items",
  {
    batchId: text("batch_id").notNull().references(() => deliveryBatches.id, { onDelete: "cascade" }),
    skuId: text("sku_id").notNull(),
    productId: text("product_id").notNull(),
    title: text("title").notNull(),
    spec: text("spec").notNull(),
    expectedQty: integer("expected_qty").notNull(),
    receivedQty: integer("received_qty"),
    shortageNote: text("shortage_note"),
    /** R2 key of the leader's photo of the shortage (private). */
    shortagePhotoKey: text("shortage_photo_key"),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.skuId] })],
);

/** Which order lines a batch carries (a line is in at most one batch), and its allocated shortage. */
export const deliveryBatchLines = sqliteTable(
  "delivery_batch_lines",
  {
    orderLineId: text("order_line_id").primaryKey(),
    batchId: text("batch_id").notNull().references(() => deliveryBatches.id, { onDelete: "cascade" }),
    orderId: text("order_id").notNull(),
    skuId: text("sku_id").notNull(),
    quantity: integer("quantity").notNull(),
    shortageQty: integer("shortage_qty").notNull().default(0),
  },
  (t) => [index("delivery_batch_lines_batch_idx").on(t.batchId, t.skuId), index("delivery_batch_lines_order_idx").on(t.orderId)],
);

/** One row per cut-off run (business date it fills): makes the job idempotent and visible. */
export const cutoffRuns = sqliteTable("cutoff_runs", {
  deliveryDate: text("delivery_date").primaryKey(),
  cutoffAt: integer("cutoff_at").notNull(),
  trigger: text("trigger", { enum: ["cron", "manual"] }).notNull(),
  triggeredBy: text("triggered_by"),
  batches: integer("batches").notNull(),
  orders: integer("orders").notNull(),
  finishedAt: integer("finished_at").notNull(),
});

/** Staff invitations: a one-time link (token stored as SHA-256) that makes the acceptor a staff member. */
export const merchantInvitations = sqliteTable(
  "merchant_invitations",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull().references(() => merchants.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    note: text("note"),
    invitedBy: text("invited_by").notNull().references(() => users.id),
    expiresAt: integer("expires_at").notNull(),
    acceptedBy: text("accepted_by"),
    acceptedAt: integer("accepted_at"),
    revokedAt: integer("revoked_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("merchant_invitations_token_uq").on(t.tokenHash), index("merchant_invitations_merchant_idx").on(t.merchantId, t.createdAt)],
);

/** The categories a merchant applied to sell in (and may list products under). */
export const merchantCategories = sqliteTable(
  "merchant_categories",
  {
    merchantId: text("merchant_id").notNull().references(() => merchants.id, { onDelete: "cascade" }),
    categoryId: text("category_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.categoryId] })],
);
