import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/**
 * Share rewards (issue 10 part 4, ADR 023). A signed-in shopper's product and group links carry an
 * opaque share code (`/s/<code>?to=…`), never the user id; the visitor's browser keeps it in a
 * cookie and the order records the sharer (`orders.sharer_user_id`). When that order is picked up,
 * the hand-over batch decides the reward once per (sharer, buyer, period) and writes one
 * `share_conversions` row, rewarded or refused with a reason.
 */

/** One opaque share code per user (10 base32 characters), made on first use. */
export const shareCodes = sqliteTable(
  "share_codes",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("share_codes_code_uq").on(t.code)],
);

/** The links a user shared (a product or group page) and how many visits each brought: the "my shares" list. */
export const shareLinks = sqliteTable(
  "share_links",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** `/products/<id>` or `/groups/<id>`. */
    path: text("path").notNull(),
    visits: integer("visits").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    lastVisitAt: integer("last_visit_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.path] }), index("share_links_user_idx").on(t.userId, t.createdAt)],
);

/**
 * Devices an account was used on: a long-lived random device id cookie, stored only as a keyed hash
 * (HMAC). Written at sign-in, on arrival through a share link, at checkout and when a share link is
 * made. Accounts that have used the same device form one cluster for the share-reward rules.
 */
export const userDevices = sqliteTable(
  "user_devices",
  {
    deviceHash: text("device_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    firstSeenAt: integer("first_seen_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceHash, t.userId] }), index("user_devices_user_idx").on(t.userId)],
);

export const SHARE_CONVERSION_STATUSES = ["rewarded", "refused"] as const;
export const SHARE_REFUSAL_REASONS = ["self_referral", "same_device", "same_phone", "same_address", "period_repeat", "daily_cap"] as const;
export type ShareRefusalReason = (typeof SHARE_REFUSAL_REASONS)[number];

/**
 * One row per picked-up order that came through a share link: the reward given to the sharer
 * (points, or a coupon) or the reason it was refused. `reward_key` is `share:<sharer>:<buyer>:<period>`:
 * at most one rewarded row per key (a partial unique index), the points entry and the coupon's
 * grant key use it too, so nothing is given twice.
 */
export const shareConversions = sqliteTable(
  "share_conversions",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    sharerUserId: text("sharer_user_id")
      .notNull()
      .references(() => users.id),
    buyerUserId: text("buyer_user_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: SHARE_CONVERSION_STATUSES }).notNull(),
    reason: text("reason", { enum: SHARE_REFUSAL_REASONS }),
    rewardKey: text("reward_key").notNull(),
    /** What was given: points, or a coupon (then `user_coupon_id`); null when refused. */
    rewardKind: text("reward_kind", { enum: ["points", "coupon"] }),
    points: integer("points"),
    userCouponId: text("user_coupon_id"),
    /** A coupon reward that could not be issued (template ended, sold out, per-user limit) and became points. */
    couponFallback: integer("coupon_fallback", { mode: "boolean" }).notNull().default(false),
    /** Start of the Asia/Shanghai day of the pickup (UTC ms): the daily cap counts by it. */
    day: integer("day").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("share_conversions_order_uq").on(t.orderId),
    uniqueIndex("share_conversions_reward_uq").on(t.rewardKey).where(sql`status = 'rewarded'`),
    index("share_conversions_sharer_idx").on(t.sharerUserId, t.createdAt),
    index("share_conversions_sharer_day_idx").on(t.sharerUserId, t.day, t.status),
    check("share_conversions_status_ck", sql`(status = 'refused' AND reason IS NOT NULL AND reward_kind IS NULL) OR (status = 'rewarded' AND reason IS NULL AND reward_kind IS NOT NULL)`),
  ],
);
