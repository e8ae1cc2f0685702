import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { flashSales, orderEvents, orderLines, orders, pickupPoints } from "~/db/schema";
import { encryptField, lookupHash } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { describeCart } from "~/modules/cart/cart.server";
import { memberLevelAndLevels } from "~/modules/membership/levels.server";
import type { MembershipLevels } from "~/modules/settings/catalogue";
import { admissionLimits, admitted, withDeadline, type AdmissionLimits } from "./admission.server";
import type { MemberLevel } from "~/modules/membership/levels";
import { newPickupCode } from "~/modules/orders/checkout.server";
import { priceCart } from "~/modules/pricing";
import { orderRatesSnapshot, RATE_SETTING_KEYS, rateSettingsFrom } from "~/modules/settings/order-rates";
import { getSettings, settingsFromRows, settingsQuery } from "~/modules/settings/settings.server";
import { homeShard, shardName, shardOfReservation, shardShare } from "./shards";
import type { Reservation, ReserveRefusal, ReserveResult, StockCounts, StockMeta } from "./stock-types";

type Db = AppContext["db"];
type Sale = typeof flashSales.$inferSelect;

type ShardedSale = Pick<Sale, "id" | "stock" | "shards" | "perUserLimit" | "startsAt" | "endsAt" | "paymentTimeoutSeconds">;

/** The stock object of one shard of a sale (the first, and only one for most sales, by default). */
export const stockFor = (ctx: Pick<AppContext, "env">, saleId: string, shard = 0) => ctx.env.FLASH_SALE_STOCK.get(ctx.env.FLASH_SALE_STOCK.idFromName(shardName(saleId, shard)));

export function stockMeta(sale: ShardedSale, shard = 0): StockMeta {
  return {
    saleId: sale.id,
    shard,
    stock: shardShare(sale.stock, sale.shards, shard),
    perUserLimit: sale.perUserLimit,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    paymentTimeoutMs: sale.paymentTimeoutSeconds * 1000,
  };
}

const shardsOf = (sale: Pick<Sale, "shards">) => Array.from({ length: Math.max(1, sale.shards) }, (_, i) => i);

/**
 * The sale's counts: its one object's, or the sold and held units summed over its shards (read in
 * parallel), with the rest remaining — units moving between two shards at that moment included,
 * so sold + reserved + remaining = stock at every observation.
 */
export async function saleCounts(ctx: Pick<AppContext, "env">, sale: ShardedSale, now = Date.now()): Promise<StockCounts> {
  if (sale.shards <= 1) return stockFor(ctx, sale.id).status({ meta: stockMeta(sale), now });
  const all: StockCounts[] = await Promise.all(shardsOf(sale).map((i) => stockFor(ctx, sale.id, i).status({ meta: stockMeta(sale, i), now })));
  const sold = all.reduce((n, c) => n + c.sold, 0);
  const reserved = all.reduce((n, c) => n + c.reserved, 0);
  return { stock: sale.stock, sold, reserved, remaining: sale.stock - sold - reserved };
}

/**
 * The shopper's home shard ran dry: ask the other shards, one after the other, for units until
 * `need` arrived (each hands over what it has left, at most `want`). Units leave the giver before
 * they reach the home shard; one that never arrives (the home shard unreachable three times) is
 * undersold, never oversold, and the reconciliation returns it to the shelf. Returns the units
 * that arrived.
 */
async function rebalance(ctx: AppContext, sale: ShardedSale, home: number, need: number, now: number): Promise<number> {
  const want = Math.max(need, Math.ceil(sale.stock / sale.shards / 10));
  let arrived = 0;
  for (let step = 1; step < sale.shards && arrived < need; step++) {
    const from = (home + step) % sale.shards;
    const transferId = newId("fxt");
    const given = await stockFor(ctx, sale.id, from).give({ meta: stockMeta(sale, from), transferId, want, now });
    if (given.units <= 0) continue;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await stockFor(ctx, sale.id, home).receive({ meta: stockMeta(sale, home), transferId, units: given.units });
        arrived += given.units;
        break;
      } catch (error) {
        if (attempt === 3) console.warn(`flash sale ${sale.id}: transfer ${transferId} of ${given.units} from shard ${from} to ${home} did not arrive: ${String(error)}`);
      }
    }
  }
  return arrived;
}

/**
 * Minutes before the start each membership level may buy: the sale's own early access, or the
 * level's perk from the membership settings (`earlyAccessMinutes`, a head start the platform
 * promises on every sale) when that is longer. Without `levels`, the sale's own only.
 */
export function earlyAccessOf(sale: Pick<Sale, "earlyAccessMinutes">, levels?: MembershipLevels): Partial<Record<MemberLevel, number>> {
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(sale.earlyAccessMinutes) as Record<string, unknown>;
  } catch {
    raw = {};
  }
  const out: Partial<Record<MemberLevel, number>> = {};
  for (const level of ["normal", "silver", "gold"] as const) {
    const own = raw[level];
    const m = Math.max(typeof own === "number" && Number.isSafeInteger(own) ? own : 0, levels?.[level].earlyAccessMinutes ?? 0);
    if (m > 0) out[level] = m;
  }
  return out;
}

/** When a shopper of `level` may start buying (the stock object refuses them before). */
export const opensAtFor = (sale: Pick<Sale, "startsAt" | "earlyAccessMinutes">, level: MemberLevel, levels?: MembershipLevels) =>
  sale.startsAt - (earlyAccessOf(sale, levels)[level] ?? 0) * 60_000;

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
export async function reserveFlashSale(ctx: AppContext, userId: string, input: ReserveInput): Promise<ReserveOutcome> {
  const limits = admissionLimits(ctx.env);
  const outcome = await admitted(limits, () => reserveAdmitted(ctx, userId, input, limits));
  return outcome === "busy" ? fail("busy") : outcome;
}

type ReserveInput = { saleId: string; quantity: number; idempotencyKey?: string; locale: string; referralPointId?: string; now?: number };
type ReserveOutcome = Result<{ reservation: Reservation; orderId: string; payableFen: number; replayed: boolean; counts: StockCounts }, ReserveError>;

async function reserveAdmitted(ctx: AppContext, userId: string, input: ReserveInput, limits: AdmissionLimits): Promise<ReserveOutcome> {
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
  const { level, levels } = await memberLevelAndLevels(ctx, userId, now);
  const home = homeShard(userId, sale.shards);
  const stock = stockFor(ctx, sale.id, home);
  const meta = stockMeta(sale, home);
  const request = { meta, userId, quantity: input.quantity, idempotencyKey: input.idempotencyKey ?? crypto.randomUUID(), opensAt: opensAtFor(sale, level, levels), now };
  let reserved;
  try {
    reserved = await withDeadline<ReserveResult>(stock.reserve(request), limits.deadlineMs);
    // A split sale: the home shard ran dry, but the others may have units left.
    if (!reserved.ok && reserved.code === "sold_out" && sale.shards > 1) {
      const arrived = await rebalance(ctx, sale, home, input.quantity - Math.max(0, reserved.counts.remaining), now);
      if (arrived > 0) reserved = await withDeadline<ReserveResult>(stock.reserve(request), limits.deadlineMs);
    }
    if (reserved.ok && sale.shards > 1) reserved = { ...reserved, counts: await saleCounts(ctx, sale, now) };
  } catch (error) {
    // An overloaded object (or one too slow to answer) is said at once: 503 + Retry-After.
    console.warn(`flash sale ${sale.id}: stock object unavailable: ${error instanceof Error ? error.message : String(error)}`);
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
  const shard = shardOfReservation(order.flashReservationId, sale.shards);
  const r = await stockFor(ctx, sale.id, shard).confirm({ meta: stockMeta(sale, shard), reservationId: order.flashReservationId, now });
  return r.ok;
}

/** After a flash order was cancelled, expired or refunded in full: its units go back to the sale. */
export async function releaseFlashReservation(ctx: AppContext, order: { flashSaleId: string | null; flashReservationId: string | null }): Promise<void> {
  if (!order.flashSaleId || !order.flashReservationId) return;
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, order.flashSaleId) });
  if (!sale) return;
  try {
    const shard = shardOfReservation(order.flashReservationId, sale.shards);
    await stockFor(ctx, sale.id, shard).release({ meta: stockMeta(sale, shard), reservationId: order.flashReservationId });
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
    // On now first, ending soonest; then the next to start.
    .orderBy(
      sql`CASE WHEN ${flashSales.startsAt} <= ${now} THEN 0 ELSE 1 END`,
      sql`CASE WHEN ${flashSales.startsAt} <= ${now} THEN ${flashSales.endsAt} ELSE ${flashSales.startsAt} END`,
    )
    .limit(limit);
  const { level, levels } = viewer.userId ? await memberLevelAndLevels(ctx, viewer.userId, now) : { level: "normal" as const, levels: (await getSettings(ctx, ["membership.levels"]))["membership.levels"] };
  const lines = await describeCart(ctx, rows.map((s) => ({ skuId: s.skuId, quantity: 1 })), viewer.locale);
  return Promise.all(
    rows.map(async (s) => {
      const counts = await saleCounts(ctx, s, now);
      const line = lines.find((l) => l.skuId === s.skuId);
      const opensAt = opensAtFor(s, level, levels);
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
        earlyAccessMinutes: earlyAccessOf(s, levels),
        counts,
        phase: salePhase(s, counts, opensAt, now),
      };
    }),
  );
}

export async function getFlashSale(ctx: AppContext, saleId: string, viewer: { userId: string | null; locale: string }, now = Date.now()) {
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, saleId) });
  if (!sale || sale.status !== "approved") return null;
  const { level, levels } = viewer.userId ? await memberLevelAndLevels(ctx, viewer.userId, now) : { level: "normal" as const, levels: (await getSettings(ctx, ["membership.levels"]))["membership.levels"] };
  const [line] = await describeCart(ctx, [{ skuId: sale.skuId, quantity: 1 }], viewer.locale);
  const counts = await saleCounts(ctx, sale, now);
  const opensAt = opensAtFor(sale, level, levels);
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
    earlyAccessMinutes: earlyAccessOf(sale, levels),
    counts,
    phase: salePhase(sale, counts, opensAt, now),
    serverNow: now,
  };
}
