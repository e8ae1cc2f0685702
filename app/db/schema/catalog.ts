import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { merchants } from "./merchants";

export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    parentId: text("parent_id"),
    slug: text("slug").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    sort: integer("sort").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("categories_slug_uq").on(t.slug), index("categories_parent_idx").on(t.parentId, t.sort)],
);

export const PRODUCT_STATUSES = ["draft", "pending_review", "rejected", "on_shelf", "off_shelf"] as const;

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull().references(() => merchants.id),
    categoryId: text("category_id").notNull().references(() => categories.id),
    titleZh: text("title_zh").notNull(),
    titleEn: text("title_en").notNull(),
    descriptionZh: text("description_zh").notNull().default(""),
    descriptionEn: text("description_en").notNull().default(""),
    unit: text("unit").notNull().default("件"),
    status: text("status", { enum: PRODUCT_STATUSES }).notNull(),
    rejectReason: text("reject_reason"),
    submittedAt: integer("submitted_at"),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
    soldCount: integer("sold_count").notNull().default(0),
    /** Chosen by the platform for the members' exclusive discount (SPEC §6 "gold 20% off selected items"). */
    memberExclusive: integer("member_exclusive", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("products_merchant_idx").on(t.merchantId, t.status),
    index("products_category_idx").on(t.categoryId, t.status, t.soldCount),
    index("products_status_idx").on(t.status, t.updatedAt),
    index("products_shelf_idx").on(t.status, t.soldCount),
  ],
);

/** Sellable variants. price_fen is integer fen; stock counts units. */
export const skus = sqliteTable(
  "skus",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    specZh: text("spec_zh").notNull(),
    specEn: text("spec_en").notNull(),
    priceFen: integer("price_fen").notNull(),
    stock: integer("stock").notNull(),
    status: text("status", { enum: ["active", "inactive"] }).notNull().default("active"),
    sort: integer("sort").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("skus_product_idx").on(t.productId, t.sort)],
);

export const productImages = sqliteTable(
  "product_images",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    r2Key: text("r2_key").notNull(),
    contentType: text("content_type").notNull(),
    width: integer("width"),
    height: integer("height"),
    /** JSON array of the widths stored beside the original as `<r2_key>@<w>w` (raster uploads), e.g. [160,320,640]. */
    variants: text("variants"),
    sort: integer("sort").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("product_images_product_idx").on(t.productId, t.sort)],
);
