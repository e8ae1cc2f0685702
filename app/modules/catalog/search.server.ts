import { eq, sql } from "drizzle-orm";
import { productSearch } from "~/db/search-table";
import type { AppContext } from "~/context.server";
import { indexTokens, matchExpression } from "./search-tokens";
import { cardFromRow, PRODUCT_CARD_COLUMNS, type ProductCardRow, type ProductCardView } from "./queries.server";

/** What goes into the search index for a product: titles weigh more than the category words. */
export function productSearchDocument(p: { titleZh: string; titleEn: string; category: { nameZh: string; nameEn: string } }) {
  return {
    title: indexTokens(`${p.titleZh} ${p.titleEn}`),
    body: indexTokens(`${p.category.nameZh} ${p.category.nameEn}`),
  };
}

/** The statements that (re)index one product; run them in the same batch as the product write. */
export function reindexProductStatements(
  ctx: Pick<AppContext, "db">,
  p: { id: string; titleZh: string; titleEn: string; category: { nameZh: string; nameEn: string } },
) {
  const doc = productSearchDocument(p);
  return [
    ctx.db.delete(productSearch).where(eq(productSearch.productId, p.id)),
    ctx.db.insert(productSearch).values({ productId: p.id, ...doc }),
  ] as const;
}

export const SEARCH_PAGE_SIZE = 20;

/**
 * Ranked full-text search over on-shelf products (bm25, titles weighted 10× the category words),
 * then best sellers. One D1 round trip: the page of rows plus the total in a window function.
 */
export async function searchProducts(
  ctx: AppContext,
  query: string,
  locale: string,
  page: number,
): Promise<{ rows: ProductCardView[]; total: number; page: number; pageCount: number }> {
  const match = matchExpression(query);
  if (!match) return { rows: [], total: 0, page: 1, pageCount: 0 };
  const offset = (page - 1) * SEARCH_PAGE_SIZE;
  const result = await ctx.db.all<ProductCardRow & { total: number }>(sql`
    SELECT ${sql.raw(PRODUCT_CARD_COLUMNS)}, count(*) OVER () AS total
      FROM (SELECT product_id, bm25(product_search, 0.0, 10.0, 1.0) AS rank FROM product_search WHERE product_search MATCH ${match}) hits
      JOIN products ON products.id = hits.product_id
     WHERE products.status = 'on_shelf'
     ORDER BY hits.rank, products.sold_count DESC, products.id
     LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset}`);
  const total = result[0]?.total ?? 0;
  const now = Date.now();
  return {
    rows: result.flatMap((r) => cardFromRow(r, locale, now)),
    total,
    page,
    pageCount: Math.ceil(total / SEARCH_PAGE_SIZE),
  };
}
