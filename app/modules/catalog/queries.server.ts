import { asc, inArray, isNull, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { categories, skuPriceHistory } from "~/db/schema";
import { referencePriceFen } from "./reference-price";

export interface CategoryView {
  id: string;
  slug: string;
  name: string;
}

export async function listTopCategories(ctx: AppContext, locale: string): Promise<CategoryView[]> {
  const rows = await ctx.db.select().from(categories).where(isNull(categories.parentId)).orderBy(asc(categories.sort));
  return rows.map((c) => ({ id: c.id, slug: c.slug, name: locale === "en" ? c.nameEn : c.nameZh }));
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
}

/**
 * Columns of a product card: its cheapest active SKU, that SKU's price, the stock across active
 * SKUs and the first image. Correlated subqueries on indexed columns (skus_product_idx,
 * product_images_product_idx), so a page of 20–40 cards costs one round trip.
 */
export const PRODUCT_CARD_COLUMNS = `products.id AS id, products.title_zh AS title_zh, products.title_en AS title_en,
  products.unit AS unit, products.sold_count AS sold_count,
  (SELECT s.id FROM skus s WHERE s.product_id = products.id AND s.status = 'active' ORDER BY s.price_fen, s.sort LIMIT 1) AS sku_id,
  (SELECT min(s.price_fen) FROM skus s WHERE s.product_id = products.id AND s.status = 'active') AS price_fen,
  (SELECT coalesce(sum(s.stock), 0) FROM skus s WHERE s.product_id = products.id AND s.status = 'active') AS stock,
  (SELECT i.r2_key FROM product_images i WHERE i.product_id = products.id ORDER BY i.sort LIMIT 1) AS image`;

export function imageUrl(key: string | null): string | null {
  return key ? `/images/${key}` : null;
}

export function cardFromRow(r: ProductCardRow, locale: string): ProductCardView[] {
  if (r.price_fen === null || r.sku_id === null) return [];
  return [
    {
      id: r.id,
      title: locale === "en" ? r.title_en : r.title_zh,
      unit: r.unit,
      skuId: r.sku_id,
      priceFen: r.price_fen,
      wasPriceFen: null,
      soldCount: r.sold_count,
      inStock: r.stock > 0,
      imageUrl: imageUrl(r.image),
    },
  ];
}

/** Fills `wasPriceFen` for a page of cards with one query over their SKUs' price history. */
export async function withReferencePrices(ctx: AppContext, cards: ProductCardView[], now: number): Promise<ProductCardView[]> {
  if (cards.length === 0) return cards;
  const rows = await ctx.db
    .select()
    .from(skuPriceHistory)
    .where(inArray(skuPriceHistory.skuId, [...new Set(cards.map((c) => c.skuId))]));
  const bySku = new Map<string, typeof rows>();
  for (const r of rows) bySku.set(r.skuId, [...(bySku.get(r.skuId) ?? []), r]);
  return cards.map((c) => ({ ...c, wasPriceFen: referencePriceFen(bySku.get(c.skuId) ?? [], c.priceFen, now) }));
}

/** On-shelf products, best sellers first (index products_shelf_idx / products_category_idx). */
export async function listShelfProducts(
  ctx: AppContext,
  locale: string,
  opts: { limit: number; offset?: number; categoryId?: string; now?: number },
): Promise<ProductCardView[]> {
  const rows = await ctx.db.all<ProductCardRow>(sql`
    SELECT ${sql.raw(PRODUCT_CARD_COLUMNS)}
      FROM products
     WHERE products.status = 'on_shelf' ${opts.categoryId ? sql`AND products.category_id = ${opts.categoryId}` : sql``}
     ORDER BY products.sold_count DESC, products.id
     LIMIT ${opts.limit} OFFSET ${opts.offset ?? 0}`);
  return withReferencePrices(ctx, rows.flatMap((r) => cardFromRow(r, locale)), opts.now ?? Date.now());
}
