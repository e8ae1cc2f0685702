import { and, asc, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import { flashSales, merchants, products, skus } from "~/db/schema";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import type { AuditEntry } from "~/modules/audit/audit.server";
import { checkWindow } from "~/modules/merchants/onboarding-schemas";
import { noticeFlashSaleMismatch, noticeFlashSaleReviewed } from "~/modules/notifications/triggers.server";
import type { MembershipLevels } from "~/modules/settings/catalogue";
import { getSettings } from "~/modules/settings/settings.server";
import { earlyAccessOf, stockFor, stockMeta } from "./sales.server";
import { shardCountFor } from "./shards";
import type { StockCounts } from "./stock-types";
import {
  flashSalePhase,
  parseReconciliation,
  sellThroughPermille,
  type CreateFlashSaleInput,
  type FlashSaleStatusFilter,
  type Reconciliation,
} from "./sale-schemas";
import { compareStock } from "./reconcile";

/**
 * Flash sales in the consoles (限时抢购, SPEC §6, issue 8; ADR 018): a merchant creates a sale on
 * one of its SKUs, an admin approves it — which sets the sale's units aside from the SKU's shelf
 * stock — and when the window is over the end-of-window reconciliation compares the stock object
 * with the D1 orders, records the result and puts the unsold units back on the shelf.
 *
 * Rules:
 * - A sale sells an active SKU of the merchant's own on-shelf product; another merchant's SKU is
 *   "not found", never "forbidden". The flash price is below the SKU's price; the stock at most
 *   what the SKU holds now (checked again at approval, when the units are actually taken).
 * - One sale per SKU at a time: a pending or approved sale whose window overlaps blocks another.
 *   The check is part of the insert (INSERT … SELECT … WHERE NOT EXISTS), so two submissions at
 *   once cannot both pass.
 * - Every change is one D1 batch with its audit row. The statements that depend on the change
 *   (stock, audit) come first, each guarded by the state the change starts from, and the change
 *   itself comes last with the same guard: a double click or two reviewers at once leave one
 *   change, one stock movement and one audit row (D1 runs one batch at a time).
 * - Approval takes the units from `skus.stock` in the same batch; the stock trigger aborts the
 *   whole batch when the SKU holds fewer (`insufficient_stock`, nothing written).
 * - A merchant may pause a sale only before anyone can buy (before the earliest early-access
 *   opening). Pausing is final; units already set aside go back to the SKU in the same batch.
 */

type Sale = typeof flashSales.$inferSelect;

/** Statuses that hold the SKU: a new sale may not overlap one of these. */
const HOLDING = ["pending_review", "approved"] as const;

/**
 * The audit row of a change, inserted only while `guard` holds (a raw SQL condition evaluated in
 * the batch, before the change's own statement).
 */
function auditWhere(entry: AuditEntry, guard: SQL, now: number): BatchStatement {
  return sql`INSERT INTO audit_log (id, actor_user_id, action, entity_type, entity_id, data, created_at)
    SELECT ${newId("aud")}, ${entry.actorUserId}, ${entry.action}, ${entry.entityType}, ${entry.entityId ?? null}, ${entry.data ? JSON.stringify(entry.data) : null}, ${now}
    WHERE ${guard}`;
}

const isStockAbort = (error: unknown) => `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`.includes("insufficient_stock");

/** The earliest moment anyone can buy: the start minus the longest early access (the sale's, or a level's perk). */
export function earliestOpening(sale: Pick<Sale, "startsAt" | "earlyAccessMinutes">, levels?: MembershipLevels): number {
  const early = Object.values(earlyAccessOf(sale, levels));
  return sale.startsAt - Math.max(0, ...early) * 60_000;
}

// ---------------------------------------------------------------------------------------------
// Merchant

/** The SKUs a sale may sell: active SKUs of the merchant's on-shelf products, with price and stock. */
export async function listFlashSaleSkus(ctx: AppContext, merchantId: string, locale: string) {
  const rows = await ctx.db
    .select({ id: skus.id, priceFen: skus.priceFen, stock: skus.stock, specZh: skus.specZh, specEn: skus.specEn, titleZh: products.titleZh, titleEn: products.titleEn })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(products.merchantId, merchantId), eq(products.status, "on_shelf"), eq(skus.status, "active")))
    .orderBy(asc(products.titleZh), asc(skus.sort))
    .limit(500);
  return rows.map((r) => ({ id: r.id, priceFen: r.priceFen, stock: r.stock, label: locale === "en" ? `${r.titleEn} · ${r.specEn}` : `${r.titleZh} · ${r.specZh}` }));
}

export type CreateFlashSaleError = "sku_not_found" | "product_not_on_shelf" | "flash_price_not_lower" | "stock_above_sku" | "starts_in_past" | "ends_in_past" | "sale_overlaps";

/**
 * Creates a sale `pending_review`. Field errors: `skuId` (not the merchant's: sku_not_found; not
 * on sale: product_not_on_shelf; overlapping another sale: sale_overlaps), `flashPrice` (not below
 * the SKU's price), `stock` (more than the SKU holds), `startsAt`/`endsAt` (in the past).
 */
export async function createFlashSale(
  ctx: AppContext,
  input: { merchantId: string; actorId: string; form: CreateFlashSaleInput; now?: number },
): Promise<Result<{ id: string }, CreateFlashSaleError>> {
  const now = input.now ?? Date.now();
  const { form } = input;
  const [sku] = await ctx.db
    .select({ id: skus.id, productId: skus.productId, priceFen: skus.priceFen, stock: skus.stock, skuStatus: skus.status, productStatus: products.status })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.id, form.skuId), eq(products.merchantId, input.merchantId)))
    .limit(1);
  if (!sku) return fail("sku_not_found", "skuId");
  if (sku.productStatus !== "on_shelf" || sku.skuStatus !== "active") return fail("product_not_on_shelf", "skuId");
  if (form.flashPriceFen >= sku.priceFen) return fail("flash_price_not_lower", "flashPrice");
  if (form.stock > sku.stock) return fail("stock_above_sku", "stock");
  const clock = checkWindow(form, now);
  if (clock) return fail(clock.code as CreateFlashSaleError, clock.field);

  const id = newId("fls");
  const holding = sql.join(
    HOLDING.map((s) => sql`${s}`),
    sql`, `,
  );
  const [inserted] = await rawBatch(ctx, [
    sql`INSERT INTO flash_sales
          (id, merchant_id, product_id, sku_id, flash_price_fen, stock, shards, per_user_limit, payment_timeout_seconds, early_access_minutes, starts_at, ends_at, status, created_by, created_at, updated_at)
        SELECT ${id}, ${input.merchantId}, ${sku.productId}, ${sku.id}, ${form.flashPriceFen}, ${form.stock}, ${shardCountFor(form.stock)}, ${form.perUserLimit}, ${form.paymentTimeoutSeconds},
          ${form.earlyAccessMinutes}, ${form.startsAt}, ${form.endsAt}, 'pending_review', ${input.actorId}, ${now}, ${now}
        WHERE NOT EXISTS (
          SELECT 1 FROM flash_sales
          WHERE product_id = ${sku.productId} AND sku_id = ${sku.id} AND status IN (${holding})
            AND ends_at > ${now} AND starts_at < ${form.endsAt} AND ends_at > ${form.startsAt})`,
    auditWhere(
      {
        actorUserId: input.actorId,
        action: "flash_sale.create",
        entityType: "flash_sale",
        entityId: id,
        data: { merchantId: input.merchantId, skuId: sku.id, flashPriceFen: form.flashPriceFen, stock: form.stock },
      },
      sql`EXISTS (SELECT 1 FROM flash_sales WHERE id = ${id})`,
      now,
    ),
  ]);
  if (!inserted?.meta.changes) return fail("sale_overlaps", "skuId");
  return ok({ id });
}

export type PauseFlashSaleError = "sale_not_found" | "sale_not_pausable";

/**
 * Pauses one of the merchant's own sales, pending or approved, before anyone can buy (the
 * earliest early-access opening). An approved sale's units go back to the SKU in the same batch.
 */
export async function pauseFlashSale(ctx: AppContext, input: { merchantId: string; actorId: string; saleId: string; now?: number }): Promise<Result<null, PauseFlashSaleError>> {
  const now = input.now ?? Date.now();
  const sale = await ctx.db.query.flashSales.findFirst({ where: and(eq(flashSales.id, input.saleId), eq(flashSales.merchantId, input.merchantId)) });
  if (!sale) return fail("sale_not_found", "saleId");
  const { "membership.levels": levels } = await getSettings(ctx, ["membership.levels"]);
  if ((sale.status !== "pending_review" && sale.status !== "approved") || earliestOpening(sale, levels) <= now) return fail("sale_not_pausable", "saleId");
  const guard = sql`EXISTS (SELECT 1 FROM flash_sales WHERE id = ${sale.id} AND status = ${sale.status} AND updated_at = ${sale.updatedAt})`;
  const statements: BatchStatement[] = [];
  if (sale.status === "approved") statements.push(sql`UPDATE skus SET stock = stock + ${sale.stock}, updated_at = ${now} WHERE id = ${sale.skuId} AND ${guard}`);
  statements.push(
    auditWhere(
      { actorUserId: input.actorId, action: "flash_sale.pause", entityType: "flash_sale", entityId: sale.id, data: { merchantId: input.merchantId, from: sale.status, returnedUnits: sale.status === "approved" ? sale.stock : 0 } },
      guard,
      now,
    ),
    sql`UPDATE flash_sales SET status = 'paused', updated_at = ${now} WHERE id = ${sale.id} AND status = ${sale.status} AND updated_at = ${sale.updatedAt}`,
  );
  const results = await rawBatch(ctx, statements);
  if (!results.at(-1)?.meta.changes) return fail("sale_not_pausable", "saleId");
  return ok(null);
}

// ---------------------------------------------------------------------------------------------
// Admin

export type ReviewFlashSaleError = "sale_not_found" | "not_pending" | "sale_ended" | "insufficient_stock" | "reject_reason_required";

/**
 * An admin's decision on a sale pending review. Approving sets its units aside from the SKU's
 * stock in the same batch as the status change and the audit row; when the SKU holds fewer the
 * stock trigger aborts the batch and nothing is written (`insufficient_stock`). A sale whose
 * window is over cannot be approved. The merchant's staff get an inbox notice either way.
 */
export async function reviewFlashSale(
  ctx: AppContext,
  input: { saleId: string; actorId: string; decision: "approve" | "reject"; reason?: string; now?: number },
): Promise<Result<null, ReviewFlashSaleError>> {
  const now = input.now ?? Date.now();
  const approve = input.decision === "approve";
  const reason = input.reason?.trim() ?? "";
  if (!approve && reason.length < 2) return fail("reject_reason_required", "reason");
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, input.saleId) });
  if (!sale) return fail("sale_not_found", "saleId");
  if (sale.status !== "pending_review") return fail("not_pending", "saleId");
  if (approve && sale.endsAt <= now) return fail("sale_ended", "saleId");
  const pending = approve ? sql`status = 'pending_review' AND ends_at > ${now}` : sql`status = 'pending_review'`;
  const guard = sql`EXISTS (SELECT 1 FROM flash_sales WHERE id = ${sale.id} AND ${pending})`;
  const statements: BatchStatement[] = [];
  if (approve) statements.push(sql`UPDATE skus SET stock = stock - ${sale.stock}, updated_at = ${now} WHERE id = ${sale.skuId} AND ${guard}`);
  statements.push(
    auditWhere(
      {
        actorUserId: input.actorId,
        action: approve ? "flash_sale.approve" : "flash_sale.reject",
        entityType: "flash_sale",
        entityId: sale.id,
        data: approve ? { merchantId: sale.merchantId, skuId: sale.skuId, stock: sale.stock } : { merchantId: sale.merchantId, skuId: sale.skuId, reason },
      },
      guard,
      now,
    ),
    sql`UPDATE flash_sales SET status = ${approve ? "approved" : "rejected"}, review_note = ${approve ? null : reason}, reviewed_by = ${input.actorId}, reviewed_at = ${now}, updated_at = ${now}
        WHERE id = ${sale.id} AND ${pending}`,
  );
  let results;
  try {
    results = await rawBatch(ctx, statements);
  } catch (error) {
    if (isStockAbort(error)) return fail("insufficient_stock", "saleId");
    throw error;
  }
  if (!results.at(-1)?.meta.changes) return fail("not_pending", "saleId");
  await noticeFlashSaleReviewed(ctx, sale.id, approve ? { approve: true } : { approve: false, reason });
  return ok(null);
}

// ---------------------------------------------------------------------------------------------
// End-of-window reconciliation

/** When a sale may be reconciled: its window is over and no reservation can still be waiting for payment. */
export const reconcilableAt = (sale: Pick<Sale, "endsAt" | "paymentTimeoutSeconds">) => sale.endsAt + sale.paymentTimeoutSeconds * 1000;

export type ReconcileError = "sale_not_found" | "not_reconcilable" | "already_reconciled";

/**
 * The end-of-window reconciliation of one approved sale, once: reads every reservation of its stock
 * object and the sale's D1 orders, records `{sold, reserved, remaining, d1Sold, d1Pending,
 * differences}` and `reconciled_at`, and returns the object's `remaining` (never sold, plus
 * everything released) to the SKU's shelf stock — in one batch whose last statement sets
 * `reconciled_at` only where it is still null, every earlier statement guarded the same way, so a
 * second run (or two at once) changes nothing.
 *
 * It waits until the window is over AND the last possible reservation's payment time has passed
 * (`reconcilableAt`): by then nothing is `held` any more, so what is not sold is final. When the
 * object and D1 disagree, the difference is stored, audited, and every admin is told in-app.
 */
export async function reconcileFlashSale(ctx: AppContext, saleId: string, now = Date.now()): Promise<Result<Reconciliation, ReconcileError>> {
  const sale = await ctx.db.query.flashSales.findFirst({ where: eq(flashSales.id, saleId) });
  if (!sale) return fail("sale_not_found", "saleId");
  if (sale.reconciledAt !== null) return fail("already_reconciled", "saleId");
  if (sale.status !== "approved" || reconcilableAt(sale) > now) return fail("not_reconcilable", "saleId");
  // Every shard of the sale (one for most): rows, counts summed, and the transfers between them.
  const shards = await Promise.all(Array.from({ length: Math.max(1, sale.shards) }, (_, i) => stockFor(ctx, sale.id, i).reservations({ meta: stockMeta(sale, i) })));
  const sum = (pick: (x: (typeof shards)[number]) => StockCounts) =>
    shards.map(pick).reduce((t, c) => ({ stock: t.stock + c.stock, sold: t.sold + c.sold, reserved: t.reserved + c.reserved, remaining: t.remaining + c.remaining }), { stock: 0, sold: 0, reserved: 0, remaining: 0 });
  const rows = shards.flatMap((x) => x.rows);
  const running = sum((x) => x.running);
  // Units given by one shard and never received by another are not on sale anywhere: they count
  // as remaining (back to the shelf) and are reported.
  const unreceived = sumUnreceived(shards.flatMap((x) => x.transfers));
  const derived = sum((x) => x.counts);
  const counts: StockCounts = { stock: sale.stock, sold: derived.sold, reserved: derived.reserved, remaining: sale.stock - derived.sold - derived.reserved };
  const orders = await ctx.db.all<{ id: string; reservation_id: string | null; status: string; units: number; pay_by: number }>(sql`
    SELECT o.id, o.flash_reservation_id AS reservation_id, o.status, o.pay_by,
      (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS units
    FROM orders o WHERE o.flash_sale_id = ${sale.id}`);
  const compared = compareStock(
    rows,
    orders.map((o) => ({ id: o.id, reservationId: o.reservation_id, status: o.status, units: Number(o.units), payBy: Number(o.pay_by) })),
    now,
  );
  // The object decided with running totals; the rows are the record. Any drift is a difference.
  if (running.sold !== derived.sold || running.reserved !== derived.reserved || running.stock !== derived.stock) compared.differences.push({ kind: "running_totals_drift", reservationId: null, orderId: null });
  for (const t of unreceived) compared.differences.push({ kind: "transfer_not_received", reservationId: t, orderId: null });
  const result: Reconciliation = { sold: counts.sold, reserved: counts.reserved, remaining: counts.remaining, ...compared };
  const guard = sql`EXISTS (SELECT 1 FROM flash_sales WHERE id = ${sale.id} AND status = 'approved' AND reconciled_at IS NULL)`;
  const statements: BatchStatement[] = [];
  if (counts.remaining > 0) statements.push(sql`UPDATE skus SET stock = stock + ${counts.remaining}, updated_at = ${now} WHERE id = ${sale.skuId} AND ${guard}`);
  if (result.differences.length) {
    statements.push(
      auditWhere(
        {
          actorUserId: null,
          action: "flash_sale.reconcile_mismatch",
          entityType: "flash_sale",
          entityId: sale.id,
          data: { sold: result.sold, reserved: result.reserved, d1Sold: result.d1Sold, d1Pending: result.d1Pending, differences: result.differences.length },
        },
        guard,
        now,
      ),
    );
  }
  statements.push(
    sql`UPDATE flash_sales SET reconciliation = ${JSON.stringify(result)}, reconciled_at = ${now}, updated_at = ${now}
        WHERE id = ${sale.id} AND status = 'approved' AND reconciled_at IS NULL`,
  );
  const results = await rawBatch(ctx, statements);
  if (!results.at(-1)?.meta.changes) return fail("already_reconciled", "saleId");
  if (result.differences.length) await noticeFlashSaleMismatch(ctx, sale.id, result.differences.length);
  return ok(result);
}

/** Transfer ids whose units left one shard and never arrived at another (given and received sum to zero). */
function sumUnreceived(transfers: ReadonlyArray<{ id: string; units: number }>): string[] {
  const net = new Map<string, number>();
  for (const t of transfers) net.set(t.id, (net.get(t.id) ?? 0) + t.units);
  return [...net].filter(([, n]) => n !== 0).map(([id]) => id);
}

/** How many sales one cron run reconciles (each reads one stock object); the rest wait five minutes. */
const RECONCILE_PER_RUN = 5;

/**
 * Cron (every five minutes): reconciles approved sales whose window and last payment time are
 * over and that are not reconciled yet, a few per run, oldest end first. A failure of one sale is
 * logged and the others go on; it is tried again next run.
 */
export async function reconcileDueFlashSales(ctx: AppContext, now: number): Promise<number> {
  const due = await ctx.db
    .select({ id: flashSales.id })
    .from(flashSales)
    .where(and(eq(flashSales.status, "approved"), sql`${flashSales.endsAt} <= ${now}`, sql`${flashSales.reconciledAt} IS NULL`, sql`${flashSales.endsAt} + ${flashSales.paymentTimeoutSeconds} * 1000 <= ${now}`))
    .orderBy(asc(flashSales.endsAt))
    .limit(RECONCILE_PER_RUN);
  let done = 0;
  for (const { id } of due) {
    try {
      const r = await reconcileFlashSale(ctx, id, now);
      if (r.ok) done++;
    } catch (error) {
      console.warn(`flash sale ${id}: reconciliation failed`, error);
    }
  }
  return done;
}

// ---------------------------------------------------------------------------------------------
// Lists

export type FlashSaleRow = Awaited<ReturnType<typeof listSales>>[number];

async function listSales(ctx: AppContext, where: SQL | undefined, order: "newest" | "oldest", limit: number, now: number) {
  const s = flashSales;
  const rows = await ctx.db
    .select({
      sale: s,
      merchantName: merchants.name,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      specZh: skus.specZh,
      specEn: skus.specEn,
      listPriceFen: skus.priceFen,
    })
    .from(s)
    .innerJoin(products, eq(products.id, s.productId))
    .innerJoin(skus, eq(skus.id, s.skuId))
    .innerJoin(merchants, eq(merchants.id, s.merchantId))
    .where(where)
    .orderBy(...(order === "newest" ? [desc(s.createdAt), desc(s.id)] : [asc(s.createdAt), asc(s.id)]))
    .limit(limit);
  const { "membership.levels": levels } = await getSettings(ctx, ["membership.levels"]);
  return rows.map(({ sale, ...names }) => {
    const reconciliation = parseReconciliation(sale.reconciliation);
    return {
      id: sale.id,
      merchantId: sale.merchantId,
      ...names,
      skuId: sale.skuId,
      flashPriceFen: sale.flashPriceFen,
      stock: sale.stock,
      shards: sale.shards,
      perUserLimit: sale.perUserLimit,
      paymentTimeoutSeconds: sale.paymentTimeoutSeconds,
      earlyAccess: earlyAccessOf(sale, levels),
      startsAt: sale.startsAt,
      endsAt: sale.endsAt,
      status: sale.status,
      phase: flashSalePhase(sale, now),
      pausable: (sale.status === "pending_review" || sale.status === "approved") && earliestOpening(sale, levels) > now,
      reviewNote: sale.reviewNote,
      createdAt: sale.createdAt,
      reconciledAt: sale.reconciledAt,
      reconciliation,
      sellThroughPermille: reconciliation ? sellThroughPermille(reconciliation.sold, sale.stock) : null,
    };
  });
}

/** The merchant's sales, newest first (their last 100). */
export function listMerchantFlashSales(ctx: AppContext, merchantId: string, now = Date.now()) {
  return listSales(ctx, eq(flashSales.merchantId, merchantId), "newest", 100, now);
}

/** What waits for a decision: pending sales whose window has not ended, oldest first. */
export function listFlashSaleReviewQueue(ctx: AppContext, now = Date.now()) {
  return listSales(ctx, and(eq(flashSales.status, "pending_review"), gt(flashSales.endsAt, now)), "oldest", 100, now);
}

/** Every sale (or those of one status), newest first (the last 200). */
export function listAllFlashSales(ctx: AppContext, status: FlashSaleStatusFilter, now = Date.now()) {
  return listSales(ctx, status === "all" ? undefined : eq(flashSales.status, status), "newest", 200, now);
}
