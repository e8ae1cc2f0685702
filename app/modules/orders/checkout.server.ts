import { and, eq, inArray, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { addresses, cartItems, orderEvents, orderLines, orders, pointsEntries, skus, userCoupons } from "~/db/schema";
import { decryptField, encryptField, lookupHash } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { describeCart, getCartQuantities, type CartLine } from "~/modules/cart/cart.server";
import { pickBestCoupon, priceCart, type CartLineInput, type PriceBreakdown } from "~/modules/pricing";
import { orderRatesSnapshot, RATE_SETTING_KEYS, rateSettingsFrom } from "~/modules/settings/order-rates";
import { getSettings } from "~/modules/settings/settings.server";
import { resolveFulfilment, type FulfilmentError, type FulfilmentMethod, type OwnedAddress } from "./fulfilment";
import { pointsForSale } from "~/modules/membership/points";
import { loadPromotions, type MemberFacts, type OwnedCoupon } from "./promotions.server";

export interface CheckoutQuote {
  lines: CartLine[];
  breakdown: PriceBreakdown;
  coupons: Array<{ userCouponId: string; name: string; validUntil: number; result: PriceBreakdown["couponResult"]; savesFen: number }>;
  selectedCouponId: string | null;
  problems: Array<{ skuId: string; code: "unavailable" | "insufficient_stock"; stock: number }>;
  /** The shopper's level, points balance and what points could take off this cart (after the chosen coupon). */
  membership: (MemberFacts & { pointsUsableFen: number; pointsEarnedEstimate: number }) | null;
}

function engineLines(lines: CartLine[]): CartLineInput[] {
  return lines.map((l) => ({
    lineId: l.skuId,
    skuId: l.skuId,
    productId: l.productId,
    merchantId: l.merchantId,
    categoryId: l.categoryId,
    quantity: l.quantity,
    unitPriceFen: l.unitPriceFen,
  }));
}

/** Points to spend: none (the default), all that can be used ("max"), or a number of points. */
export type PointsChoice = "none" | "max" | number;

/**
 * Prices the signed-in user's cart on the server: current catalogue prices, active promotions,
 * the member discount of their level, a coupon — the one asked for, none ("none"), or the best one
 * (undefined) — and then the points they chose to spend (rule 7, capped by balance and setting).
 * Coupons are compared without points, so points never hide which coupon saves most.
 */
export async function quoteCheckout(
  ctx: AppContext,
  userId: string,
  input: { couponChoice?: string; pointsChoice?: PointsChoice; locale: string; now?: number },
): Promise<CheckoutQuote> {
  const now = input.now ?? Date.now();
  const all = await describeCart(ctx, await getCartQuantities(ctx, userId), input.locale);
  const problems = all.flatMap((l): CheckoutQuote["problems"] =>
    !l.available ? [{ skuId: l.skuId, code: "unavailable" as const, stock: l.stock }] : l.stock < l.quantity ? [{ skuId: l.skuId, code: "insufficient_stock" as const, stock: l.stock }] : [],
  );
  const lines = all.filter((l) => l.available);
  const promos = await loadPromotions(ctx, {
    userId,
    merchantIds: [...new Set(lines.map((l) => l.merchantId))],
    productIds: [...new Set(lines.map((l) => l.productId))],
    now,
    locale: input.locale,
  });
  const base = { lines: engineLines(lines), fullReductions: promos.fullReductions, limitedTimeDiscounts: promos.limitedTimeDiscounts, member: promos.member, now };
  let couponPriced: PriceBreakdown;
  let selected: OwnedCoupon | undefined;
  if (input.couponChoice === "none") {
    couponPriced = priceCart(base);
  } else if (input.couponChoice) {
    selected = promos.coupons.find((c) => c.userCouponId === input.couponChoice);
    couponPriced = priceCart({ ...base, coupon: selected?.coupon });
    if (couponPriced.couponResult.status !== "applied") selected = undefined;
  } else {
    const best = pickBestCoupon(base, promos.coupons.map((c) => c.coupon));
    couponPriced = best.breakdown;
    selected = promos.coupons.find((c) => c.coupon.id === best.coupon?.id);
  }
  const without = input.couponChoice === "none" || !selected ? couponPriced : priceCart(base);
  const coupons = promos.coupons.map((c) => {
    const priced = priceCart({ ...base, coupon: c.coupon });
    return {
      userCouponId: c.userCouponId,
      name: c.name,
      validUntil: c.validUntil,
      result: priced.couponResult,
      savesFen: without.totals.payableFen - priced.totals.payableFen,
    };
  });
  const m = promos.membership;
  const choice = input.pointsChoice ?? "none";
  const requested = !m || choice === "none" ? 0 : Math.min(m.pointsBalance, choice === "max" ? m.pointsBalance : Math.max(0, Math.floor(choice)));
  const withPoints = { ...base, coupon: selected?.coupon, points: { requested: m?.pointsBalance ?? 0, maxPayableBp: m?.pointsMaxRedeemBp ?? 0 } };
  const breakdown = requested > 0 ? priceCart({ ...withPoints, points: { ...withPoints.points, requested } }) : couponPriced;
  const usable = m && m.pointsBalance > 0 ? priceCart(withPoints).points.usedFen : 0;
  const membership = m ? { ...m, pointsUsableFen: usable, pointsEarnedEstimate: pointsForSale(breakdown.totals.payableFen, m.pointsMultiplierPct) } : null;
  return { lines, breakdown, coupons, selectedCouponId: selected?.userCouponId ?? null, problems, membership };
}

/** 8 random digits; unique per pickup point (enforced by a unique index on its keyed hash). */
export function newPickupCode(): string {
  const n = crypto.getRandomValues(new Uint32Array(1))[0]! % 100_000_000;
  return String(n).padStart(8, "0");
}

export type PlaceOrderError =
  | "cart_empty"
  | "pickup_point_required"
  | "item_unavailable"
  | "insufficient_stock"
  | "coupon_invalid"
  | "points_insufficient"
  | "price_changed"
  | FulfilmentError;

/** One of the user's saved addresses, decrypted; null when it is not theirs (or gone). */
async function findOwnedAddress(ctx: AppContext, userId: string, addressId: string): Promise<OwnedAddress | null> {
  const a = await ctx.db.query.addresses.findFirst({ where: and(eq(addresses.id, addressId), eq(addresses.userId, userId)) });
  if (!a) return null;
  return {
    id: a.id,
    recipientName: a.recipientName,
    phone: await decryptField(ctx.env, "phone", a.phoneEnc),
    region: a.region,
    detail: await decryptField(ctx.env, "address", a.detailEnc),
  };
}

/**
 * Places the cart as one order in one db.batch: stock decremented (a trigger aborts the batch
 * rather than oversell), order + lines + first timeline event written, the coupon locked, the
 * cart emptied. Honours an idempotency key: the same key returns the same order.
 *
 * Fulfilment: collected at the point (default), or delivered to the door by the leader where the
 * point offers it, to one of the user's saved addresses; the address is copied (encrypted) onto
 * the order row in the same batch, so later edits of the saved address do not change the order.
 * While the `feature.door_delivery` switch is off no point offers it (door_delivery_unavailable).
 *
 * Rates: the order snapshots the settings that decide its money and deadlines (`rates`, see
 * ~/modules/settings/order-rates.ts and ADR 015), so a later settings change never alters it.
 */
export async function placeOrder(
  ctx: AppContext,
  userId: string,
  input: {
    couponChoice?: string;
    pointsChoice?: PointsChoice;
    expectedPayableFen?: number;
    note?: string;
    idempotencyKey?: string;
    locale: string;
    fulfilment?: FulfilmentMethod;
    addressId?: string;
    /** The pickup point of the leader whose share link brought the shopper (attribution cookie); kept only if it is active. */
    referralPointId?: string;
    /** The shopper whose share link brought the buyer (resolved from the share cookie by ~/modules/share). */
    sharerUserId?: string;
  },
): Promise<Result<{ orderId: string; payableFen: number; fulfilment: FulfilmentMethod; replayed: boolean }, PlaceOrderError>> {
  if (input.idempotencyKey) {
    const existing = await ctx.db.query.orders.findFirst({
      where: and(eq(orders.userId, userId), eq(orders.idempotencyKey, input.idempotencyKey)),
      columns: { id: true, payableFen: true, fulfilment: true },
    });
    if (existing) return ok({ orderId: existing.id, payableFen: existing.payableFen, fulfilment: existing.fulfilment, replayed: true });
  }
  const now = Date.now();
  const settings = await getSettings(ctx, ["order.unpaid_timeout_minutes", "feature.door_delivery", ...RATE_SETTING_KEYS]);
  const [pointRow] = await ctx.db.all<{ id: string; door_delivery: number }>(
    sql`SELECT p.id, p.door_delivery FROM user_pickup_points u JOIN pickup_points p ON p.id = u.pickup_point_id WHERE u.user_id = ${userId} AND p.status = 'active'`,
  );
  if (!pointRow) return fail("pickup_point_required", "pickupPointId");
  const method = input.fulfilment ?? "pickup";
  const owned = method === "door" && input.addressId ? await findOwnedAddress(ctx, userId, input.addressId) : null;
  const fulfilment = resolveFulfilment({ method, addressId: input.addressId, pointOffersDoorDelivery: pointRow.door_delivery === 1 && settings["feature.door_delivery"], owned: owned ? [owned] : [] });
  if (!fulfilment.ok) return fulfilment;
  const delivery = fulfilment.value.method === "door" ? fulfilment.value.delivery : null;
  const deliveryColumns = delivery
    ? {
        fulfilment: "door" as const,
        deliveryRecipient: delivery.recipientName,
        deliveryPhoneEnc: await encryptField(ctx.env, "phone", delivery.phone),
        deliveryAddressEnc: await encryptField(ctx.env, "address", delivery.address),
      }
    : { fulfilment: "pickup" as const };
  const quote = await quoteCheckout(ctx, userId, { couponChoice: input.couponChoice ?? "none", pointsChoice: input.pointsChoice ?? "none", locale: input.locale, now });
  if (quote.lines.length === 0) return fail("cart_empty");
  if (quote.problems.some((p) => p.code === "unavailable")) return fail("item_unavailable");
  if (quote.problems.length) return fail("insufficient_stock");
  if (input.couponChoice && input.couponChoice !== "none" && quote.selectedCouponId !== input.couponChoice) return fail("coupon_invalid", "couponId");
  const { breakdown } = quote;
  if (input.expectedPayableFen !== undefined && input.expectedPayableFen !== breakdown.totals.payableFen) return fail("price_changed");
  // A number of points asked for must be spent in full (a max or none choice takes what the cart allows).
  if (typeof input.pointsChoice === "number" && input.pointsChoice > 0 && breakdown.points.usedFen !== input.pointsChoice) return fail("points_insufficient", "points");
  const pointsUsed = breakdown.totals.pointsFen;

  const rates = orderRatesSnapshot(
    rateSettingsFrom(settings),
    breakdown.lines.map((l) => ({ categoryId: l.categoryId, goodsFen: l.baseFen })),
  );
  const orderId = newId("ord");
  const byLine = new Map(breakdown.lines.map((l) => [l.lineId, l]));
  const cartLines = quote.lines;
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = newPickupCode();
    const statements = [
      ...cartLines.map((l) => ctx.db.update(skus).set({ stock: sql`${skus.stock} - ${l.quantity}`, updatedAt: now }).where(eq(skus.id, l.skuId))),
      ctx.db.insert(orders).values({
        id: orderId,
        userId,
        pickupPointId: pointRow.id,
        status: "pending_payment",
        goodsFen: breakdown.totals.goodsFen,
        discountFen: breakdown.totals.discountFen,
        payableFen: breakdown.totals.payableFen,
        userCouponId: quote.selectedCouponId,
        pricing: JSON.stringify(breakdown),
        pricingVersion: breakdown.rulesVersion,
        rates: JSON.stringify(rates),
        pickupCodeEnc: await encryptField(ctx.env, "pickup_code", code),
        pickupCodeHash: await lookupHash(ctx.env, `pickup:${pointRow.id}`, code),
        note: input.note ?? null,
        referralPointId: input.referralPointId ? sql<string | null>`(SELECT p.id FROM pickup_points p WHERE p.id = ${input.referralPointId} AND p.status = 'active')` : null,
        sharerUserId: input.sharerUserId ?? null,
        ...deliveryColumns,
        idempotencyKey: input.idempotencyKey ?? null,
        payBy: now + settings["order.unpaid_timeout_minutes"] * 60_000,
        createdAt: now,
        updatedAt: now,
      }),
      ...cartLines.map((l) => {
        const priced = byLine.get(l.skuId)!;
        return ctx.db.insert(orderLines).values({
          id: newId("oli"),
          orderId,
          skuId: l.skuId,
          productId: l.productId,
          merchantId: l.merchantId,
          categoryId: l.categoryId,
          title: l.title,
          spec: l.spec,
          imageKey: l.imageUrl?.replace(/^\/images\//, "") ?? null,
          quantity: l.quantity,
          unitPriceFen: l.unitPriceFen,
          baseFen: priced.baseFen,
          discountFen: priced.discountFen,
          payableFen: priced.payableFen,
          platformFundedFen: priced.platformFundedFen,
        });
      }),
      ctx.db.insert(orderEvents).values({ id: newId("oev"), orderId, event: "place", fromStatus: null, toStatus: "pending_payment", actorType: "user", actorId: userId, createdAt: now }),
      ...(pointsUsed > 0
        ? [ctx.db.insert(pointsEntries).values({ id: newId("pnt"), userId, kind: "spend", points: -pointsUsed, key: `spend:${orderId}`, orderId, createdAt: now })]
        : []),
      ...(quote.selectedCouponId
        ? [ctx.db.update(userCoupons).set({ status: "locked", orderId }).where(and(eq(userCoupons.id, quote.selectedCouponId), eq(userCoupons.status, "available")))]
        : []),
      ctx.db.delete(cartItems).where(and(eq(cartItems.userId, userId), inArray(cartItems.skuId, cartLines.map((l) => l.skuId)))),
    ];
    try {
      await ctx.db.batch(statements as unknown as Parameters<typeof ctx.db.batch>[0]);
      return ok({ orderId, payableFen: breakdown.totals.payableFen, fulfilment: deliveryColumns.fulfilment, replayed: false });
    } catch (error) {
      const message = String((error as Error)?.message ?? error) + String((error as { cause?: unknown })?.cause ?? "");
      if (message.includes("insufficient_stock")) return fail("insufficient_stock");
      if (message.includes("points_insufficient")) return fail("points_insufficient", "points");
      if (message.includes("orders_live_coupon_uq") || message.includes("orders.user_coupon_id")) return fail("coupon_invalid", "couponId");
      if (message.includes("orders.user_id, orders.idempotency_key") && input.idempotencyKey) {
        const existing = await ctx.db.query.orders.findFirst({ where: and(eq(orders.userId, userId), eq(orders.idempotencyKey, input.idempotencyKey)) });
        if (existing) return ok({ orderId: existing.id, payableFen: existing.payableFen, fulfilment: existing.fulfilment, replayed: true });
      }
      if (message.includes("orders.pickup_point_id, orders.pickup_code_hash")) continue; // code collision: draw again
      throw error;
    }
  }
  throw new Error("Could not allocate a unique pickup code");
}

