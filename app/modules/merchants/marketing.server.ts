import { and, asc, desc, eq, gt } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { couponTemplates, limitedTimeDiscounts, products, skus } from "~/db/schema";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { checkWindow, type CreateCouponInput, type CreateDiscountInput } from "./onboarding-schemas";

/**
 * A merchant's own promotions (SPEC §4 Marketing, §6): limited-time discounts on its SKUs and
 * merchant-funded coupon templates. Stored exactly as the pricing engine reads them
 * (orders/promotions.server.ts → pricing): a discount matches by `sku_ids` (JSON array) and the
 * merchant; `fixed_price` sets the unit price, `percentage` takes `discount_bp` off it.
 */

export type PromotionState = "scheduled" | "running" | "ended";

export function promotionState(row: { status: "active" | "paused"; startsAt: number; endsAt: number }, now: number): PromotionState {
  if (row.status !== "active" || row.endsAt <= now) return "ended";
  return row.startsAt > now ? "scheduled" : "running";
}

/** The merchant's SKUs a discount may target (active SKUs of products not rejected). */
export async function listOwnSkus(ctx: AppContext, merchantId: string, locale: string) {
  const rows = await ctx.db
    .select({
      id: skus.id,
      priceFen: skus.priceFen,
      specZh: skus.specZh,
      specEn: skus.specEn,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      productStatus: products.status,
    })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(products.merchantId, merchantId), eq(skus.status, "active")))
    .orderBy(asc(products.titleZh), asc(skus.sort))
    .limit(500);
  return rows
    .filter((r) => r.productStatus !== "rejected")
    .map((r) => ({
      id: r.id,
      priceFen: r.priceFen,
      label: locale === "en" ? `${r.titleEn} · ${r.specEn}` : `${r.titleZh} · ${r.specZh}`,
    }));
}

const ids = (json: string | null): string[] => (json ? (JSON.parse(json) as string[]) : []);

export async function listPromotions(ctx: AppContext, merchantId: string, now = Date.now()) {
  const [discounts, coupons] = await ctx.db.batch([
    ctx.db.select().from(limitedTimeDiscounts).where(eq(limitedTimeDiscounts.merchantId, merchantId)).orderBy(desc(limitedTimeDiscounts.createdAt)).limit(100),
    ctx.db
      .select()
      .from(couponTemplates)
      .where(and(eq(couponTemplates.merchantId, merchantId), eq(couponTemplates.funding, "merchant")))
      .orderBy(desc(couponTemplates.createdAt))
      .limit(100),
  ]);
  return {
    discounts: discounts.map((d) => ({
      id: d.id,
      name: d.name,
      kind: d.kind,
      discountBp: d.discountBp,
      unitPriceFen: d.unitPriceFen,
      skuIds: ids(d.skuIds),
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      state: promotionState(d, now),
    })),
    coupons: coupons.map((c) => ({
      id: c.id,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      kind: c.kind,
      amountFen: c.amountFen,
      thresholdFen: c.thresholdFen,
      totalLimit: c.totalLimit,
      perUserLimit: c.perUserLimit,
      issuedCount: c.issuedCount,
      validDays: c.validDays,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      state: promotionState(c, now),
    })),
  };
}

export type CreateDiscountError = "sku_not_found" | "discount_not_below_price" | "starts_in_past" | "ends_in_past" | "discount_overlaps";

export async function createDiscount(
  ctx: AppContext,
  input: {
    merchantId: string;
    actorId: string;
    form: CreateDiscountInput;
    now?: number;
  },
): Promise<Result<{ id: string }, CreateDiscountError>> {
  const now = input.now ?? Date.now();
  const { form } = input;
  const [sku] = await ctx.db
    .select({ id: skus.id, priceFen: skus.priceFen })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.id, form.skuId), eq(products.merchantId, input.merchantId)))
    .limit(1);
  if (!sku) return fail("sku_not_found", "skuId");
  if (form.kind === "fixed_price" && (form.unitPrice ?? 0) >= sku.priceFen) return fail("discount_not_below_price", "unitPrice");
  const clock = checkWindow(form, now);
  if (clock) return fail(clock.code as CreateDiscountError, clock.field);
  // One live discount per SKU at a time keeps the shelf price unambiguous for the merchant.
  const live = await ctx.db
    .select({
      skuIds: limitedTimeDiscounts.skuIds,
      startsAt: limitedTimeDiscounts.startsAt,
      endsAt: limitedTimeDiscounts.endsAt,
    })
    .from(limitedTimeDiscounts)
    .where(and(eq(limitedTimeDiscounts.merchantId, input.merchantId), eq(limitedTimeDiscounts.status, "active"), gt(limitedTimeDiscounts.endsAt, now)));
  if (live.some((d) => ids(d.skuIds).includes(sku.id) && d.startsAt < form.endsAt && form.startsAt < d.endsAt)) return fail("discount_overlaps", "startsAt");
  const id = newId("ltd");
  await ctx.db.batch([
    ctx.db.insert(limitedTimeDiscounts).values({
      id,
      merchantId: input.merchantId,
      name: form.name,
      kind: form.kind,
      discountBp: form.kind === "percentage" ? (form.percentOff ?? 0) * 100 : null,
      unitPriceFen: form.kind === "fixed_price" ? form.unitPrice! : null,
      productIds: null,
      skuIds: JSON.stringify([sku.id]),
      startsAt: form.startsAt,
      endsAt: form.endsAt,
      status: "active",
      createdAt: now,
    }),
    auditStatement(ctx, {
      actorUserId: input.actorId,
      action: "merchant.discount.create",
      entityType: "limited_time_discount",
      entityId: id,
      data: { merchantId: input.merchantId, skuId: sku.id },
    }),
  ]);
  return ok({ id });
}

export type CreateCouponError = "starts_in_past" | "ends_in_past";

export async function createCouponTemplate(
  ctx: AppContext,
  input: {
    merchantId: string;
    actorId: string;
    form: CreateCouponInput;
    now?: number;
  },
): Promise<Result<{ id: string }, CreateCouponError>> {
  const now = input.now ?? Date.now();
  const { form } = input;
  const clock = checkWindow(form, now);
  if (clock) return fail(clock.code as CreateCouponError, clock.field);
  const id = newId("cpt");
  await ctx.db.batch([
    ctx.db.insert(couponTemplates).values({
      id,
      nameZh: form.nameZh,
      nameEn: form.nameEn || form.nameZh,
      funding: "merchant",
      merchantId: input.merchantId,
      kind: form.kind,
      amountFen: form.amount,
      thresholdFen: form.kind === "threshold" ? form.threshold! : null,
      validDays: form.validDays ?? null,
      startsAt: form.startsAt,
      endsAt: form.endsAt,
      totalLimit: form.totalLimit,
      perUserLimit: form.perUserLimit,
      status: "active",
      createdAt: now,
    }),
    auditStatement(ctx, {
      actorUserId: input.actorId,
      action: "merchant.coupon.create",
      entityType: "coupon_template",
      entityId: id,
      data: { merchantId: input.merchantId },
    }),
  ]);
  return ok({ id });
}

export type EndPromotionError = "promotion_not_found" | "promotion_ended";

/** Ends a discount or stops a coupon template from being issued (coupons already held stay valid). */
export async function endPromotion(
  ctx: AppContext,
  input: {
    merchantId: string;
    actorId: string;
    kind: "discount" | "coupon";
    id: string;
    now?: number;
  },
): Promise<Result<null, EndPromotionError>> {
  const now = input.now ?? Date.now();
  const table = input.kind === "discount" ? limitedTimeDiscounts : couponTemplates;
  const [row] = await ctx.db
    .select({
      status: table.status,
      startsAt: table.startsAt,
      endsAt: table.endsAt,
    })
    .from(table)
    .where(and(eq(table.id, input.id), eq(table.merchantId, input.merchantId)))
    .limit(1);
  if (!row) return fail("promotion_not_found", "id");
  if (promotionState(row, now) === "ended") return fail("promotion_ended", "id");
  await ctx.db.batch([
    ctx.db
      .update(table)
      .set({ status: "paused" })
      .where(and(eq(table.id, input.id), eq(table.merchantId, input.merchantId))),
    auditStatement(ctx, {
      actorUserId: input.actorId,
      action: input.kind === "discount" ? "merchant.discount.end" : "merchant.coupon.end",
      entityType: input.kind === "discount" ? "limited_time_discount" : "coupon_template",
      entityId: input.id,
      data: { merchantId: input.merchantId },
    }),
  ]);
  return ok(null);
}
