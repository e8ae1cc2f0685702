import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { skus, products } from "./catalog";
import { users } from "./identity";
import { pickupPoints } from "./pickup";

/** Each user's chosen pickup point (one row per user; changeable; every order copies it). */
export const userPickupPoints = sqliteTable(
  "user_pickup_points",
  {
    userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
    pickupPointId: text("pickup_point_id").notNull().references(() => pickupPoints.id),
    /** "invite" when bound through a leader's code or link, "chosen" when picked by the user. */
    source: text("source", { enum: ["chosen", "invite"] }).notNull().default("chosen"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("user_pickup_points_point_idx").on(t.pickupPointId)],
);

export const favourites = sqliteTable(
  "favourites",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productId] }), index("favourites_user_idx").on(t.userId, t.createdAt)],
);

/** Signed-in carts live in D1; a guest cart lives in a cookie and merges into this on sign-in. */
export const cartItems = sqliteTable(
  "cart_items",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    skuId: text("sku_id").notNull().references(() => skus.id, { onDelete: "cascade" }),
    quantity: integer("quantity").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.skuId] })],
);

/**
 * Every price a SKU has had, from when. The struck "original" price is shown only when it is true:
 * the lowest price of the 30 days before the current price took effect, and only if higher.
 */
export const skuPriceHistory = sqliteTable(
  "sku_price_history",
  {
    skuId: text("sku_id").notNull().references(() => skus.id, { onDelete: "cascade" }),
    priceFen: integer("price_fen").notNull(),
    effectiveAt: integer("effective_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.skuId, t.effectiveAt] })],
);
