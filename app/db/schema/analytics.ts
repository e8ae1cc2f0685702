import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const ANALYTICS_EVENT_KINDS = ["page_view", "product_view", "add_to_cart", "checkout_start"] as const;
export type AnalyticsEventKind = (typeof ANALYTICS_EVENT_KINDS)[number];

/**
 * First-party behaviour events (SPEC §5 funnel), privacy-respecting: no IP address, no user agent,
 * no user id; `visitor_hash` is a keyed hash of a random first-party cookie and the day, so a
 * visitor cannot be followed from one day to the next. `day` is the Asia/Shanghai date
 * (YYYY-MM-DD). Raw events are kept only until rolled up (plus a grace period).
 */
export const analyticsEvents = sqliteTable(
  "analytics_events",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ANALYTICS_EVENT_KINDS }).notNull(),
    day: text("day").notNull(),
    visitorHash: text("visitor_hash").notNull(),
    path: text("path"),
    entityId: text("entity_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("analytics_events_day_idx").on(t.day, t.kind, t.visitorHash)],
);

export const ANALYTICS_DIMENSIONS = ["all", "product", "category", "point", "merchant"] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

/**
 * Daily sales rollup per dimension (Asia/Shanghai day of payment). `dimension_id` is '' for
 * `all`. Dashboards read these, never raw orders. Recomputed whole for a day, so a rerun is exact.
 */
export const analyticsDailySales = sqliteTable(
  "analytics_daily_sales",
  {
    day: text("day").notNull(),
    dimension: text("dimension", { enum: ANALYTICS_DIMENSIONS }).notNull(),
    dimensionId: text("dimension_id").notNull(),
    orders: integer("orders").notNull(),
    gmvFen: integer("gmv_fen").notNull(),
    items: integer("items").notNull(),
    buyers: integer("buyers").notNull(),
    refundFen: integer("refund_fen").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.dimension, t.dimensionId] }), index("analytics_daily_sales_dim_idx").on(t.dimension, t.dimensionId, t.day)],
);

/** Daily funnel and customers rollup: distinct visitors at each step, buyers new and returning. */
export const analyticsDailyFunnel = sqliteTable("analytics_daily_funnel", {
  day: text("day").primaryKey(),
  visitors: integer("visitors").notNull(),
  productViewers: integer("product_viewers").notNull(),
  cartVisitors: integer("cart_visitors").notNull(),
  checkoutVisitors: integer("checkout_visitors").notNull(),
  payers: integer("payers").notNull(),
  buyers: integer("buyers").notNull(),
  newBuyers: integer("new_buyers").notNull(),
  returningBuyers: integer("returning_buyers").notNull(),
  computedAt: integer("computed_at").notNull(),
});
