import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/**
 * Coupon templates (platform- or merchant-funded) and the coupons users hold. The marketing issue
 * adds claiming rules and segments; checkout uses them now. Id lists are JSON arrays.
 */
export const COUPON_SOURCES = ["claim", "segment", "birthday", "share_reward", "admin"] as const;
export type CouponSource = (typeof COUPON_SOURCES)[number];

export const couponTemplates = sqliteTable(
  "coupon_templates",
  {
    id: text("id").primaryKey(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    funding: text("funding", { enum: ["platform", "merchant"] }).notNull(),
    merchantId: text("merchant_id"),
    kind: text("kind", { enum: ["fixed", "threshold", "percentage"] }).notNull(),
    amountFen: integer("amount_fen"),
    thresholdFen: integer("threshold_fen"),
    discountBp: integer("discount_bp"),
    maxDiscountFen: integer("max_discount_fen"),
    categoryIds: text("category_ids"),
    productIds: text("product_ids"),
    /** Days a claimed coupon stays valid; null means until the template's end. */
    validDays: integer("valid_days"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    totalLimit: integer("total_limit"),
    perUserLimit: integer("per_user_limit").notNull().default(1),
    /** Maintained by a trigger on user_coupons (one per coupon issued); a second trigger refuses a coupon past totalLimit. */
    issuedCount: integer("issued_count").notNull().default(0),
    /** Shown in the claim centre for shoppers to take; otherwise only issued (segments, birthday gifts, share rewards). */
    claimable: integer("claimable", { mode: "boolean" }).notNull().default(true),
    status: text("status", { enum: ["active", "paused"] }).notNull().default("active"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("coupon_templates_status_idx").on(t.status, t.endsAt)],
);

export const userCoupons = sqliteTable(
  "user_coupons",
  {
    id: text("id").primaryKey(),
    templateId: text("template_id").notNull().references(() => couponTemplates.id),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** locked = held by an unpaid order; used = paid order; returned to available on cancellation. */
    status: text("status", { enum: ["available", "locked", "used", "expired"] }).notNull(),
    orderId: text("order_id"),
    validFrom: integer("valid_from").notNull(),
    validUntil: integer("valid_until").notNull(),
    claimedAt: integer("claimed_at").notNull(),
    usedAt: integer("used_at"),
    /** How the coupon reached its owner. */
    source: text("source", { enum: COUPON_SOURCES }).notNull().default("claim"),
    /** Deterministic per business event for issued coupons (`birthday:<user>:<year>`, `share:<…>`), so a rerun grants nothing twice. */
    grantKey: text("grant_key"),
    /** When the "expiring within 3 days" inbox notice went out (once per coupon). */
    expiryNoticedAt: integer("expiry_noticed_at"),
  },
  (t) => [
    index("user_coupons_user_idx").on(t.userId, t.status, t.validUntil),
    index("user_coupons_order_idx").on(t.orderId),
    index("user_coupons_template_user_idx").on(t.templateId, t.userId),
    index("user_coupons_expiry_idx").on(t.status, t.validUntil),
    uniqueIndex("user_coupons_grant_key_uq").on(t.grantKey),
  ],
);

/**
 * Daily coupon jobs done for a business date (Asia/Shanghai), e.g. the birthday gifts: the `*\/5`
 * cron acts once a day, and a finished day is not scanned again.
 */
export const couponJobDays = sqliteTable(
  "coupon_job_days",
  {
    job: text("job").notNull(),
    businessDate: text("business_date").notNull(),
    doneAt: integer("done_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.businessDate] })],
);

/** 满减 promotions: the best tier of each applies to its eligible lines (pricing engine, ADR 009). */
export const fullReductions = sqliteTable(
  "full_reductions",
  {
    id: text("id").primaryKey(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    funding: text("funding", { enum: ["platform", "merchant"] }).notNull(),
    merchantId: text("merchant_id"),
    /** JSON [{ thresholdFen, reductionFen }] */
    tiers: text("tiers").notNull(),
    categoryIds: text("category_ids"),
    productIds: text("product_ids"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    status: text("status", { enum: ["active", "paused"] }).notNull().default("active"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("full_reductions_window_idx").on(t.status, t.endsAt)],
);

/** A merchant's limited-time price cut on some products/SKUs (merchant-funded). */
export const limitedTimeDiscounts = sqliteTable(
  "limited_time_discounts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["percentage", "fixed_price"] }).notNull(),
    discountBp: integer("discount_bp"),
    unitPriceFen: integer("unit_price_fen"),
    productIds: text("product_ids"),
    skuIds: text("sku_ids"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    status: text("status", { enum: ["active", "paused"] }).notNull().default("active"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("limited_time_discounts_merchant_idx").on(t.merchantId, t.status, t.endsAt)],
);
