import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { favourites, products } from "~/db/schema";
import { cardFromRow, PRODUCT_CARD_COLUMNS, type ProductCardRow, type ProductCardView } from "~/modules/catalog/queries.server";

export const MAX_FAVOURITES = 200;

export async function isFavourite(ctx: AppContext, userId: string, productId: string): Promise<boolean> {
  const row = await ctx.db.query.favourites.findFirst({ where: and(eq(favourites.userId, userId), eq(favourites.productId, productId)) });
  return row !== undefined;
}

/** Adds or removes a favourite; returns the new state. Unknown products are refused. */
export async function setFavourite(ctx: AppContext, userId: string, productId: string, on: boolean): Promise<"added" | "removed" | "not_found" | "full"> {
  if (!on) {
    await ctx.db.delete(favourites).where(and(eq(favourites.userId, userId), eq(favourites.productId, productId)));
    return "removed";
  }
  const exists = await ctx.db.query.products.findFirst({ where: eq(products.id, productId), columns: { id: true } });
  if (!exists) return "not_found";
  const [{ n }] = (await ctx.db.select({ n: sql<number>`count(*)` }).from(favourites).where(eq(favourites.userId, userId))) as [{ n: number }];
  if (n >= MAX_FAVOURITES) return "full";
  await ctx.db.insert(favourites).values({ userId, productId, createdAt: Date.now() }).onConflictDoNothing();
  return "added";
}

/** Favourited products still on the shelf, newest first, as product cards. */
export async function listFavourites(ctx: AppContext, userId: string, locale: string): Promise<ProductCardView[]> {
  const rows = await ctx.db.all<ProductCardRow>(sql`
    SELECT ${sql.raw(PRODUCT_CARD_COLUMNS)}
      FROM favourites f JOIN products ON products.id = f.product_id
     WHERE f.user_id = ${userId} AND products.status = 'on_shelf'
     ORDER BY f.created_at DESC
     LIMIT ${MAX_FAVOURITES}`);
  const now = Date.now();
  return rows.flatMap((r) => cardFromRow(r, locale, now));
}

