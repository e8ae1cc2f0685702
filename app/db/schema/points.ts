import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/**
 * The points ledger (issue 10, SPEC §6): one signed entry per change of a shopper's points, never
 * edited (triggers refuse UPDATE and DELETE); the balance is the sum. `key` is deterministic per
 * business event (`earn:<orderId>`, `points:<ledger transaction key>`, `expire:<user>:<date>`), so
 * a repeated job or message writes nothing twice.
 */
export const POINTS_KINDS = [
  /** Earned by a settled sale, and its later corrections (refunds after settlement). */
  "earn",
  "adjust",
  /** The unspent part of expired lots. */
  "expire",
  /** Redeemed at checkout (negative), and given back when that order is cancelled (positive, undoes the spend). */
  "spend",
  "spend_return",
  /** Granted for a review of a picked-up item (once per review). */
  "review",
  /** Granted to a sharer when a friend buys through their link. */
  "share_reward",
] as const;
export type PointsKind = (typeof POINTS_KINDS)[number];

export const pointsEntries = sqliteTable(
  "points_entries",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: POINTS_KINDS }).notNull(),
    /** Signed: earned points are positive; a clawback after a refund and an expiry are negative. */
    points: integer("points").notNull(),
    key: text("key").notNull(),
    orderId: text("order_id"),
    /** The level's multiplier the points were earned at (percent of 1 point per yuan). */
    multiplierPct: integer("multiplier_pct"),
    /** When positive points expire (earned + 365 days). */
    expiresAt: integer("expires_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("points_entries_key_uq").on(t.key), index("points_entries_user_idx").on(t.userId, t.createdAt), index("points_entries_order_idx").on(t.orderId), index("points_entries_expiry_idx").on(t.expiresAt)],
);
