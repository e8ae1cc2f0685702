import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { flashSales, orderEvents, orderLines, orders, pickupPoints } from "~/db/schema";
import { encryptField, lookupHash } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { describeCart } from "~/modules/cart/cart.server";
import { memberLevelOf } from "~/modules/membership/levels.server";
import type { MemberLevel } from "~/modules/membership/levels";
import { newPickupCode } from "~/modules/orders/checkout.server";
import { priceCart } from "~/modules/pricing";
import { orderRatesSnapshot, RATE_SETTING_KEYS, rateSettingsFrom } from "~/modules/settings/order-rates";
import { settingsFromRows, settingsQuery } from "~/modules/settings/settings.server";
import type { Reservation, ReserveRefusal, StockCounts, StockMeta } from "./stock-types";

type Db = AppContext["db"];
type Sale = typeof flashSales.$inferSelect;

export const stockFor = (ctx: Pick<AppContext, "env">, saleId: string) => ctx.env.FLASH_SALE_STOCK.get(ctx.env.FLASH_SALE_STOCK.idFromName(saleId));

export function stockMeta(sale: Pick<Sale, "id" | "stock" | "perUserLimit" | "startsAt" | "endsAt" | "paymentTimeoutSeconds">): StockMeta {
  return { saleId: sale.id, stock: sale.stock, perUserLimit: sale.perUserLimit, startsAt: sale.startsAt, endsAt: sale.endsAt, paymentTimeoutMs: sale.paymentTimeoutSeconds * 1000 };
}

/** Minutes before the start each membership level may buy (the sale's own setting; none by default). */
export function earlyAccessOf(sale: Pick<Sale, "earlyAccessMinutes">): Partial<Record<MemberLevel, number>> {
  try {
    const raw = JSON.parse(sale.earlyAccessMinutes) as Record<string, unknown>;
    const out: Partial<Record<MemberLevel, number>> = {};
    for (const level of ["normal", "silver", "gold"] as const) {
      const m = raw[level];
      if (typeof m === "number" && Number.isSafeInteger(m) && m > 0) out[level] = m;
    }
    return out;
  } catch {
    return {};
  }
}

/** When a shopper of `level` may start buying. */
export const opensAtFor = (sale: Pick<Sale, "startsAt" | "earlyAccessMinutes">, level: MemberLevel) => sale.startsAt - (earlyAccessOf(sale)[level] ?? 0) * 60_000;

export type ReserveError = ReserveRefusal | "feature_off" | "sale_not_found" | "pickup_point_required" | "quantity_invalid" | "item_unavailable" | "busy";

/** D1 write-batch statements are typed loosely by drizzle; one alias for the cast. */
type BatchItem = Parameters<Db["batch"]>[0][number];

const SETTING_KEYS = ["feature.flash_sales", ...RATE_SETTING_KEYS] as const;

/**
 * Reserves flash-sale units and writes the order that pays for them (issue 8). The stock object
 * decides (window, the shopper's early access, their limit, the stock); only then is the order
 * written in D1, priced by the pricing engine with the flash price as an override, payable until
 * the reservation expires. The same idempotency key returns the same reservation and order. If
 * the order cannot be written the reservation is released at once.
 *
 * The sale's units were set aside from the SKU's stock when it was approved, so the order does not
 * touch `skus.stock`; the unsold units go back at the end-of-window reconciliation.
 */
export async function reserveFlashSale(
  ctx: AppContext,
  userId: string,
  input: { saleId: string; quantity: number; idempotencyKey?: string; locale: string; referralPointId?: string; now?: number },
): Promise<Result<{ reservation: Reservation; orderId: string; payableFen: number; replayed: boolean; counts: StockCounts }, ReserveError>> {
  const now = input.now ?? Date.now();
  const [settingRows, saleRows, pointRows] = await ctx.db.batch([
    settingsQuery(ctx, SETTING_KEYS),
    ctx.db.select().from(flashSales).where(eq(flashSales.id, input.saleId)),
    ctx.db
      .select({ id: pickupPoints.id })
      .from(pickupPoints)
      .where(and(eq(pickupPoints.status, "active"), sql`${pickupPoints.id} = (SELECT u.pickup_point_id FROM user_pickup_points u WHERE u.user_id = ${userId})`)),
  ]);
  const settings = settingsFromRows(SETTING_KEYS, settingRows);
  if (!settings["feature.flash_sales"]) return fail("feature_off");
  const sale = saleRows[0];
  if (!sale || sale.status !== "approved") return fail("sale_not_found", "saleId");
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > sale.perUserLimit) return fail("quantity_invalid", "quantity");
  const pointId = pointRows[0]?.id;
  if (!pointId) return fail("pickup_point_required", "pickupPointId");
  const level = await memberLevelOf(ctx, userId, now);
  const stock = stockFor(ctx, sale.id);
  const meta = stockMeta(sale);
  let reserved;
  try {
    reserved = await stock.reserve({ meta, userId, quantity: input.quantity, idempotencyKey: input.idempotencyKey ?? crypto.randomUUID(), opensAt: opensAtFor(sale, level), now });
  } catch (error) {
    // An overloaded object answers fast with an error rather than queueing: say so (503 + Retry-After).
    console.warn(`flash sale ${sale.id}: stock object unavailable`, error);
    return fail("busy");
  }
  if (!reserved.ok) return fail(reserved.code, "saleId");
  const { reservation } = reserved;
  const existing = await ctx.db.query.orders.findFirst({ where: eq(orders.flashReservationId, reservation.id), columns: { id: true, payableFen: true } });
  if (existing) return ok({ reservation, orderId: existing.id, payableFen: existing.payableFen, replayed: true, counts: reserved.counts });
  if (reservation.status !== "held") return fail(reservation.status === "released" ? "ended" : "sold_out", "saleId");

  const [line] = await describeCart(ctx, [{ skuId: sale.skuId, quantity: reservation.quantity }], input.locale);
  if (!line) {
    await stock.release({ meta, reservationId: reservation.id });
    return fail("item_unavailable", "saleId");
  }
  const breakdown = priceCart({
    lines: [
      {
        lineId: line.skuId,
        skuId: line.skuId,
        productId: line.productId,
        merchantId: line.merchantId,
        categoryId: line.categoryId,
        quantity: reservation.quantity,
        unitPriceFen: line.unitPriceFen,
        priceOverride: { unitPriceFen: sale.flashPriceFen, source: "flash", campaignId: sale.id },
      },
    ],
    now,
  });
  const priced = breakdown.lines[0]!;
  const rates = orderRatesSnapshot(rateSettingsFrom(settings), [{ categoryId: line.categoryId, goodsFen: priced.baseFen }]);
  const orderId = newId("ord");
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = newPickupCode();
    const statements: BatchItem[] = [
      ctx.db.insert(orders).values({
        id: orderId,
        userId,
        pickupPointId: pointId,
        status: "pending_payment",
        goodsFen: breakdown.totals.goodsFen,
        discountFen: breakdown.totals.discountFen,
        payableFen: breakdown.totals.payableFen,
        pricing: JSON.stringify(breakdown),
        pricingVersion: breakdown.rulesVersion,
        rates: JSON.stringify(rates),
        pickupCodeEnc: await encryptField(ctx.env, "pickup_code", code),
        pickupCodeHash: await lookupHash(ctx.env, `pickup:${pointId}`, code),
        referralPointId: input.referralPointId ? sql<string | null>`(SELECT p.id FROM pickup_points p WHERE p.id = ${input.referralPointId} AND p.status = 'active')` : null,
        flashSaleId: sale.id,
        flashReservationId: reservation.id,
        payBy: reservation.expiresAt,
        createdAt: now,
        updatedAt: now,
      }),
      ctx.db.insert(orderLines).values({
        id: newId("oli"),
        orderId,
        skuId: line.skuId,
        productId: line.productId,
        merchantId: line.merchantId,
        categoryId: line.categoryId,
        title: line.title,
        spec: line.spec,
        imageKey: line.imageUrl?.replace(/^\/images\//, "") ?? null,
        quantity: reservation.quantity,
        unitPriceFen: line.unitPriceFen,
        baseFen: priced.baseFen,
        discountFen: priced.discountFen,
        payableFen: priced.payableFen,
      }),
      ctx.db.insert(orderEvents).values({ id: newId("oev"), orderId, event: "place", fromStatus: null, toStatus: "pending_payment", actorType: "user", actorId: userId, note: `flash:${sale.id}`, createdAt: now }),
    ];
    try {
      await ctx.db.batch(statements as unknown as Parameters<Db["batch"]>[0]);
      return ok({ reservation, orderId, payableFen: breakdown.totals.payableFen, replayed: false, counts: reserved.counts });
    } catch (error) {
      const message = `${(error as Error)?.message ?? error} ${String((error as { cause?: unknown })?.cause ?? "")}`;
      if (message.includes("orders.pickup_point_id, orders.pickup_code_hash")) continue;
      if (message.includes("orders.flash_reservation_id")) {
        // A concurrent replay of the same key wrote it first.
        const again = await ctx.db.query.orders.findFirst({ where: eq(orders.flashReservationId, reservation.id), columns: { id: true, payableFen: true } });
        if (again) return ok({ reservation, orderId: again.id, payableFen: again.payableFen, replayed: true, counts: reserved.counts });
      }
      await stock.release({ meta, reservationId: reservation.id });
      throw error;
    }
  }
  await stock.release({ meta, reservationId: reservation.id });
  throw new Error("Could not allocate a unique pickup code");
}

// ---------- payment and cancellation hooks ----------

/**
 * Before a flash order's payment is recorded: its reservation must still be held (or already
 * confirmed). A payment that arrives after the reservation expired is refused here, and the
 * payments module refunds it; it is never fulfilled from stock that went back on sale.
 */
export async function confirmFlashReservation(ctx: AppContext, order: { flashSaleId: string | null; flashReservationId: string | null }, now = Date.now()): Promise<boolean> {
  if (!order.flashSaleId || !order.flashReservationId) return true;
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, order.flashSaleId) });
  if (!sale) return false;
  const r = await stockFor(ctx, sale.id).confirm({ meta: stockMeta(sale), reservationId: order.flashReservationId, now });
  return r.ok;
}

/** After a flash order was cancelled, expired or refunded in full: its units go back to the sale. */
export async function releaseFlashReservation(ctx: AppContext, order: { flashSaleId: string | null; flashReservationId: string | null }): Promise<void> {
  if (!order.flashSaleId || !order.flashReservationId) return;
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, order.flashSaleId) });
  if (!sale) return;
  try {
    await stockFor(ctx, sale.id).release({ meta: stockMeta(sale), reservationId: order.flashReservationId });
  } catch (error) {
    // The reservation expires by itself; the reconciliation reports any difference.
    console.warn(`flash sale ${sale.id}: could not release ${order.flashReservationId}`, error);
  }
}

// ---------- reads ----------

export type SalePhase = "upcoming" | "live" | "sold_out" | "ended";

export function salePhase(sale: Pick<Sale, "startsAt" | "endsAt">, counts: StockCounts | null, opensAt: number, now: number): SalePhase {
  if (now >= sale.endsAt) return "ended";
  if (now < opensAt) return "upcoming";
  if (counts && counts.remaining <= 0) return "sold_out";
  return "live";
}

/** Approved sales that have not ended, soonest first, with their live counts. */
export async function listFlashSales(ctx: AppContext, viewer: { userId: string | null; locale: string }, now = Date.now(), limit = 20) {
  const rows = await ctx.db
    .select()
    .from(flashSales)
    .where(and(eq(flashSales.status, "approved"), gt(flashSales.endsAt, now)))
    .orderBy(asc(flashSales.startsAt))
    .limit(limit);
  const level = viewer.userId ? await memberLevelOf(ctx, viewer.userId, now) : ("normal" as const);
  const lines = await describeCart(ctx, rows.map((s) => ({ skuId: s.skuId, quantity: 1 })), viewer.locale);
  return Promise.all(
    rows.map(async (s) => {
      const counts = await stockFor(ctx, s.id).status({ meta: stockMeta(s), now });
      const line = lines.find((l) => l.skuId === s.skuId);
      const opensAt = opensAtFor(s, level);
      return {
        id: s.id,
        productId: s.productId,
        skuId: s.skuId,
        title: line?.title ?? "",
        spec: line?.spec ?? "",
        imageUrl: line?.imageUrl ?? null,
        listPriceFen: line?.unitPriceFen ?? 0,
        flashPriceFen: s.flashPriceFen,
        perUserLimit: s.perUserLimit,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        opensAt,
        earlyAccessMinutes: earlyAccessOf(s),
        counts,
        phase: salePhase(s, counts, opensAt, now),
      };
    }),
  );
}

export async function getFlashSale(ctx: AppContext, saleId: string, viewer: { userId: string | null; locale: string }, now = Date.now()) {
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, saleId) });
  if (!sale || sale.status !== "approved") return null;
  const level = viewer.userId ? await memberLevelOf(ctx, viewer.userId, now) : ("normal" as const);
  const [line] = await describeCart(ctx, [{ skuId: sale.skuId, quantity: 1 }], viewer.locale);
  const counts = await stockFor(ctx, sale.id).status({ meta: stockMeta(sale), now });
  const opensAt = opensAtFor(sale, level);
  return {
    id: sale.id,
    productId: sale.productId,
    skuId: sale.skuId,
    title: line?.title ?? "",
    spec: line?.spec ?? "",
    imageUrl: line?.imageUrl ?? null,
    listPriceFen: line?.unitPriceFen ?? 0,
    flashPriceFen: sale.flashPriceFen,
    perUserLimit: sale.perUserLimit,
    paymentTimeoutSeconds: sale.paymentTimeoutSeconds,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    level,
    opensAt,
    earlyAccessMinutes: earlyAccessOf(sale),
    counts,
    phase: salePhase(sale, counts, opensAt, now),
    serverNow: now,
  };
}
