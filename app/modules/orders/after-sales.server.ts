import { and, eq, inArray } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { orders, refunds } from "~/db/schema";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { isStateConflict, transitionStatements } from "./orders.server";
import { CANCELLABLE, canRequestRefund } from "./state-machine";
import { MAX_PHOTO_BYTES, MAX_PHOTOS, type AfterSalesReason } from "./after-sales";

export { AFTER_SALES_REASONS, MAX_PHOTOS, MAX_PHOTO_BYTES, type AfterSalesReason } from "./after-sales";


/** Recognises JPEG, PNG and WebP by their first bytes (the declared type is not trusted). */
export function sniffImage(bytes: Uint8Array): { type: "image/jpeg" | "image/png" | "image/webp"; ext: string } | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { type: "image/jpeg", ext: "jpg" };
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return { type: "image/png", ext: "png" };
  if (String.fromCharCode(...bytes.slice(0, 4)) === "RIFF" && String.fromCharCode(...bytes.slice(8, 12)) === "WEBP") return { type: "image/webp", ext: "webp" };
  return null;
}

export type AfterSalesError = "order_not_found" | "not_refundable" | "already_requested" | "photo_invalid" | "photo_too_large" | "too_many_photos" | "state_conflict";

/**
 * A shopper's after-sales request (退款/售后) for a paid order: reason, note and up to three photos
 * (stored in R2). The order moves to `refunding`; the merchant approves or rejects it (merchant
 * issue), and the rejection returns the order to the status saved here.
 */
export async function requestAfterSales(
  ctx: AppContext,
  input: { userId: string; orderId: string; reason: AfterSalesReason; note: string; photos: File[] },
): Promise<Result<{ refundId: string }, AfterSalesError>> {
  const order = await ctx.db.query.orders.findFirst({ where: and(eq(orders.id, input.orderId), eq(orders.userId, input.userId)) });
  if (!order) return fail("order_not_found", "orderId");
  // Before the goods are locked for delivery the shopper simply cancels (full refund) instead.
  if (!canRequestRefund(order.status) || CANCELLABLE.has(order.status) || order.paidFen <= order.refundedFen) return fail("not_refundable", "orderId");
  const open = await ctx.db.query.refunds.findFirst({ where: and(eq(refunds.orderId, order.id), inArray(refunds.status, ["requested", "approved", "processing"])) });
  if (open) return fail("already_requested", "orderId");
  const photos = input.photos.filter((f) => f.size > 0);
  if (photos.length > MAX_PHOTOS) return fail("too_many_photos", "photos");
  const checked: Array<{ bytes: Uint8Array; type: string; ext: string }> = [];
  for (const file of photos) {
    if (file.size > MAX_PHOTO_BYTES) return fail("photo_too_large", "photos");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const kind = sniffImage(bytes);
    if (!kind) return fail("photo_invalid", "photos");
    checked.push({ bytes, ...kind });
  }
  const refundId = newId("rfd");
  const keys = checked.map((p, i) => `after-sales/${refundId}/${i + 1}.${p.ext}`);
  await Promise.all(checked.map((p, i) => ctx.env.IMAGES.put(keys[i]!, p.bytes, { httpMetadata: { contentType: p.type } })));
  const now = Date.now();
  try {
    await ctx.db.batch([
      ...transitionStatements(ctx.db, {
        orderId: order.id,
        from: order.status,
        event: "request_refund",
        to: "refunding",
        actor: { type: "user", id: input.userId },
        note: input.reason,
        now,
      }),
      ctx.db.insert(refunds).values({
        id: refundId,
        orderId: order.id,
        kind: "after_sales",
        amountFen: order.paidFen - order.refundedFen,
        reason: input.reason,
        note: input.note || null,
        photos: JSON.stringify(keys),
        lines: "[]",
        status: "requested",
        returnStatus: order.status,
        createdAt: now,
        updatedAt: now,
      }),
    ]);
  } catch (error) {
    await Promise.all(keys.map((k) => ctx.env.IMAGES.delete(k)));
    if (isStateConflict(error)) return fail("state_conflict", "orderId");
    throw error;
  }
  return ok({ refundId });
}
