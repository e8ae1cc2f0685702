import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { readBatch } from "~/db/raw-batch.server";
import { referencePriceFen, type PricePoint } from "./reference-price";
import { parseVariants } from "./images";

export interface CategoryView {
  id: string;
  slug: string;
  name: string;
}

interface CategoryRow {
  id: string;
  slug: string;
  name_zh: string;
  name_en: string;
}

const TOP_CATEGORIES = sql`SELECT id, slug, name_zh, name_en FROM categories WHERE parent_id IS NULL ORDER BY sort`;

function categoryView(c: CategoryRow, locale: string): CategoryView {
  return { id: c.id, slug: c.slug, name: locale === "en" ? c.name_en : c.name_zh };
}

export async function listTopCategories(ctx: AppContext, locale: string): Promise<CategoryView[]> {
  return (await ctx.db.all<CategoryRow>(TOP_CATEGORIES)).map((c) => categoryView(c, locale));
}

export interface ProductCardView {
  id: string;
  title: string;
  unit: string;
  skuId: string;
  priceFen: number;
  /** A true recent price, struck through beside the price; null when there is none. */
  wasPriceFen: number | null;
  soldCount: number;
  inStock: boolean;
  imageUrl: string | null;
  /** Widths of the image's resized copies (`<url>@<w>w`) for srcset; empty for SVG and originals only. */
  imageWidths: number[];
}

export interface ProductCardRow {
  id: string;
  title_zh: string;
  title_en: string;
  unit: string;
  sold_count: number;
  sku_id: string | null;
  price_fen: number | null;
  stock: number;
  image: string | null;
  /** JSON widths of the first image's resized copies (product_images.variants), if any. */
  image_variants?: string | null;
  /** JSON [[priceFen, effectiveAt], …] of the card's SKU, for the truthful struck price. */
  price_history: string | null;
}

const CHEAPEST_SKU = `(SELECT s.id FROM skus s WHERE s.product_id = products.id AND s.status = 'active' ORDER BY s.price_fen, s.sort LIMIT 1)`;

/**
 * Columns of a product card: its cheapest active SKU, that SKU's price and price history (for the
 * struck reference price), the stock across active SKUs and the first image. Correlated subqueries
 * on indexed columns (skus_product_idx, product_images_product_idx, sku_price_history's key), so a
 * page of 20–40 cards costs one round trip.
 */
export const PRODUCT_CARD_COLUMNS = `products.id AS id, products.title_zh AS title_zh, products.title_en AS title_en,
  products.unit AS unit, products.sold_count AS sold_count,
  ${CHEAPEST_SKU} AS sku_id,
  (SELECT min(s.price_fen) FROM skus s WHERE s.product_id = products.id AND s.status = 'active') AS price_fen,
  (SELECT coalesce(sum(s.stock), 0) FROM skus s WHERE s.product_id = products.id AND s.status = 'active') AS stock,
  (SELECT i.r2_key FROM product_images i WHERE i.product_id = products.id ORDER BY i.sort LIMIT 1) AS image,
  (SELECT i.variants FROM product_images i WHERE i.product_id = products.id ORDER BY i.sort LIMIT 1) AS image_variants,
  (SELECT json_group_array(json_array(h.price_fen, h.effective_at)) FROM sku_price_history h WHERE h.sku_id = ${CHEAPEST_SKU}) AS price_history`;

export function imageUrl(key: string | null): string | null {
  return key ? `/images/${key}` : null;
}

function priceHistory(json: string | null): PricePoint[] {
  if (!json) return [];
  return (JSON.parse(json) as [number, number][]).map(([priceFen, effectiveAt]) => ({ priceFen, effectiveAt }));
}

/** A card from a PRODUCT_CARD_COLUMNS row; none when the product has no active SKU. */
export function cardFromRow(r: ProductCardRow, locale: string, now: number): ProductCardView[] {
  if (r.price_fen === null || r.sku_id === null) return [];
  return [
    {
      id: r.id,
      title: locale === "en" ? r.title_en : r.title_zh,
      unit: r.unit,
      skuId: r.sku_id,
      priceFen: r.price_fen,
      wasPriceFen: referencePriceFen(priceHistory(r.price_history), r.price_fen, now),
      soldCount: r.sold_count,
      inStock: r.stock > 0,
      imageUrl: imageUrl(r.image),
      imageWidths: parseVariants(r.image_variants),
    },
  ];
}

/** The query for a page of on-shelf products, best sellers first (products_shelf_idx / products_category_idx). */
export function shelfQuery(opts: { limit: number; offset?: number; categoryId?: string; categorySlug?: string }) {
  const category = opts.categoryId
    ? sql`AND products.category_id = ${opts.categoryId}`
    : opts.categorySlug
    ? sql`AND products.category_id = (SELECT c.id FROM categories c WHERE c.slug = ${opts.categorySlug})`
    : sql``;
  return sql`
    SELECT ${sql.raw(PRODUCT_CARD_COLUMNS)}
      FROM products
     WHERE products.status = 'on_shelf' ${category}
     ORDER BY products.sold_count DESC, products.id
     LIMIT ${opts.limit} OFFSET ${opts.offset ?? 0}`;
}

/** On-shelf products, best sellers first: one round trip. */
export async function listShelfProducts(
  ctx: AppContext,
  locale: string,
  opts: { limit: number; offset?: number; categoryId?: string; now?: number }
): Promise<ProductCardView[]> {
  const rows = await ctx.db.all<ProductCardRow>(shelfQuery(opts));
  const now = opts.now ?? Date.now();
  return rows.flatMap((r) => cardFromRow(r, locale, now));
}

/**
 * A storefront shelf in one D1 round trip (one batch): the top-level categories and a page of the
 * chosen category's products (by slug; the best sellers of all categories without one).
 */
export async function loadShelf(
  ctx: AppContext,
  locale: string,
  opts: { limit: number; categorySlug?: string; now?: number }
): Promise<{ categories: CategoryView[]; products: ProductCardView[] }> {
  const [categoryRows, productRows] = await readBatch<[CategoryRow, ProductCardRow]>(ctx, [TOP_CATEGORIES, shelfQuery(opts)]);
  const now = opts.now ?? Date.now();
  return { categories: categoryRows.map((c) => categoryView(c, locale)), products: productRows.flatMap((r) => cardFromRow(r, locale, now)) };
}
