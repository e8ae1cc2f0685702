import { and, eq, inArray, sql } from "drizzle-orm";
import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "./schemas";

export { MAX_CART_LINES, MAX_LINE_QUANTITY, Quantity, SkuId } from "./schemas";
import type { AppContext } from "~/context.server";
import { cartItems, merchants, productImages, products, skus } from "~/db/schema";
import { fail, ok, type Result } from "~/lib/result";
import { imageUrl } from "~/modules/catalog/queries.server";


export interface CartLine {
  skuId: string;
  quantity: number;
  productId: string;
  merchantId: string;
  merchantName: string;
  categoryId: string;
  title: string;
  spec: string;
  unitPriceFen: number;
  stock: number;
  /** False when the product left the shelf or the SKU was withdrawn: shown, but not bought. */
  available: boolean;
  imageUrl: string | null;
}

/** The quantities a cart holds, from D1 (signed in) or from the guest cookie. */
export type CartQuantities = Array<{ skuId: string; quantity: number }>;

/** Current catalogue facts for the SKUs in a cart (one query), in the cart's order. */
export async function describeCart(ctx: AppContext, items: CartQuantities, locale: string): Promise<CartLine[]> {
  if (items.length === 0) return [];
  const en = locale === "en";
  const rows = await ctx.db
    .select({
      skuId: skus.id,
      productId: products.id,
      merchantId: products.merchantId,
      merchantName: merchants.name,
      categoryId: products.categoryId,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      specZh: skus.specZh,
      specEn: skus.specEn,
      priceFen: skus.priceFen,
      stock: skus.stock,
      skuStatus: skus.status,
      productStatus: products.status,
      image: sql<string | null>`(SELECT i.r2_key FROM ${productImages} i WHERE i.product_id = ${products.id} ORDER BY i.sort LIMIT 1)`,
    })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .innerJoin(merchants, eq(merchants.id, products.merchantId))
    .where(inArray(skus.id, items.map((i) => i.skuId)));
  const bySku = new Map(rows.map((r) => [r.skuId, r]));
  return items.flatMap((item) => {
    const r = bySku.get(item.skuId);
    if (!r) return [];
    return [
      {
        skuId: r.skuId,
        quantity: item.quantity,
        productId: r.productId,
        merchantId: r.merchantId,
        merchantName: r.merchantName,
        categoryId: r.categoryId,
        title: en ? r.titleEn : r.titleZh,
        spec: en ? r.specEn : r.specZh,
        unitPriceFen: r.priceFen,
        stock: r.stock,
        available: r.skuStatus === "active" && r.productStatus === "on_shelf",
        imageUrl: imageUrl(r.image),
      },
    ];
  });
}

export async function getCartQuantities(ctx: AppContext, userId: string): Promise<CartQuantities> {
  return ctx.db
    .select({ skuId: cartItems.skuId, quantity: cartItems.quantity })
    .from(cartItems)
    .where(eq(cartItems.userId, userId))
    .orderBy(cartItems.createdAt);
}

export type CartError = "sku_not_found" | "cart_full";

async function assertSellable(ctx: AppContext, skuId: string): Promise<boolean> {
  const row = await ctx.db
    .select({ id: skus.id })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.id, skuId), eq(skus.status, "active"), eq(products.status, "on_shelf")))
    .limit(1);
  return row.length === 1;
}

/** Adds `quantity` (or sets it when `mode` is "set"; 0 removes the line). Quantities cap at 99. */
export async function changeCartLine(
  ctx: AppContext,
  userId: string,
  input: { skuId: string; quantity: number; mode: "add" | "set" },
): Promise<Result<{ quantity: number }, CartError>> {
  const now = Date.now();
  if (input.mode === "set" && input.quantity === 0) {
    await ctx.db.delete(cartItems).where(and(eq(cartItems.userId, userId), eq(cartItems.skuId, input.skuId)));
    return ok({ quantity: 0 });
  }
  if (!(await assertSellable(ctx, input.skuId))) return fail("sku_not_found", "skuId");
  const [{ n }] = (await ctx.db.select({ n: sql<number>`count(*)` }).from(cartItems).where(eq(cartItems.userId, userId))) as [{ n: number }];
  const existing = await ctx.db.query.cartItems.findFirst({ where: and(eq(cartItems.userId, userId), eq(cartItems.skuId, input.skuId)) });
  if (!existing && n >= MAX_CART_LINES) return fail("cart_full", "skuId");
  const quantity = Math.min(MAX_LINE_QUANTITY, input.mode === "add" ? (existing?.quantity ?? 0) + input.quantity : input.quantity);
  await ctx.db
    .insert(cartItems)
    .values({ userId, skuId: input.skuId, quantity, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [cartItems.userId, cartItems.skuId], set: { quantity, updatedAt: now } });
  return ok({ quantity });
}

/** On sign-in: the guest cart's lines are added to the account's cart (quantities summed, capped). */
export async function mergeGuestCart(ctx: AppContext, userId: string, guest: CartQuantities): Promise<void> {
  if (guest.length === 0) return;
  const sellable = await ctx.db
    .select({ id: skus.id })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(inArray(skus.id, guest.map((g) => g.skuId)), eq(skus.status, "active"), eq(products.status, "on_shelf")));
  const ok = new Set(sellable.map((s) => s.id));
  const now = Date.now();
  const rows = guest.filter((g) => ok.has(g.skuId)).slice(0, MAX_CART_LINES);
  if (rows.length === 0) return;
  const [first, ...rest] = rows.map((g) =>
    ctx.db
      .insert(cartItems)
      .values({ userId, skuId: g.skuId, quantity: Math.min(MAX_LINE_QUANTITY, g.quantity), createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [cartItems.userId, cartItems.skuId],
        set: { quantity: sql`min(${MAX_LINE_QUANTITY}, ${cartItems.quantity} + ${g.quantity})`, updatedAt: now },
      }),
  );
  await ctx.db.batch([first!, ...rest]);
}
