import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { FLASH_SALE_STATUSES } from "../enums";

export { FLASH_SALE_STATUSES };

/**
 * Flash sales (限时抢购, SPEC §6, issue 8): a merchant offers `stock` units of one SKU at
 * `flash_price_fen` inside a window, at most `per_user_limit` per shopper; an admin approves it.
 * The units are set aside from the SKU's stock when the sale is approved and the unsold ones go
 * back when its window ends (the reconciliation). The `FlashSaleStock` Durable Object named by
 * the sale's id holds the live count: reservations, their expiry, per-user counts.
 *
 * `payment_timeout_seconds`: how long a reservation waits for payment. `early_access_minutes`:
 * JSON `{ "silver": 10, "gold": 30 }`, minutes before `starts_at` each membership level may buy.
 * `reconciliation`: JSON of the end-of-window check (the object's sold/reserved/remaining against
 * the D1 orders), null until it ran.
 */
export const flashSales = sqliteTable(
  "flash_sales",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    productId: text("product_id").notNull(),
    skuId: text("sku_id").notNull(),
    flashPriceFen: integer("flash_price_fen").notNull(),
    stock: integer("stock").notNull(),
    perUserLimit: integer("per_user_limit").notNull(),
    /** Stock objects the sale is split across (hot SKUs, ADR 018); fixed when the sale is created. */
    shards: integer("shards").notNull().default(1),
    paymentTimeoutSeconds: integer("payment_timeout_seconds").notNull(),
    earlyAccessMinutes: text("early_access_minutes").notNull().default("{}"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    status: text("status", { enum: FLASH_SALE_STATUSES }).notNull(),
    reviewNote: text("review_note"),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
    reconciledAt: integer("reconciled_at"),
    reconciliation: text("reconciliation"),
    createdBy: text("created_by").notNull().references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("flash_sales_merchant_idx").on(t.merchantId, t.createdAt),
    index("flash_sales_status_window_idx").on(t.status, t.endsAt, t.startsAt),
    index("flash_sales_product_idx").on(t.productId, t.status),
  ],
);

/** "Notify me" sign-ups: a shopper told (in-app and Web Push) when a sale starts, once. */
export const flashSaleReminders = sqliteTable(
  "flash_sale_reminders",
  {
    saleId: text("sale_id").notNull().references(() => flashSales.id),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.userId] }), index("flash_sale_reminders_due_idx").on(t.sentAt, t.saleId)],
);
