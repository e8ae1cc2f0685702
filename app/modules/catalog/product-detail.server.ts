import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { productImages, products, skuPriceHistory, skus } from "~/db/schema";
import { imageUrl } from "./queries.server";
import { parseVariants } from "./images";
import { referencePriceFen } from "./reference-price";
import type { MemberLevel } from "~/modules/membership/levels";
import { basisPointsOf } from "~/modules/pricing";
import { parseSettingValue, SETTING_DEFAULTS } from "~/modules/settings/catalogue";

export interface ProductDetailView {
  id: string;
  title: string;
  description: string;
  unit: string;
  soldCount: number;
  category: { slug: string; name: string };
  merchant: { id: string; name: string };
  /** `widths`: resized copies beside the original (`<url>@<w>w`), for srcset. */
  images: Array<{ url: string; width: number | null; height: number | null; widths: number[] }>;
  skus: Array<{ id: string; spec: string; priceFen: number; wasPriceFen: number | null; stock: number; inStock: boolean }>;
  /**
   * A member-exclusive product's price for each level with a discount (silver, then gold), on its
   * cheapest SKU: the same for every visitor, so the page stays cacheable; checkout applies the
   * shopper's own level.
   */
  memberPrices: Array<{ level: MemberLevel; discountBp: number; priceFen: number }>;
}

/**
 * An on-shelf product with its SKUs, images, merchant, category and price history:
 * one db.batch, so one D1 round trip.
 */
export async function getProductDetail(ctx: AppContext, id: string, locale: string, now = Date.now()): Promise<ProductDetailView | null> {
  const en = locale === "en";
  const [productRows, skuRows, imageRows, historyRows] = await ctx.db.batch([
    ctx.db
      // No joins inside a batch: D1 batch rows are keyed by column name, so a joined table's `id`
      // or `name` would collide. Merchant and category come from correlated subqueries instead.
      .select({
        id: products.id,
        titleZh: products.titleZh,
        titleEn: products.titleEn,
        descriptionZh: products.descriptionZh,
        descriptionEn: products.descriptionEn,
        unit: products.unit,
        soldCount: products.soldCount,
        memberExclusive: products.memberExclusive,
        levels: sql<string | null>`(SELECT value FROM settings WHERE key = 'membership.levels')`,
        merchantId: products.merchantId,
        merchantName: sql<string>`(SELECT m.name FROM merchants m WHERE m.id = "products"."merchant_id")`,
        categorySlug: sql<string>`(SELECT c.slug FROM categories c WHERE c.id = "products"."category_id")`,
        categoryNameZh: sql<string>`(SELECT c.name_zh FROM categories c WHERE c.id = "products"."category_id")`,
        categoryNameEn: sql<string>`(SELECT c.name_en FROM categories c WHERE c.id = "products"."category_id")`,
      })
      .from(products)
      .where(and(eq(products.id, id), eq(products.status, "on_shelf"))),
    ctx.db.select().from(skus).where(and(eq(skus.productId, id), eq(skus.status, "active"))).orderBy(asc(skus.sort)),
    ctx.db.select().from(productImages).where(eq(productImages.productId, id)).orderBy(asc(productImages.sort)),
    ctx.db
      .select()
      .from(skuPriceHistory)
      .where(inArray(skuPriceHistory.skuId, ctx.db.select({ id: skus.id }).from(skus).where(eq(skus.productId, id)))),
  ]);
  const row = productRows[0];
  if (!row || skuRows.length === 0) return null;
  const levels = parseSettingValue("membership.levels", row.levels) ?? SETTING_DEFAULTS["membership.levels"];
  const cheapestFen = Math.min(...skuRows.map((s) => s.priceFen));
  const memberPrices = row.memberExclusive
    ? (["silver", "gold"] as const).filter((l) => levels[l].discountBp > 0).map((level) => ({ level, discountBp: levels[level].discountBp, priceFen: cheapestFen - basisPointsOf(cheapestFen, levels[level].discountBp) }))
    : [];
  return {
    id: row.id,
    title: en ? row.titleEn : row.titleZh,
    description: en ? row.descriptionEn : row.descriptionZh,
    unit: row.unit,
    soldCount: row.soldCount,
    category: { slug: row.categorySlug, name: en ? row.categoryNameEn : row.categoryNameZh },
    merchant: { id: row.merchantId, name: row.merchantName },
    memberPrices,
    images: imageRows.map((i) => ({ url: imageUrl(i.r2Key)!, width: i.width, height: i.height, widths: parseVariants(i.variants) })),
    skus: skuRows.map((s) => ({
      id: s.id,
      spec: en ? s.specEn : s.specZh,
      priceFen: s.priceFen,
      wasPriceFen: referencePriceFen(
        historyRows.filter((h) => h.skuId === s.id),
        s.priceFen,
        now,
      ),
      stock: s.stock,
      inStock: s.stock > 0,
    })),
  };
}
