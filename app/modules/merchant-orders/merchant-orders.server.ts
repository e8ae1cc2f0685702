import { and, asc, desc, eq, gte, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { LINE_SUBSIDY_SQL } from "~/modules/settlement/order-split";
import type { AppContext } from "~/context.server";
import { orderEvents, orderLines, orders, pickupPoints, refunds } from "~/db/schema";
import { readBatch } from "~/db/raw-batch.server";
import { getSettings } from "~/modules/settings/settings.server";
import { getAfterSalesState } from "./after-sales.server";
import { businessDayEnd, businessDayStart } from "./dates";
import { computeFinance, type FinanceOrderInput } from "./finance";
import { parseRefundLines } from "./refund-math";
import { MERCHANT_ORDER_TABS, type MerchantOrderFilters, type MerchantOrderTab } from "./schemas";

/**
 * The merchant's view of orders: only through its own lines (order_lines.merchant_id). Another
 * merchant's lines, the shopper's phone and any door-delivery address are never read here; the
 * pickup point (name, area) is what a merchant needs to deliver.
 */

export const MERCHANT_ORDERS_PAGE_SIZE = 20;

const hasRequestedRefund = sql`EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = ${orders.id} AND r.kind = 'after_sales' AND r.status = 'requested')`;

function filterConditions(merchantId: string, f: MerchantOrderFilters, withTab: boolean): SQL[] {
  const conds: SQL[] = [eq(orderLines.merchantId, merchantId), ne(orders.status, "pending_payment")];
  if (f.from) conds.push(gte(orders.createdAt, businessDayStart(f.from)));
  if (f.to) conds.push(lt(orders.createdAt, businessDayEnd(f.to)));
  if (f.point) conds.push(eq(orders.pickupPointId, f.point));
  if (f.product) conds.push(sql`EXISTS (SELECT 1 FROM order_lines p WHERE p.order_id = ${orders.id} AND p.merchant_id = ${merchantId} AND p.product_id = ${f.product})`);
  if (f.q) conds.push(sql`instr(${orders.id}, ${f.q.toLowerCase()}) > 0`);
  if (withTab && f.tab) {
    if (f.tab === "refund_requested") conds.push(hasRequestedRefund);
    else {
      const statuses = MERCHANT_ORDER_TABS[f.tab];
      if (statuses) conds.push(inArray(orders.status, [...statuses]));
    }
  }
  return conds;
}

export async function listMerchantOrders(ctx: AppContext, merchantId: string, f: MerchantOrderFilters) {
  const page = f.page ?? 1;
  const rows = await ctx.db
    .select({
      id: orders.id,
      status: orders.status,
      fulfilment: orders.fulfilment,
      createdAt: orders.createdAt,
      pointId: pickupPoints.id,
      pointName: pickupPoints.name,
      items: sql<number>`sum(${orderLines.quantity})`,
      saleFen: sql<number>`sum(${orderLines.payableFen})`,
      refundedFen: sql<number>`sum(${orderLines.refundedFen})`,
      refundRequested: sql<number>`max(${hasRequestedRefund})`,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, orders.pickupPointId))
    .where(and(...filterConditions(merchantId, f, true)))
    .groupBy(orders.id)
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(MERCHANT_ORDERS_PAGE_SIZE + 1)
    .offset((page - 1) * MERCHANT_ORDERS_PAGE_SIZE);
  const hasMore = rows.length > MERCHANT_ORDERS_PAGE_SIZE;
  const pageRows = rows.slice(0, MERCHANT_ORDERS_PAGE_SIZE);
  const ids = pageRows.map((r) => r.id);
  const lines = ids.length
    ? await ctx.db
        .select({ orderId: orderLines.orderId, title: orderLines.title, spec: orderLines.spec, quantity: orderLines.quantity })
        .from(orderLines)
        .where(and(eq(orderLines.merchantId, merchantId), inArray(orderLines.orderId, ids)))
        .orderBy(asc(sql`${orderLines}.rowid`))
    : [];
  return {
    page,
    hasMore,
    orders: pageRows.map((r) => ({
      ...r,
      items: Number(r.items),
      saleFen: Number(r.saleFen),
      refundedFen: Number(r.refundedFen),
      refundRequested: Number(r.refundRequested) > 0,
      lines: lines.filter((l) => l.orderId === r.id).map(({ title, spec, quantity }) => ({ title, spec, quantity })),
    })),
  };
}

/** Orders per tab under the other filters (for the tab badges). */
export async function countMerchantOrdersByTab(ctx: AppContext, merchantId: string, f: MerchantOrderFilters): Promise<Record<MerchantOrderTab, number>> {
  const conds = filterConditions(merchantId, f, false);
  const [byStatus, requested] = await Promise.all([
    ctx.db
      .select({ status: orders.status, n: sql<number>`count(DISTINCT ${orders.id})` })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(...conds))
      .groupBy(orders.status),
    ctx.db
      .select({ n: sql<number>`count(DISTINCT ${orders.id})` })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(...conds, hasRequestedRefund)),
  ]);
  const counts = {} as Record<MerchantOrderTab, number>;
  for (const [tab, statuses] of Object.entries(MERCHANT_ORDER_TABS) as Array<[MerchantOrderTab, readonly string[] | null]>) {
    counts[tab] = byStatus.filter((r) => !statuses || statuses.includes(r.status)).reduce((s, r) => s + Number(r.n), 0);
  }
  counts.refund_requested = Number(requested[0]?.n ?? 0);
  return counts;
}

/** Filter choices: the pickup points and products that appear in this merchant's orders. */
export async function getMerchantOrderFilterOptions(ctx: AppContext, merchantId: string) {
  const [points, products] = await Promise.all([
    ctx.db
      .selectDistinct({ id: pickupPoints.id, name: pickupPoints.name })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .innerJoin(pickupPoints, eq(pickupPoints.id, orders.pickupPointId))
      .where(eq(orderLines.merchantId, merchantId))
      .orderBy(asc(pickupPoints.name)),
    ctx.db
      .select({ id: orderLines.productId, title: sql<string>`max(${orderLines.title})` })
      .from(orderLines)
      .where(eq(orderLines.merchantId, merchantId))
      .groupBy(orderLines.productId)
      .orderBy(asc(sql`max(${orderLines.title})`))
      .limit(500),
  ]);
  return { points, products };
}

/** Today's orders and open after-sales requests (the summary card). */
export async function getMerchantOrderSummary(ctx: AppContext, merchantId: string, today: string) {
  const [todays] = await ctx.db
    .select({ n: sql<number>`count(DISTINCT ${orders.id})`, fen: sql<number>`coalesce(sum(${orderLines.payableFen}), 0)` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(and(eq(orderLines.merchantId, merchantId), ne(orders.status, "pending_payment"), ne(orders.status, "cancelled"), gte(orders.createdAt, businessDayStart(today)), lt(orders.createdAt, businessDayEnd(today))));
  return { todayOrders: Number(todays?.n ?? 0), todaySaleFen: Number(todays?.fen ?? 0) };
}

/**
 * One order as a merchant sees it: 404 (null) unless it has lines of this merchant. Its lines only,
 * the pickup point, the timeline, the refunds touching its lines (and the open request).
 */
export async function getMerchantOrder(ctx: AppContext, merchantId: string, orderId: string) {
  const [orderRows, lineRows, events, refundRows] = await ctx.db.batch([
    ctx.db
      .select({ id: orders.id, status: orders.status, fulfilment: orders.fulfilment, pickupPointId: orders.pickupPointId, createdAt: orders.createdAt, paidAt: orders.paidAt, rates: orders.rates, pickedUpAt: orders.pickedUpAt, completedAt: orders.completedAt })
      .from(orders)
      .where(and(eq(orders.id, orderId), ne(orders.status, "pending_payment"))),
    ctx.db.select().from(orderLines).where(and(eq(orderLines.orderId, orderId), eq(orderLines.merchantId, merchantId))).orderBy(asc(sql`rowid`)),
    ctx.db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(sql`rowid`)),
    ctx.db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt)),
  ]);
  const order = orderRows[0];
  if (!order || lineRows.length === 0) return null;
  const point = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.id, order.pickupPointId), columns: { id: true, name: true, area: true } });
  const mine = new Set(lineRows.map((l) => l.id));
  const relevantRefunds = refundRows
    .filter((r) => r.kind === "after_sales" || r.kind === "shortage")
    .map((r) => ({ ...r, parts: parseRefundLines(r.lines) }))
    .filter((r) => r.status === "requested" || r.parts.some((p) => mine.has(p.lineId)))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      reason: r.reason,
      note: r.note,
      photoCount: r.photos ? (JSON.parse(r.photos) as unknown[]).length : 0,
      // Only this merchant's part of a decided refund.
      amountFen: r.status === "requested" ? null : r.parts.filter((p) => mine.has(p.lineId)).reduce((s, p) => s + p.amountFen, 0),
      lines: r.parts.filter((p) => mine.has(p.lineId)),
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
    }));
  const afterSales = await getAfterSalesState(ctx, merchantId, orderId);
  const finance = (await getMerchantOrderFinance(ctx, merchantId, orderId))!;
  return {
    id: order.id,
    status: order.status,
    fulfilment: order.fulfilment,
    createdAt: order.createdAt,
    paidAt: order.paidAt,
    pickupPoint: point ?? { id: order.pickupPointId, name: "", area: "" },
    lines: lineRows.map((l) => ({ id: l.id, title: l.title, spec: l.spec, quantity: l.quantity, unitPriceFen: l.unitPriceFen, payableFen: l.payableFen, refundedQty: l.refundedQty, refundedFen: l.refundedFen, pickedUpQty: l.pickedUpQty })),
    events: events.map((e) => ({ id: e.id, event: e.event, from: e.fromStatus, to: e.toStatus, actorType: e.actorType, at: e.createdAt })),
    refunds: relevantRefunds,
    afterSales: afterSales
      ? {
          refundId: afterSales.request.id,
          reason: afterSales.request.reason,
          note: afterSales.request.note,
          requestedAt: afterSales.request.createdAt,
          canDecide: afterSales.canDecide,
          othersPending: afterSales.othersPending.length,
          requestedFen: afterSales.requestedFen,
          lines: afterSales.lines.map((l) => ({ id: l.id, title: l.title, spec: l.spec, quantity: l.quantity, payableFen: l.payableFen, remainingQty: Math.max(0, l.quantity - l.committedQty), remainingFen: Math.max(0, l.payableFen - l.committedFen) })),
        }
      : null,
    finance,
  };
}
export type MerchantOrderDetail = NonNullable<Awaited<ReturnType<typeof getMerchantOrder>>>;

/**
 * The finance inputs of the merchant's orders that `where` selects (over `o`, the orders table):
 * the merchant's own lines, every merchant's net sale of those orders (the commission is shared by
 * them) and, for settled orders, what the ledger holds on the merchant's account per kind. Three
 * queries in one round trip; the order set is a subquery, never a long list of ids.
 */
async function loadFinanceInputs(ctx: AppContext, merchantId: string, where: SQL): Promise<FinanceOrderInput[]> {
  const selected = sql`SELECT o.id FROM orders o WHERE ${where} AND EXISTS (SELECT 1 FROM order_lines x WHERE x.order_id = o.id AND x.merchant_id = ${merchantId})`;
  const [own, nets, ledger] = await readBatch<
    [
      { id: string; created_at: number; status: string; rates: string; settled_at: number | null; leader_user_id: string | null; payable_fen: number; refunded_fen: number; platform_funded_fen: number },
      { order_id: string; merchant_id: string; net: number; subsidy: number },
      { order_id: string; kind: string; fen: number },
    ]
  >(ctx, [
    sql`SELECT o.id, o.created_at, o.status, o.rates, o.settled_at, p.leader_user_id, l.payable_fen, l.refunded_fen, l.platform_funded_fen
      FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.merchant_id = ${merchantId} JOIN pickup_points p ON p.id = o.pickup_point_id
      WHERE ${where} ORDER BY o.created_at DESC, o.id DESC, l.rowid`,
    sql`SELECT l.order_id, l.merchant_id, sum(max(0, l.payable_fen)) - sum(min(max(0, l.refunded_fen), max(0, l.payable_fen))) AS net, sum(${sql.raw(LINE_SUBSIDY_SQL)}) AS subsidy
      FROM order_lines l WHERE l.order_id IN (${selected}) GROUP BY l.order_id, l.merchant_id`,
    sql`SELECT e.order_id, e.kind, sum(e.credit_fen - e.debit_fen) AS fen FROM ledger_entries e
      WHERE e.account = ${`merchant:${merchantId}`} AND e.order_id IN (${selected}) GROUP BY e.order_id, e.kind`,
  ]);
  const merchantsOf = new Map<string, Array<{ merchantId: string; netSaleFen: number; subsidyFen: number }>>();
  for (const n of nets) {
    const list = merchantsOf.get(n.order_id) ?? [];
    list.push({ merchantId: n.merchant_id, netSaleFen: Number(n.net), subsidyFen: Number(n.subsidy) });
    merchantsOf.set(n.order_id, list);
  }
  const ledgerOf = new Map<string, { saleFen: number; feeFen: number; commissionFen: number; subsidyFen: number }>();
  for (const e of ledger) {
    const l = ledgerOf.get(e.order_id) ?? { saleFen: 0, feeFen: 0, commissionFen: 0, subsidyFen: 0 };
    if (e.kind === "sale") l.saleFen += Number(e.fen);
    else if (e.kind === "fee") l.feeFen += Number(e.fen);
    else if (e.kind === "commission") l.commissionFen += Number(e.fen);
    else if (e.kind === "subsidy") l.subsidyFen += Number(e.fen);
    ledgerOf.set(e.order_id, l);
  }
  const byOrder = new Map<string, FinanceOrderInput & { lines: Array<{ payableFen: number; refundedFen: number; platformFundedFen: number }> }>();
  for (const r of own) {
    let o = byOrder.get(r.id);
    if (!o) {
      o = {
        orderId: r.id,
        createdAt: Number(r.created_at),
        status: r.status,
        rates: r.rates,
        settledAt: r.settled_at === null ? null : Number(r.settled_at),
        leaderUserId: r.leader_user_id,
        merchantId,
        lines: [],
        orderMerchants: merchantsOf.get(r.id),
        ledger: ledgerOf.get(r.id) ?? null,
      };
      byOrder.set(r.id, o);
    }
    o.lines.push({ payableFen: Number(r.payable_fen), refundedFen: Number(r.refunded_fen), platformFundedFen: Number(r.platform_funded_fen) });
  }
  return [...byOrder.values()];
}

/** The finance view for a period (order creation time, business dates): per order and totals, settled figures from the ledger. */
export async function getMerchantFinance(ctx: AppContext, merchantId: string, period: { from: string; to: string }) {
  const inputs = await loadFinanceInputs(
    ctx,
    merchantId,
    // Never sold (unpaid), sold and cancelled before shipping (refunded in full), or a group-deal
    // order whose group has not closed yet (it may still be refunded in full): no income yet.
    sql`o.status NOT IN ('pending_payment', 'cancelled', 'awaiting_group') AND o.created_at >= ${businessDayStart(period.from)} AND o.created_at < ${businessDayEnd(period.to)}`,
  );
  const settings = await getSettings(ctx, ["order.after_sales_window_days"]);
  return { ...computeFinance(inputs), afterSalesWindowDays: settings["order.after_sales_window_days"] };
}

/** One order's finance figures for its merchant (the order page's "本单收入"). */
export async function getMerchantOrderFinance(ctx: AppContext, merchantId: string, orderId: string) {
  const [input] = await loadFinanceInputs(ctx, merchantId, sql`o.id = ${orderId}`);
  return input ? computeFinance([input]).rows[0]! : null;
}
