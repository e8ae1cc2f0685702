import { and, asc, desc, eq, gte, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { orderEvents, orderLines, orders, pickupPoints, refunds } from "~/db/schema";
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
  const settings = await getSettings(ctx, ["order.after_sales_window_days"]);
  const finance = computeFinance(
    [{ orderId: order.id, createdAt: order.createdAt, status: order.status, pickedUpAt: order.pickedUpAt, completedAt: order.completedAt, rates: order.rates, lines: lineRows }],
    settings["order.after_sales_window_days"],
    Date.now(),
  ).rows[0]!;
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

/** The finance view for a period (order creation time, business dates): per order and totals. */
export async function getMerchantFinance(ctx: AppContext, merchantId: string, period: { from: string; to: string }, now = Date.now()) {
  const rows = await ctx.db
    .select({
      orderId: orders.id,
      createdAt: orders.createdAt,
      status: orders.status,
      pickedUpAt: orders.pickedUpAt,
      completedAt: orders.completedAt,
      rates: orders.rates,
      payableFen: orderLines.payableFen,
      refundedFen: orderLines.refundedFen,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        eq(orderLines.merchantId, merchantId),
        // Never sold (unpaid), sold and cancelled before shipping (refunded in full), or a group-deal
        // order whose group has not closed yet (it may still be refunded in full): no income yet.
        sql`${orders.status} NOT IN ('pending_payment', 'cancelled', 'awaiting_group')`,
        gte(orders.createdAt, businessDayStart(period.from)),
        lt(orders.createdAt, businessDayEnd(period.to)),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id));
  const byOrder = new Map<string, FinanceOrderInput & { lines: Array<{ payableFen: number; refundedFen: number }> }>();
  for (const r of rows) {
    let o = byOrder.get(r.orderId);
    if (!o) {
      o = { orderId: r.orderId, createdAt: r.createdAt, status: r.status, pickedUpAt: r.pickedUpAt, completedAt: r.completedAt, rates: r.rates, lines: [] };
      byOrder.set(r.orderId, o);
    }
    o.lines.push({ payableFen: r.payableFen, refundedFen: r.refundedFen });
  }
  const settings = await getSettings(ctx, ["order.after_sales_window_days"]);
  return { ...computeFinance([...byOrder.values()], settings["order.after_sales_window_days"], now), afterSalesWindowDays: settings["order.after_sales_window_days"] };
}
