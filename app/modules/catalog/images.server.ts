import { and, asc, eq } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { productImages, products } from "~/db/schema";
import { purgeCatalogueStatement } from "~/lib/edge-cache.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { IMAGE_EXT, imageDimensions, MAX_IMAGE_BYTES, MAX_VARIANT_BYTES, sniffImageType, VARIANT_WIDTHS, variantKey, variantWidthsFor, type VariantWidth } from "./images";
import { MAX_IMAGES, statusAfterContentEdit, type ProductStatus } from "./manage";

/**
 * Uploading, reordering and deleting a product's images (R2 + product_images). Images are content:
 * a change to an approved product sends it back to review (./manage.ts), in the same batch.
 */
export type ImageError = "not_found" | "locked_in_review" | "too_many_images" | "image_required" | "image_type" | "image_too_large" | "image_unreadable" | "variant_invalid";

type BatchItem = Parameters<AppContext["db"]["batch"]>[0][number];

async function ownProduct(ctx: AppContext, merchantId: string, productId: string) {
  if (!/^prd_[0-9a-z]{20}$/.test(productId)) return null;
  return (await ctx.db.query.products.findFirst({ where: and(eq(products.id, productId), eq(products.merchantId, merchantId)) })) ?? null;
}

/** The product row update (and purge) that an image change brings. */
function contentChangeStatements(ctx: AppContext, product: { id: string; status: ProductStatus }, now: number): BatchItem[] {
  const status = statusAfterContentEdit(product.status);
  return [
    ctx.db
      .update(products)
      .set({ status, updatedAt: now, ...(status !== product.status ? { submittedAt: now } : {}) })
      .where(and(eq(products.id, product.id), eq(products.status, product.status))),
    ...(product.status === "on_shelf" ? [purgeCatalogueStatement(ctx, now)] : []),
  ];
}

/**
 * Stores one uploaded image: its type sniffed from the bytes (JPEG, PNG, WebP), at most 5 MB, its
 * dimensions read from the header. `variants` are the browser's resized copies (width → file);
 * each must be an image too, at most 1 MB, exactly as wide as it claims and narrower than the
 * original, else the whole upload is refused.
 */
export async function uploadProductImage(
  ctx: AppContext,
  merchantId: string,
  userId: string,
  productId: string,
  file: File | null,
  variants: Map<number, File>,
): Promise<Result<{ id: string; sentToReview: boolean }, ImageError>> {
  const product = await ownProduct(ctx, merchantId, productId);
  if (!product) return fail("not_found");
  if (product.status === "pending_review") return fail("locked_in_review", "image");
  if (!file || file.size === 0) return fail("image_required", "image");
  if (file.size > MAX_IMAGE_BYTES) return fail("image_too_large", "image");
  const count = await ctx.db.$count(productImages, eq(productImages.productId, productId));
  if (count >= MAX_IMAGES) return fail("too_many_images", "image");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImageType(bytes);
  if (!type) return fail("image_type", "image");
  const dims = imageDimensions(bytes, type);
  if (!dims) return fail("image_unreadable", "image");

  const allowedWidths = new Set<number>(variantWidthsFor(dims.width));
  const checked: Array<{ width: VariantWidth; bytes: Uint8Array; type: string }> = [];
  for (const [width, variant] of variants) {
    if (!allowedWidths.has(width) || variant.size === 0 || variant.size > MAX_VARIANT_BYTES) return fail("variant_invalid", "image");
    const vBytes = new Uint8Array(await variant.arrayBuffer());
    const vType = sniffImageType(vBytes);
    const vDims = vType ? imageDimensions(vBytes, vType) : null;
    if (!vType || !vDims || vDims.width !== width) return fail("variant_invalid", "image");
    checked.push({ width: width as VariantWidth, bytes: vBytes, type: vType });
  }

  const id = newId("img");
  const key = `products/${productId}/${id.slice(4)}.${IMAGE_EXT[type]}`;
  const widths = VARIANT_WIDTHS.filter((w) => checked.some((c) => c.width === w));
  await Promise.all([
    ctx.env.IMAGES.put(key, bytes, { httpMetadata: { contentType: type } }),
    ...checked.map((c) => ctx.env.IMAGES.put(variantKey(key, c.width), c.bytes, { httpMetadata: { contentType: c.type } })),
  ]);
  const now = Date.now();
  try {
    await ctx.db.batch([
      ctx.db.insert(productImages).values({
        id,
        productId,
        r2Key: key,
        contentType: type,
        width: dims.width,
        height: dims.height,
        variants: widths.length ? JSON.stringify(widths) : null,
        sort: count,
        createdAt: now,
      }),
      ...contentChangeStatements(ctx, product, now),
      auditStatement(ctx, { actorUserId: userId, action: "product.image_add", entityType: "product", entityId: productId, data: { imageId: id } }),
    ]);
  } catch (error) {
    await Promise.all([key, ...widths.map((w) => variantKey(key, w))].map((k) => ctx.env.IMAGES.delete(k)));
    throw error;
  }
  return ok({ id, sentToReview: product.status === "on_shelf" || product.status === "off_shelf" });
}

/** Deletes an image (row first, then its R2 objects) or moves it one place up/down. */
export async function changeProductImage(
  ctx: AppContext,
  merchantId: string,
  userId: string,
  productId: string,
  imageId: string,
  change: "delete" | "up" | "down",
): Promise<Result<null, ImageError>> {
  const product = await ownProduct(ctx, merchantId, productId);
  if (!product) return fail("not_found");
  if (product.status === "pending_review") return fail("locked_in_review", "image");
  const list = await ctx.db.select().from(productImages).where(eq(productImages.productId, productId)).orderBy(asc(productImages.sort), asc(productImages.createdAt));
  const index = list.findIndex((i) => i.id === imageId);
  if (index < 0) return fail("not_found");
  const now = Date.now();
  const order = [...list];
  if (change === "delete") order.splice(index, 1);
  else {
    const to = change === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= order.length) return ok(null);
    [order[index], order[to]] = [order[to]!, order[index]!];
  }
  await ctx.db.batch([
    auditStatement(ctx, { actorUserId: userId, action: `product.image_${change}`, entityType: "product", entityId: productId, data: { imageId } }),
    ...(change === "delete" ? [ctx.db.delete(productImages).where(eq(productImages.id, imageId))] : []),
    ...order.map((img, sort) => ctx.db.update(productImages).set({ sort }).where(eq(productImages.id, img.id))),
    ...contentChangeStatements(ctx, product, now),
  ]);
  if (change === "delete") {
    const gone = list[index]!;
    const widths = VARIANT_WIDTHS.filter((w) => (gone.variants ?? "").includes(String(w)));
    ctx.waitUntil(Promise.all([gone.r2Key, ...widths.map((w) => variantKey(gone.r2Key, w))].map((k) => ctx.env.IMAGES.delete(k))));
  }
  return ok(null);
}
