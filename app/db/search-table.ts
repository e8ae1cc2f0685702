import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The FTS5 virtual table `product_search` (created by migrations/0004_product_search.sql), described
 * for drizzle so its writes can join a db.batch. Deliberately not exported from schema/index.ts:
 * drizzle-kit must not try to create it as a plain table.
 */
export const productSearch = sqliteTable("product_search", {
  productId: text("product_id").notNull(),
  title: text("title").notNull(),
  body: text("body").notNull(),
});
