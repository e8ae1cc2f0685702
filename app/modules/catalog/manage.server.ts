import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { chunkRows } from "~/db/chunk";
import { categories, merchantCategories, merchants, productImages, products, skuPriceHistory, skus } from "~/db/schema";
import { purgeCatalogueStatement } from "~/lib/edge-cache.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { parseVariants } from "./images";
import { isContentChange, parseStock, parseYuanToFen, statusAfterContentEdit, type BulkRowError, type ProductFilter, type ProductInput, type ProductStatus } from "./manage";
import type { ImportProduct } from "./manage-csv";
import { reindexProductStatements } from "./search.server";

/**
 * The merchant's catalogue commands and the admin's review (rules in ./manage.ts). Every write that
 * changes what shoppers may see goes in ONE db.batch with the search reindex, the price history rows
 * of prices that start being shown, and the edge-cache purge.
 */
type BatchItem = Parameters<AppContext["db"]["batch"]>[0][number];

async function runBatch(ctx: AppContext, statements: BatchItem[]) {
  const [first, ...rest] = statements;
  if (first) await ctx.db.batch([first, ...rest]);
}

export interface CategoryOption {
  id: string;
  slug: string;
  nameZh: string;
  nameEn: string;
}

/** Categories the merchant may sell in (merchant_categories); all top-level ones when none is set. */
export async function listAllowedCategories(ctx: AppContext, merchantId: string): Promise<CategoryOption[]> {
  const cols = { id: categories.id, slug: categories.slug, nameZh: categories.nameZh, nameEn: categories.nameEn };
  const assigned = await ctx.db
    .select(cols)
    .from(merchantCategories)
    .innerJoin(categories, eq(categories.id, merchantCategories.categoryId))
    .where(eq(merchantCategories.merchantId, merchantId))
    .orderBy(asc(categories.sort));
  if (assigned.length) return assigned;
  return ctx.db.select(cols).from(categories).where(isNull(categories.parentId)).orderBy(asc(categories.sort));
}

/** Newest price in the history of each SKU (the price shoppers were last shown). */
async function latestHistory(ctx: AppContext, skuIds: string[]): Promise<Map<string, number>> {
  if (skuIds.length === 0) return new Map();
  const rows: Array<{ skuId: string; priceFen: number }> = [];
  for (let i = 0; i < skuIds.length; i += 90) {
    rows.push(
      ...(await ctx.db
        .select({ skuId: skuPriceHistory.skuId, priceFen: sql<number>`${skuPriceHistory.priceFen}`, at: sql<number>`max(${skuPriceHistory.effectiveAt})` })
        .from(skuPriceHistory)
        .where(inArray(skuPriceHistory.skuId, skuIds.slice(i, i + 90)))
        .groupBy(skuPriceHistory.skuId)),
    );
  }
  return new Map(rows.map((r) => [r.skuId, r.priceFen]));
}

/**
 * History rows for SKUs whose price starts being shown now (the product is on the shelf after the
 * write and the last recorded price differs). Prices of drafts are never recorded: the struck
 * "original" price may only ever be one shoppers really saw.
 */
function historyStatements(ctx: AppContext, shown: Array<{ id: string; priceFen: number }>, latest: Map<string, number>, now: number): BatchItem[] {
  const rows = shown.filter((s) => latest.get(s.id) !== s.priceFen).map((s) => ({ skuId: s.id, priceFen: s.priceFen, effectiveAt: now }));
  return chunkRows(skuPriceHistory, rows).map((chunk) =>
    ctx.db.insert(skuPriceHistory).values(chunk).onConflictDoUpdate({ target: [skuPriceHistory.skuId, skuPriceHistory.effectiveAt], set: { priceFen: sql`excluded.price_fen` } }),
  );
}

async function categoryFor(ctx: AppContext, merchantId: string, categoryId: string) {
  const allowed = await listAllowedCategories(ctx, merchantId);
  return allowed.find((c) => c.id === categoryId) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Queries


export async function listMerchantProducts(ctx: AppContext, merchantId: string, opts: { status: ProductFilter; q: string; locale: string }) {
  const where = [eq(products.merchantId, merchantId)];
  if (opts.status !== "all") where.push(eq(products.status, opts.status));
  const q = opts.q.trim().slice(0, 60);
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(sql`${products.titleZh} LIKE ${pattern} ESCAPE '\\'`, sql`${products.titleEn} LIKE ${pattern} ESCAPE '\\'`)!);
  }
  const rows = await ctx.db
    .select({
      id: products.id,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      status: products.status,
      unit: products.unit,
      rejectReason: products.rejectReason,
      updatedAt: products.updatedAt,
      image: sql<string | null>`(SELECT i.r2_key FROM product_images i WHERE i.product_id = ${products.id} ORDER BY i.sort LIMIT 1)`,
    })
    .from(products)
    .where(and(...where))
    .orderBy(desc(products.updatedAt), products.id)
    .limit(200);
  const skuRows = rows.length
    ? (
        await Promise.all(
          Array.from({ length: Math.ceil(rows.length / 90) }, (_, i) =>
            ctx.db
              .select()
              .from(skus)
              .where(inArray(skus.productId, rows.slice(i * 90, i * 90 + 90).map((r) => r.id)))
              .orderBy(asc(skus.sort)),
          ),
        )
      ).flat()
    : [];
  const en = opts.locale === "en";
  return rows.map((r) => ({
    id: r.id,
    title: en ? r.titleEn : r.titleZh,
    status: r.status,
    unit: r.unit,
    rejectReason: r.rejectReason,
    updatedAt: r.updatedAt,
    imageUrl: r.image ? `/images/${r.image}` : null,
    skus: skuRows
      .filter((s) => s.productId === r.id)
      .map((s) => ({ id: s.id, spec: en ? s.specEn : s.specZh, priceFen: s.priceFen, stock: s.stock, active: s.status === "active" })),
  }));
}

/** A product of this merchant with its SKUs and images; null for anyone else's (→ 404). */
export async function getMerchantProduct(ctx: AppContext, merchantId: string, productId: string) {
  if (!/^prd_[0-9a-z]{20}$/.test(productId)) return null;
  const [productRows, skuRows, imageRows] = await ctx.db.batch([
    ctx.db.select().from(products).where(and(eq(products.id, productId), eq(products.merchantId, merchantId))),
    ctx.db.select().from(skus).where(eq(skus.productId, productId)).orderBy(asc(skus.sort)),
    ctx.db.select().from(productImages).where(eq(productImages.productId, productId)).orderBy(asc(productImages.sort)),
  ]);
  const product = productRows[0];
  if (!product) return null;
  return {
    product,
    skus: skuRows,
    images: imageRows.map((i) => ({ ...i, url: `/images/${i.r2Key}`, widths: parseVariants(i.variants) })),
  };
}
export type MerchantProduct = NonNullable<Awaited<ReturnType<typeof getMerchantProduct>>>;

// ---------------------------------------------------------------------------------------------
// Commands

export type ManageError = "not_found" | "category_not_allowed" | "locked_in_review" | "bad_status" | "sku_not_found";

function skuValues(input: ProductInput, now: number) {
  return input.skus.map((s, i) => ({
    id: s.id,
    specZh: s.specZh,
    specEn: s.specEn,
    priceFen: parseYuanToFen(s.priceYuan)!,
    stock: parseStock(s.stock)!,
    status: s.active === "on" ? ("active" as const) : ("inactive" as const),
    sort: i,
    updatedAt: now,
  }));
}

/** A new product, saved as a draft (not visible to shoppers until approved). */
export async function createProduct(ctx: AppContext, merchantId: string, userId: string, input: ProductInput): Promise<Result<{ id: string }, ManageError>> {
  const category = await categoryFor(ctx, merchantId, input.categoryId);
  if (!category) return fail("category_not_allowed", "categoryId");
  const now = Date.now();
  const id = newId("prd");
  const skuRows = skuValues(input, now).map((s) => ({ ...s, id: newId("sku"), productId: id, createdAt: now }));
  await runBatch(ctx, [
    ctx.db.insert(products).values({
      id,
      merchantId,
      categoryId: category.id,
      titleZh: input.titleZh,
      titleEn: input.titleEn,
      descriptionZh: input.descriptionZh ?? "",
      descriptionEn: input.descriptionEn ?? "",
      unit: input.unit,
      status: "draft",
      createdAt: now,
      updatedAt: now,
    }),
    ...chunkRows(skus, skuRows).map((rows) => ctx.db.insert(skus).values(rows)),
    ...reindexProductStatements(ctx, { id, titleZh: input.titleZh, titleEn: input.titleEn, category }),
    auditStatement(ctx, { actorUserId: userId, action: "product.create", entityType: "product", entityId: id }),
  ]);
  return ok({ id });
}

/**
 * Saves the product form. Price, stock and the active switch apply at once; a content change of
 * an approved product sends it back to review (off the storefront). SKU rows left out are deleted
 * when they were never on sale (no price history), else deactivated (orders may refer to them).
 */
export async function updateProduct(
  ctx: AppContext,
  merchantId: string,
  userId: string,
  productId: string,
  input: ProductInput,
): Promise<Result<{ status: ProductStatus; sentToReview: boolean }, ManageError>> {
  const current = await getMerchantProduct(ctx, merchantId, productId);
  if (!current) return fail("not_found");
  const { product } = current;
  if (product.status === "pending_review") return fail("locked_in_review");
  const category = await categoryFor(ctx, merchantId, input.categoryId);
  if (!category) return fail("category_not_allowed", "categoryId");
  const known = new Map(current.skus.map((s) => [s.id, s]));
  for (const s of input.skus) if (s.id && !known.has(s.id)) return fail("sku_not_found", "skus");

  const now = Date.now();
  const next = skuValues(input, now).map((s) => ({ ...s, id: s.id ?? newId("sku") }));
  const content = isContentChange(
    { ...product, skus: current.skus },
    {
      titleZh: input.titleZh,
      titleEn: input.titleEn,
      descriptionZh: input.descriptionZh ?? "",
      descriptionEn: input.descriptionEn ?? "",
      categoryId: category.id,
      unit: input.unit,
      skus: next,
    },
  );
  const status = content ? statusAfterContentEdit(product.status) : product.status;
  const sentToReview = status !== product.status;
  const removed = current.skus.filter((s) => !next.some((n) => n.id === s.id)).map((s) => s.id);
  const latest = await latestHistory(ctx, current.skus.map((s) => s.id));
  const removable = removed.filter((id) => !latest.has(id));
  const retired = removed.filter((id) => latest.has(id));

  const statements: BatchItem[] = [
    ctx.db
      .update(products)
      .set({
        categoryId: category.id,
        titleZh: input.titleZh,
        titleEn: input.titleEn,
        descriptionZh: input.descriptionZh ?? "",
        descriptionEn: input.descriptionEn ?? "",
        unit: input.unit,
        status,
        updatedAt: now,
        ...(sentToReview ? { submittedAt: now } : {}),
      })
      .where(and(eq(products.id, productId), eq(products.merchantId, merchantId), eq(products.status, product.status))),
    ...next.map((s) =>
      known.has(s.id)
        ? ctx.db.update(skus).set(s).where(and(eq(skus.id, s.id), eq(skus.productId, productId)))
        : ctx.db.insert(skus).values({ ...s, productId, createdAt: now }),
    ),
    ...(removable.length ? [ctx.db.delete(skus).where(and(eq(skus.productId, productId), inArray(skus.id, removable)))] : []),
    ...(retired.length ? [ctx.db.update(skus).set({ status: "inactive", updatedAt: now }).where(and(eq(skus.productId, productId), inArray(skus.id, retired)))] : []),
    ...reindexProductStatements(ctx, { id: productId, titleZh: input.titleZh, titleEn: input.titleEn, category }),
    auditStatement(ctx, { actorUserId: userId, action: sentToReview ? "product.edit_to_review" : "product.edit", entityType: "product", entityId: productId }),
  ];
  if (status === "on_shelf") statements.push(...historyStatements(ctx, next.filter((s) => s.status === "active"), latest, now));
  if (product.status === "on_shelf") statements.push(purgeCatalogueStatement(ctx, now));
  await runBatch(ctx, statements);
  return ok({ status, sentToReview });
}

/** Draft / rejected → pending_review. */
export async function submitProduct(ctx: AppContext, merchantId: string, userId: string, productId: string): Promise<Result<null, ManageError>> {
  const current = await getMerchantProduct(ctx, merchantId, productId);
  if (!current) return fail("not_found");
  if (current.product.status !== "draft" && current.product.status !== "rejected") return fail("bad_status");
  const now = Date.now();
  await runBatch(ctx, [
    ctx.db
      .update(products)
      .set({ status: "pending_review", submittedAt: now, updatedAt: now })
      .where(and(eq(products.id, productId), eq(products.merchantId, merchantId), eq(products.status, current.product.status))),
    auditStatement(ctx, { actorUserId: userId, action: "product.submit", entityType: "product", entityId: productId }),
  ]);
  return ok(null);
}

/** on_shelf → off_shelf, or an approved off_shelf product back to on_shelf. */
export async function setShelf(ctx: AppContext, merchantId: string, userId: string, productId: string, on: boolean): Promise<Result<null, ManageError>> {
  const current = await getMerchantProduct(ctx, merchantId, productId);
  if (!current) return fail("not_found");
  const { product } = current;
  const from: ProductStatus = on ? "off_shelf" : "on_shelf";
  if (product.status !== from || (on && product.reviewedAt === null)) return fail("bad_status");
  const now = Date.now();
  const latest = on ? await latestHistory(ctx, current.skus.map((s) => s.id)) : new Map<string, number>();
  await runBatch(ctx, [
    ctx.db
      .update(products)
      .set({ status: on ? "on_shelf" : "off_shelf", updatedAt: now })
      .where(and(eq(products.id, productId), eq(products.merchantId, merchantId), eq(products.status, from))),
    ...(on ? historyStatements(ctx, current.skus.filter((s) => s.status === "active"), latest, now) : []),
    purgeCatalogueStatement(ctx, now),
    auditStatement(ctx, { actorUserId: userId, action: on ? "product.shelf_on" : "product.shelf_off", entityType: "product", entityId: productId }),
  ]);
  return ok(null);
}

/**
 * Price and stock of many SKUs at once: every row is this merchant's SKU or nothing is written;
 * price changes of on-shelf products are recorded in the history and purge the edge cache.
 */
export async function bulkUpdateSkus(
  ctx: AppContext,
  merchantId: string,
  userId: string,
  rows: Array<{ skuId: string; priceFen: number; stock: number }>,
): Promise<{ ok: true; changed: number } | { ok: false; errors: BulkRowError[] }> {
  if (rows.length === 0) return { ok: true, changed: 0 };
  const ids = rows.map((r) => r.skuId);
  const owned: Array<{ id: string; priceFen: number; stock: number; status: string; productStatus: ProductStatus }> = [];
  for (let i = 0; i < ids.length; i += 90) {
    owned.push(
      ...(await ctx.db
        .select({ id: skus.id, priceFen: skus.priceFen, stock: skus.stock, status: skus.status, productStatus: products.status })
        .from(skus)
        .innerJoin(products, eq(products.id, skus.productId))
        .where(and(inArray(skus.id, ids.slice(i, i + 90)), eq(products.merchantId, merchantId)))),
    );
  }
  const byId = new Map(owned.map((s) => [s.id, s]));
  const missing = rows.filter((r) => !byId.has(r.skuId));
  if (missing.length) return { ok: false, errors: missing.map((r) => ({ skuId: r.skuId, field: "price" as const, code: "sku_not_found" })) };
  const changed = rows.filter((r) => byId.get(r.skuId)!.priceFen !== r.priceFen || byId.get(r.skuId)!.stock !== r.stock);
  if (changed.length === 0) return { ok: true, changed: 0 };
  const now = Date.now();
  const shownPrices = changed.filter((r) => byId.get(r.skuId)!.productStatus === "on_shelf" && byId.get(r.skuId)!.status === "active");
  const latest = await latestHistory(ctx, shownPrices.map((r) => r.skuId));
  await runBatch(ctx, [
    ...changed.map((r) => ctx.db.update(skus).set({ priceFen: r.priceFen, stock: r.stock, updatedAt: now }).where(eq(skus.id, r.skuId))),
    ...historyStatements(ctx, shownPrices.map((r) => ({ id: r.skuId, priceFen: r.priceFen })), latest, now),
    ...(shownPrices.length ? [purgeCatalogueStatement(ctx, now)] : []),
    auditStatement(ctx, { actorUserId: userId, action: "product.bulk_edit", entityType: "merchant", entityId: merchantId, data: { skus: changed.length } }),
  ]);
  return { ok: true, changed: changed.length };
}

/** CSV import: every product as a draft, in one batch (inserts chunked to D1's parameter limit). */
export async function importProducts(ctx: AppContext, merchantId: string, userId: string, list: ImportProduct[]): Promise<{ ids: string[] }> {
  const allowed = new Map((await listAllowedCategories(ctx, merchantId)).map((c) => [c.id, c]));
  const now = Date.now();
  const productRows = list.map((p) => ({
    id: newId("prd"),
    merchantId,
    categoryId: p.categoryId,
    titleZh: p.titleZh,
    titleEn: p.titleEn,
    descriptionZh: p.descriptionZh,
    descriptionEn: p.descriptionEn,
    unit: p.unit,
    status: "draft" as const,
    createdAt: now,
    updatedAt: now,
  }));
  const skuRows = list.flatMap((p, i) =>
    p.skus.map((s, sort) => ({ id: newId("sku"), productId: productRows[i]!.id, ...s, status: "active" as const, sort, createdAt: now, updatedAt: now })),
  );
  await runBatch(ctx, [
    ...chunkRows(products, productRows).map((rows) => ctx.db.insert(products).values(rows)),
    ...chunkRows(skus, skuRows).map((rows) => ctx.db.insert(skus).values(rows)),
    ...productRows.flatMap((p) => reindexProductStatements(ctx, { ...p, category: allowed.get(p.categoryId)! })),
    auditStatement(ctx, { actorUserId: userId, action: "product.import", entityType: "merchant", entityId: merchantId, data: { products: productRows.length, skus: skuRows.length } }),
  ]);
  return { ids: productRows.map((p) => p.id) };
}

/** slug → id of the categories this merchant may sell in (for the CSV import). */
export async function allowedCategorySlugs(ctx: AppContext, merchantId: string): Promise<Map<string, string>> {
  return new Map((await listAllowedCategories(ctx, merchantId)).map((c) => [c.slug, c.id]));
}

// ---------------------------------------------------------------------------------------------
// Admin review

export async function listReviewQueue(ctx: AppContext) {
  const rows = await ctx.db
    .select({
      product: products,
      merchantName: merchants.name,
      categoryNameZh: categories.nameZh,
      categoryNameEn: categories.nameEn,
    })
    .from(products)
    .innerJoin(merchants, eq(merchants.id, products.merchantId))
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(eq(products.status, "pending_review"))
    .orderBy(asc(products.submittedAt), products.id)
    .limit(50);
  const ids = rows.map((r) => r.product.id);
  const [skuRows, imageRows] = ids.length
    ? await ctx.db.batch([
        ctx.db.select().from(skus).where(inArray(skus.productId, ids)).orderBy(asc(skus.sort)),
        ctx.db.select().from(productImages).where(inArray(productImages.productId, ids)).orderBy(asc(productImages.sort)),
      ])
    : [[], []];
  return rows.map((r) => ({
    ...r.product,
    merchantName: r.merchantName,
    categoryNameZh: r.categoryNameZh,
    categoryNameEn: r.categoryNameEn,
    skus: skuRows.filter((s) => s.productId === r.product.id),
    images: imageRows
      .filter((i) => i.productId === r.product.id)
      .map((i) => ({ id: i.id, url: `/images/${i.r2Key}`, width: i.width, height: i.height, widths: parseVariants(i.variants) })),
  }));
}

export type ReviewError = "not_found" | "not_pending";

/** Approve → on_shelf (price history, search, cache purge in the batch) or reject with a reason. */
export async function reviewProduct(
  ctx: AppContext,
  adminUserId: string,
  productId: string,
  decision: { approve: true } | { approve: false; reason: string },
): Promise<Result<null, ReviewError>> {
  const product = await ctx.db.query.products.findFirst({ where: eq(products.id, productId) });
  if (!product) return fail("not_found");
  if (product.status !== "pending_review") return fail("not_pending");
  const now = Date.now();
  const guard = and(eq(products.id, productId), eq(products.status, "pending_review"));
  const audit = auditStatement(ctx, {
    actorUserId: adminUserId,
    action: decision.approve ? "product.approve" : "product.reject",
    entityType: "product",
    entityId: productId,
    data: decision.approve ? undefined : { reason: decision.reason },
  });
  if (!decision.approve) {
    await runBatch(ctx, [ctx.db.update(products).set({ status: "rejected", rejectReason: decision.reason, reviewedBy: adminUserId, reviewedAt: now, updatedAt: now }).where(guard), audit]);
    return ok(null);
  }
  const [skuRows, category] = await Promise.all([
    ctx.db.select({ id: skus.id, priceFen: skus.priceFen, status: skus.status }).from(skus).where(eq(skus.productId, productId)),
    ctx.db.query.categories.findFirst({ where: eq(categories.id, product.categoryId) }),
  ]);
  const latest = await latestHistory(ctx, skuRows.map((s) => s.id));
  await runBatch(ctx, [
    ctx.db.update(products).set({ status: "on_shelf", rejectReason: null, reviewedBy: adminUserId, reviewedAt: now, updatedAt: now }).where(guard),
    ...historyStatements(ctx, skuRows.filter((s) => s.status === "active"), latest, now),
    ...(category ? reindexProductStatements(ctx, { ...product, category }) : []),
    purgeCatalogueStatement(ctx, now),
    audit,
  ]);
  return ok(null);
}

