import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { categories, products } from "~/db/schema";

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
  priceFen: number;
  soldCount: number;
  inStock: boolean;
  imageUrl: string | null;
}

// Correlated subqueries name the outer table explicitly: drizzle renders single-table columns unqualified.
const minPrice = sql<number | null>`(SELECT min(s.price_fen) FROM skus s WHERE s.product_id = "products"."id" AND s.status = 'active')`;
const stock = sql<number>`(SELECT coalesce(sum(s.stock), 0) FROM skus s WHERE s.product_id = "products"."id" AND s.status = 'active')`;
const firstImage = sql<string | null>`(SELECT i.r2_key FROM product_images i WHERE i.product_id = "products"."id" ORDER BY i.sort LIMIT 1)`;

/** On-shelf products, best sellers first, with their lowest active SKU price and first image. */
export async function listShelfProducts(
  ctx: AppContext,
  locale: string,
  opts: { limit: number; categoryId?: string },
): Promise<ProductCardView[]> {
  const rows = await ctx.db
    .select({
      id: products.id,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      unit: products.unit,
      soldCount: products.soldCount,
      priceFen: minPrice,
      stock,
      image: firstImage,
    })
    .from(products)
    .where(and(eq(products.status, "on_shelf"), opts.categoryId ? eq(products.categoryId, opts.categoryId) : undefined))
    .orderBy(desc(products.soldCount), asc(products.id))
    .limit(opts.limit);
  return rows.flatMap((r) =>
    r.priceFen === null
      ? []
      : [
          {
            id: r.id,
            title: locale === "en" ? r.titleEn : r.titleZh,
            unit: r.unit,
            priceFen: r.priceFen,
            soldCount: r.soldCount,
            inStock: r.stock > 0,
            imageUrl: r.image ? `/images/${r.image}` : null,
          },
        ],
  );
}
