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
  p: { id: string; titleZh: string; titleEn: string; category: { nameZh: string; nameEn: string } }
) {
  const doc = productSearchDocument(p);
  return [
    ctx.db.delete(productSearch).where(eq(productSearch.productId, p.id)),
    ctx.db.insert(productSearch).values({ productId: p.id, ...doc }),
  ] as const;
}

export const SEARCH_PAGE_SIZE = 20;
/** Only the best-ranked matches are paged (50 pages); a broader query shows "1,000+" and asks for more words. */
export const SEARCH_MAX_HITS = 1000;

/** The search query for a MATCH expression and a row offset (exported for the query-plan test). */
export function searchStatement(match: string, offset: number) {
  return sql`
    WITH hits AS (
      SELECT product_id, bm25(product_search, 0.0, 10.0, 1.0) AS rank
        FROM product_search WHERE product_search MATCH ${match}
       ORDER BY rank LIMIT ${SEARCH_MAX_HITS + 1}
    ), found AS (
      SELECT hits.product_id AS id, hits.rank AS rank, p.sold_count AS sold, p.status = 'on_shelf' AS listed,
             sum(p.status = 'on_shelf') OVER () AS total, count(*) OVER () AS matched
        FROM hits CROSS JOIN products p ON p.id = hits.product_id
       ORDER BY listed DESC, hits.rank, p.sold_count DESC, p.id
       LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${offset}
    )
    SELECT ${sql.raw(PRODUCT_CARD_COLUMNS)}, found.total AS total, found.matched AS matched, found.listed AS listed
      FROM found CROSS JOIN products ON products.id = found.id
     ORDER BY found.listed DESC, found.rank, found.sold DESC, products.id`;
}

/**
 * Ranked full-text search over on-shelf products (bm25, titles weighted 10× the category words),
 * then best sellers. One D1 round trip. FTS5 ranks the matches and keeps the best
 * SEARCH_MAX_HITS (+1, to know there are more); only those are looked up in products — hits first
 * (CROSS JOIN fixes the loop order, else SQLite walks the whole shelf index) — for the page, the
 * total and whether it was capped. So a broad word ("fresh" matches half the catalogue through its
 * category) costs bounded work. Off-shelf hits sort last and are dropped.
 */
export async function searchProducts(
  ctx: AppContext,
  query: string,
  locale: string,
  page: number
): Promise<{ rows: ProductCardView[]; total: number; capped: boolean; page: number; pageCount: number }> {
  const match = matchExpression(query);
  if (!match) return { rows: [], total: 0, capped: false, page: 1, pageCount: 0 };
  const offset = (page - 1) * SEARCH_PAGE_SIZE;
  const result = await ctx.db.all<ProductCardRow & { total: number; matched: number; listed: number }>(searchStatement(match, offset));
  const capped = (result[0]?.matched ?? 0) > SEARCH_MAX_HITS;
  const total = Math.min(result[0]?.total ?? 0, SEARCH_MAX_HITS);
  const now = Date.now();
  return {
    rows: result.filter((r) => r.listed === 1).flatMap((r) => cardFromRow(r, locale, now)),
    total,
    capped,
    page,
    pageCount: Math.ceil(total / SEARCH_PAGE_SIZE),
  };
}
