import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";
import { orderLines, orders } from "./orders";

export const REVIEW_STATUSES = ["visible", "hidden"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * Reviews (评价, issue 10 part 5): one per order line the shopper picked up, final once written
 * (no edits, so its points are earned once). `product_id`, `merchant_id` and `spec` are copied
 * from the line for the product page and the merchant's list. Photos are R2 keys
 * (`reviews/<reviewId>/<n>.<ext>`, JSON array, at most 3). An admin may hide a review (reason, who,
 * when); a hidden review leaves the product page and its aggregates, its points stay.
 *
 * `rank` orders the product page's highlights: good reviews (4–5 stars) with photos first (2),
 * then good ones without (1), others 0 — an index on it serves "best recent" without sorting.
 */
export const reviews = sqliteTable(
  "reviews",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    orderLineId: text("order_line_id")
      .notNull()
      .references(() => orderLines.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    productId: text("product_id").notNull(),
    skuId: text("sku_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    /** The line's spec as bought (a snapshot, like the line's). */
    spec: text("spec").notNull(),
    rating: integer("rating").notNull(),
    body: text("body").notNull().default(""),
    /** JSON array of R2 keys. */
    photos: text("photos").notNull().default("[]"),
    photoCount: integer("photo_count")
      .notNull()
      .generatedAlwaysAs(sql`json_array_length(photos)`, { mode: "virtual" }),
    rank: integer("rank")
      .notNull()
      .generatedAlwaysAs(sql`CASE WHEN rating >= 4 THEN 1 + (json_array_length(photos) > 0) ELSE 0 END`, { mode: "virtual" }),
    status: text("status", { enum: REVIEW_STATUSES }).notNull().default("visible"),
    hiddenReason: text("hidden_reason"),
    hiddenBy: text("hidden_by"),
    hiddenAt: integer("hidden_at"),
    reply: text("reply"),
    repliedBy: text("replied_by"),
    repliedAt: integer("replied_at"),
    /** The API's Idempotency-Key of the POST that wrote it (a replay answers this review). */
    idempotencyKey: text("idempotency_key"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reviews_line_uq").on(t.orderLineId),
    // The product page: all / with photos / good / bad, newest first; and its highlights by rank.
    index("reviews_product_idx").on(t.productId, t.status, t.createdAt),
    index("reviews_product_rank_idx").on(t.productId, t.status, t.rank, t.createdAt),
    // The merchant's list (newest first; unanswered and low-rating filters walk it).
    index("reviews_merchant_idx").on(t.merchantId, t.createdAt),
    // The admin list (hidden filter) and the shopper's own reviews of an order.
    index("reviews_status_idx").on(t.status, t.createdAt),
    index("reviews_order_idx").on(t.orderId),
    check("reviews_rating_ck", sql`rating BETWEEN 1 AND 5`),
    check("reviews_body_ck", sql`length(body) <= 500`),
    check("reviews_photos_ck", sql`json_valid(photos) AND json_type(photos) = 'array' AND json_array_length(photos) <= 3`),
    check("reviews_reply_ck", sql`reply IS NULL OR length(reply) <= 500`),
    check("reviews_status_ck", sql`status IN ('visible', 'hidden') AND (status = 'hidden') = (hidden_at IS NOT NULL)`),
  ],
);

/**
 * Per-product review aggregates, kept by triggers on `reviews` (hand-written in the migration):
 * visible reviews only, the count per star and how many have photos. The product page reads one
 * row instead of grouping every review of a popular product on each view.
 */
export const productReviewStats = sqliteTable("product_review_stats", {
  productId: text("product_id").primaryKey(),
  stars1: integer("stars_1").notNull().default(0),
  stars2: integer("stars_2").notNull().default(0),
  stars3: integer("stars_3").notNull().default(0),
  stars4: integer("stars_4").notNull().default(0),
  stars5: integer("stars_5").notNull().default(0),
  withPhotos: integer("with_photos").notNull().default(0),
});
