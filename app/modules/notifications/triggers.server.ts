/**
 * The notices that business events send (issue #5 item 4). Each is called by the flow of its
 * event once that event has been written, and never fails it: a problem is logged and swallowed.
 */
import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { formatFen } from "~/lib/format";
import { notify, type Notice } from "./notify.server";

async function safely(what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    console.warn(`notice "${what}" not sent`, error);
  }
}

/** A paid order → its pickup point's leader (`leader.new_order`: items and amount), linking to Today. */
export function noticeOrderPaid(ctx: AppContext, orderId: string): Promise<void> {
  return safely("leader.new_order", async () => {
    const row = await ctx.db.get<{ leader: string; payable: number; units: number }>(sql`
      SELECT p.leader_user_id AS leader, o.payable_fen AS payable, (SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE order_id = o.id) AS units
      FROM orders o JOIN pickup_points p ON p.id = o.pickup_point_id WHERE o.id = ${orderId}`);
    if (!row) return;
    await notify(ctx, [{ userId: row.leader, kind: "leader.new_order", data: { orderId, amount: formatFen(Number(row.payable)), count: Number(row.units) }, link: "/leader" }]);
  });
}

/** A merchant shipped a batch → the pickup point's leader (`leader.batch_shipped`), linking to Arrivals. */
export function noticeBatchShipped(ctx: AppContext, batchId: string): Promise<void> {
  return safely("leader.batch_shipped", async () => {
    const row = await ctx.db.get<{ leader: string; merchant: string; date: string; orders: number }>(sql`
      SELECT p.leader_user_id AS leader, m.name AS merchant, b.delivery_date AS date,
        (SELECT count(DISTINCT order_id) FROM delivery_batch_lines WHERE batch_id = b.id) AS orders
      FROM delivery_batches b JOIN pickup_points p ON p.id = b.pickup_point_id JOIN merchants m ON m.id = b.merchant_id WHERE b.id = ${batchId}`);
    if (!row) return;
    await notify(ctx, [{ userId: row.leader, kind: "leader.batch_shipped", data: { batchId, merchant: row.merchant, date: row.date, count: Number(row.orders) }, link: "/leader/arrivals" }]);
  });
}

/** The leader confirmed a batch's arrival → the merchant's staff (`merchant.batch_arrived`, with the shortage count). */
export function noticeBatchArrived(ctx: AppContext, batchId: string, shortageQty: number): Promise<void> {
  return safely("merchant.batch_arrived", async () => {
    const rows = await ctx.db.all<{ user_id: string; point: string; date: string }>(sql`
      SELECT s.user_id, p.name AS point, b.delivery_date AS date FROM delivery_batches b
      JOIN pickup_points p ON p.id = b.pickup_point_id JOIN merchant_staff s ON s.merchant_id = b.merchant_id WHERE b.id = ${batchId}`);
    const notices: Notice[] = rows.map((r) => ({
      userId: r.user_id,
      kind: "merchant.batch_arrived",
      data: { batchId, point: r.point, date: r.date, count: shortageQty },
      link: `/merchant/fulfilment/batches/${batchId}`,
    }));
    await notify(ctx, notices);
  });
}

/**
 * A group deal closed → each paid member (`order.group_succeeded` with the tier and the difference
 * refunded, or `order.group_failed` with the full refund), linking to the group; and, for a
 * succeeded group, each member's order reaches its leader as a new order now (not at payment:
 * until the group closes the order might still be refunded).
 */
export function noticeGroupClosed(ctx: AppContext, groupId: string): Promise<void> {
  return safely("order.group_closed", async () => {
    const rows = await ctx.db.all<{ user_id: string; order_id: string; status: string; size: number | null; price: number | null; refund: number }>(sql`
      SELECT m.user_id, m.order_id, g.status, g.reached_size AS size, g.final_unit_price_fen AS price, 
        (SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r WHERE r.order_id = m.order_id AND r.kind IN ('group_failed', 'group_price_difference')) AS refund
      FROM group_deal_members m JOIN group_deals g ON g.id = m.group_id
      WHERE m.group_id = ${groupId} AND m.status = 'paid' AND g.status <> 'open'`);
    const notices: Notice[] = rows.map((r) => ({
      userId: r.user_id,
      kind: r.status === "succeeded" ? ("order.group_succeeded" as const) : ("order.group_failed" as const),
      data: {
        orderId: r.order_id,
        refund: formatFen(Number(r.refund)),
        ...(r.status === "succeeded" ? { size: Number(r.size), price: formatFen(Number(r.price)) } : {}),
      },
      link: `/groups/${groupId}`,
    }));
    await notify(ctx, notices);
    for (const r of rows) if (r.status === "succeeded") await noticeOrderPaid(ctx, r.order_id);
  });
}

/** An admin reviewed a product → the merchant's staff (`merchant.product_approved` / `_rejected` with the reason), linking to the product. */
export function noticeProductReviewed(ctx: AppContext, productId: string, decision: { approve: true } | { approve: false; reason: string }): Promise<void> {
  const kind = decision.approve ? "merchant.product_approved" : "merchant.product_rejected";
  return safely(kind, async () => {
    const rows = await ctx.db.all<{ user_id: string; title: string }>(sql`
      SELECT s.user_id, p.title_zh AS title FROM products p JOIN merchant_staff s ON s.merchant_id = p.merchant_id WHERE p.id = ${productId}`);
    await notify(
      ctx,
      rows.map((r) => ({
        userId: r.user_id,
        kind,
        data: decision.approve ? { product: r.title } : ({ product: r.title, reason: decision.reason } as Record<string, string>),
        link: `/merchant/products/${productId}`,
      })),
    );
  });
}

/** An admin reviewed a group-deal campaign → the merchant's staff (`merchant.group_deal_approved` / `_rejected` with the reason), linking to the campaigns. */
export function noticeGroupDealReviewed(ctx: AppContext, campaignId: string, decision: { approve: true } | { approve: false; reason: string }): Promise<void> {
  const kind = decision.approve ? "merchant.group_deal_approved" : "merchant.group_deal_rejected";
  return safely(kind, async () => {
    const rows = await ctx.db.all<{ user_id: string; title: string; spec: string }>(sql`
      SELECT s.user_id, p.title_zh AS title, k.spec_zh AS spec FROM group_deal_campaigns c
      JOIN products p ON p.id = c.product_id JOIN skus k ON k.id = c.sku_id JOIN merchant_staff s ON s.merchant_id = c.merchant_id WHERE c.id = ${campaignId}`);
    await notify(
      ctx,
      rows.map((r) => ({
        userId: r.user_id,
        kind,
        data: decision.approve ? { product: `${r.title} ${r.spec}` } : ({ product: `${r.title} ${r.spec}`, reason: decision.reason } as Record<string, string>),
        link: "/merchant/group-deals",
      })),
    );
  });
}

/** An admin decided a merchant application → the applicant, in the inbox (the SMS/email goes too). */
export function noticeMerchantReviewed(ctx: AppContext, userId: string, store: string, decision: { approve: true } | { approve: false; reason: string }): Promise<void> {
  const kind = decision.approve ? "merchant.application_approved" : "merchant.application_rejected";
  return safely(kind, () =>
    notify(ctx, [
      {
        userId,
        kind,
        data: decision.approve ? { store } : ({ store, reason: decision.reason } as Record<string, string>),
        link: decision.approve ? "/merchant" : "/me/merchant-apply",
      },
    ]),
  );
}

/** An admin reviewed a flash sale → the merchant's staff (`merchant.flash_sale_approved` with the units set aside / `_rejected` with the reason), linking to the sales. */
export function noticeFlashSaleReviewed(ctx: AppContext, saleId: string, decision: { approve: true } | { approve: false; reason: string }): Promise<void> {
  const kind = decision.approve ? "merchant.flash_sale_approved" : "merchant.flash_sale_rejected";
  return safely(kind, async () => {
    const rows = await ctx.db.all<{ user_id: string; title: string; spec: string; stock: number }>(sql`
      SELECT s.user_id, p.title_zh AS title, k.spec_zh AS spec, f.stock FROM flash_sales f
      JOIN products p ON p.id = f.product_id JOIN skus k ON k.id = f.sku_id JOIN merchant_staff s ON s.merchant_id = f.merchant_id WHERE f.id = ${saleId}`);
    await notify(
      ctx,
      rows.map((r) => ({
        userId: r.user_id,
        kind,
        data: (decision.approve ? { product: `${r.title} ${r.spec}`, stock: Number(r.stock) } : { product: `${r.title} ${r.spec}`, reason: decision.reason }) as Record<string, string | number>,
        link: "/merchant/flash-sales",
      })),
    );
  });
}

/** A flash sale's end-of-window reconciliation found differences → every user with the admin role (`admin.flash_sale_mismatch`), linking to the admin's flash sales. */
export function noticeFlashSaleMismatch(ctx: AppContext, saleId: string, count: number): Promise<void> {
  return safely("admin.flash_sale_mismatch", async () => {
    const rows = await ctx.db.all<{ user_id: string; title: string; spec: string }>(sql`
      SELECT r.user_id, p.title_zh AS title, k.spec_zh AS spec FROM flash_sales f
      JOIN products p ON p.id = f.product_id JOIN skus k ON k.id = f.sku_id JOIN user_roles r ON r.role = 'admin' WHERE f.id = ${saleId}`);
    await notify(
      ctx,
      rows.map((r) => ({ userId: r.user_id, kind: "admin.flash_sale_mismatch", data: { product: `${r.title} ${r.spec}`, count }, link: `/admin/flash-sales?status=approved#${saleId}` })),
    );
  });
}
