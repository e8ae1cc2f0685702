import { and, asc, count, eq, like, or } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { products } from "~/db/schema";
import { purgeCatalogueStatement } from "~/lib/edge-cache.server";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";

/**
 * The products chosen for the members' exclusive discount (SPEC §6, "gold 20% off selected
 * items"). The discount is platform-funded, so the platform (an admin with the settings
 * permission) chooses; the pricing engine applies each shopper's level discount to these products
 * at checkout (orders/promotions.server.ts), and product pages show the members' prices.
 */
export const MEMBER_PRODUCTS_PAGE = 30;

export async function listMemberProducts(ctx: AppContext, input: { q: string; page: number; locale: string }) {
  const q = input.q.trim();
  const search = q ? or(like(products.titleZh, `%${q}%`), like(products.titleEn, `%${q}%`)) : undefined;
  const where = and(eq(products.status, "on_shelf"), search);
  const [rows, [total], [chosen]] = await ctx.db.batch([
    ctx.db
      .select({ id: products.id, titleZh: products.titleZh, titleEn: products.titleEn, memberExclusive: products.memberExclusive })
      .from(products)
      .where(where)
      // Chosen ones first, then by title: what is on offer is what an admin checks most.
      .orderBy(asc(products.memberExclusive), asc(products.titleZh))
      .limit(MEMBER_PRODUCTS_PAGE)
      .offset((input.page - 1) * MEMBER_PRODUCTS_PAGE),
    ctx.db.select({ n: count() }).from(products).where(where),
    ctx.db.select({ n: count() }).from(products).where(and(eq(products.status, "on_shelf"), eq(products.memberExclusive, true))),
  ]);
  return {
    products: rows.map((r) => ({ id: r.id, title: input.locale === "en" ? r.titleEn : r.titleZh, memberExclusive: r.memberExclusive })).sort((a, b) => Number(b.memberExclusive) - Number(a.memberExclusive)),
    total: total?.n ?? 0,
    chosen: chosen?.n ?? 0,
  };
}

/** Adds a product to the members' exclusive list or takes it off: the change, its audit record and the catalogue cache purge in one batch. */
export async function setMemberExclusive(ctx: AppContext, input: { adminUserId: string; productId: string; exclusive: boolean }): Promise<Result<{ changed: boolean }, "not_found">> {
  const product = await ctx.db.query.products.findFirst({ where: eq(products.id, input.productId), columns: { id: true, memberExclusive: true } });
  if (!product) return fail("not_found", "productId");
  if (product.memberExclusive === input.exclusive) return ok({ changed: false });
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(products).set({ memberExclusive: input.exclusive, updatedAt: now }).where(eq(products.id, input.productId)),
    auditStatement(ctx, {
      actorUserId: input.adminUserId,
      action: input.exclusive ? "setting.member_exclusive_add" : "setting.member_exclusive_remove",
      entityType: "product",
      entityId: input.productId,
    }),
    purgeCatalogueStatement(ctx, now),
  ]);
  return ok({ changed: true });
}
