import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import { orderLines, orders, pickupPoints } from "~/db/schema";
import { decryptField, maskPhone } from "~/lib/field-crypto.server";
import { formatFen } from "~/lib/format";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { notify, type Notice } from "~/modules/notifications/notify.server";
import { isStateConflict, transitionStatements } from "~/modules/orders/orders.server";
import { processRefunds } from "~/modules/payments/payments.server";
import { snapshotInt } from "~/modules/settings/order-rates";
import { snapshotIntSql } from "~/modules/settings/order-rates.server";
import { getSettings } from "~/modules/settings/settings.server";
import { daysWaiting, planUncollectedRefund, uncollectedUnits } from "./uncollected";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Uncollected goods (SPEC §3, issue #5 item 6): the cron flags orders left at the pickup point too
 * long and tells their leader and shopper; the leader marks a flagged order returned, which applies
 * the refund rule from the settings (see ./uncollected.ts for the rule and the end states).
 *
 * Both the waiting period and the refund share are the order's own, from its `rates` snapshot
 * (`uncollectedAfterDays`, `uncollectedRefundBp`): a settings change applies to orders placed after
 * it. Orders placed before the snapshot carried them follow today's settings (ADR 015).
 */

/** When an order became ready for pickup: its `arrive` event (the latest, should there be several). */
const arrivedAt = (orderId: SQL) => sql`(SELECT max(e.created_at) FROM order_events e WHERE e.order_id = ${orderId} AND e.event = 'arrive')`;
const arrivedAtSql = arrivedAt(sql`o.id`);

/**
 * Cron (every 5 minutes): orders ready for pickup for longer than their uncollected period
 * (`order.uncollected_after_days` when they were placed) since they arrived get `uncollected_at`
 * set — once: the conditional UPDATE … RETURNING hands each order to exactly one run, however
 * runs overlap — and only the orders this run flagged are notified: each shopper about their
 * order (`order.uncollected`), each leader once with the count (`leader.orders_uncollected`, with
 * the shortest period among them: every one of them waited at least that long).
 */
export async function flagUncollectedOrders(ctx: AppContext, now: number): Promise<{ flagged: number }> {
  const s = await getSettings(ctx, ["order.uncollected_after_days"]);
  const days = s["order.uncollected_after_days"];
  // (RETURNING cannot name a table alias: the UPDATE uses the table's own name.)
  const orderDays = snapshotIntSql(sql`orders.rates`, "uncollectedAfterDays", days);
  const flagged = await ctx.db.all<{ id: string; user_id: string; pickup_point_id: string; days: number }>(sql`
    UPDATE orders SET uncollected_at = ${now}, updated_at = ${now}
    WHERE status = 'ready_for_pickup' AND uncollected_at IS NULL AND ${arrivedAt(sql`orders.id`)} <= ${now} - ${orderDays} * ${DAY_MS}
    RETURNING id, user_id, pickup_point_id, ${snapshotIntSql(sql`rates`, "uncollectedAfterDays", days)} AS days`);
  if (!flagged.length) return { flagged: 0 };
  const points = await ctx.db
    .select({ id: pickupPoints.id, leaderUserId: pickupPoints.leaderUserId })
    .from(pickupPoints)
    .where(inArray(pickupPoints.id, [...new Set(flagged.map((f) => f.pickup_point_id))]));
  const leaderOf = new Map(points.map((p) => [p.id, p.leaderUserId]));
  const perLeader = new Map<string, { count: number; days: number }>();
  for (const f of flagged) {
    const leader = leaderOf.get(f.pickup_point_id);
    if (!leader) continue;
    const seen = perLeader.get(leader);
    perLeader.set(leader, { count: (seen?.count ?? 0) + 1, days: Math.min(seen?.days ?? Number(f.days), Number(f.days)) });
  }
  const notices: Notice[] = [
    ...[...perLeader].map(([userId, { count, days }]) => ({ userId, kind: "leader.orders_uncollected", data: { count, days }, link: "/leader/uncollected" })),
    ...flagged.map((f) => ({ userId: f.user_id, kind: "order.uncollected", data: { orderId: f.id, days: Number(f.days) }, link: `/orders/${f.id}` })),
  ];
  await notify(ctx, notices);
  return { flagged: flagged.length };
}

/** The leader's flagged orders still waiting (oldest arrival first), with what returning each would refund. */
export async function listUncollectedOrders(ctx: AppContext, pointId: string, now = Date.now()) {
  const s = await getSettings(ctx, ["order.uncollected_refund_bp", "order.uncollected_after_days"]);
  const bp = s["order.uncollected_refund_bp"];
  const rows = await ctx.db.all<{ id: string; created_at: number; uncollected_at: number; fulfilment: string; rates: string; name: string; phone_enc: string | null; arrived_at: number | null }>(sql`
    SELECT o.id, o.created_at, o.uncollected_at, o.fulfilment, o.rates, u.display_name AS name, u.phone_enc, ${arrivedAtSql} AS arrived_at
    FROM orders o JOIN users u ON u.id = o.user_id
    WHERE o.pickup_point_id = ${pointId} AND o.status = 'ready_for_pickup' AND o.uncollected_at IS NOT NULL
    ORDER BY arrived_at ASC, o.id ASC LIMIT 100`);
  const lines = rows.length
    ? await ctx.db.all<{ id: string; order_id: string; title: string; spec: string; quantity: number; payable_fen: number; refunded_qty: number; refunded_fen: number; picked_up_qty: number }>(sql`
        SELECT id, order_id, title, spec, quantity, payable_fen, refunded_qty, refunded_fen, picked_up_qty FROM order_lines
        WHERE order_id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((r) => r.id))})) ORDER BY title, spec`)
    : [];
  const out = [];
  for (const r of rows) {
    const own = lines
      .filter((l) => l.order_id === r.id)
      .map((l) => ({ id: l.id, title: l.title, spec: l.spec, quantity: Number(l.quantity), payableFen: Number(l.payable_fen), refundedQty: Number(l.refunded_qty), refundedFen: Number(l.refunded_fen), pickedUpQty: Number(l.picked_up_qty) }));
    const plan = planUncollectedRefund(own, snapshotInt(r.rates, "uncollectedRefundBp", bp));
    const arrivedAt = r.arrived_at === null ? Number(r.uncollected_at) : Number(r.arrived_at);
    out.push({
      id: r.id,
      customer: r.name,
      phone: r.phone_enc ? maskPhone(await decryptField(ctx.env, "phone", r.phone_enc)) : null,
      door: r.fulfilment === "door",
      arrivedAt,
      daysWaiting: daysWaiting(arrivedAt, now),
      items: own.map((l) => ({ title: l.title, spec: l.spec, quantity: l.quantity, pickedUpQty: l.pickedUpQty, waitingQty: uncollectedUnits(l) })).filter((l) => l.waitingQty > 0 || l.pickedUpQty > 0),
      units: plan.units,
      paidForUnitsFen: plan.paidForUnitsFen,
      refundFen: plan.amountFen,
    });
  }
  return { refundBp: bp, afterDays: s["order.uncollected_after_days"], orders: out };
}
export type UncollectedList = Awaited<ReturnType<typeof listUncollectedOrders>>;

export type ReturnError = "order_not_found" | "not_uncollected" | "nothing_to_return" | "state_conflict";

/**
 * The leader marks a flagged order of their own point returned. In ONE D1 batch, guarded against
 * a hand-over or a refund that changed the lines meanwhile (and by the timeline trigger against a
 * status change): the lines' returned units (refunded_qty, refunded_fen), one `uncollected`
 * refund (approved) of the rule's amount, the order → refunding, and the audit row. The refund then
 * goes to the provider; when it succeeds the order ends `refunded` (finishUncollectedOrders, also
 * called from payments' recordRefundOutcome). When the rule refunds nothing, the order goes
 * straight to `completed` and no refund row is written.
 */
export async function markUncollectedReturned(
  ctx: AppContext,
  input: { pointId: string; userId: string; orderId: string; origin?: string },
  now = Date.now(),
): Promise<Result<{ refundId: string | null; amountFen: number; units: number }, ReturnError>> {
  const order = await ctx.db.query.orders.findFirst({ where: and(eq(orders.id, input.orderId), eq(orders.pickupPointId, input.pointId)) });
  if (!order) return fail("order_not_found", "orderId");
  if (order.status !== "ready_for_pickup" || order.uncollectedAt === null) return fail("not_uncollected", "orderId");
  const [lines, s, pays] = await Promise.all([
    ctx.db.select().from(orderLines).where(eq(orderLines.orderId, order.id)),
    getSettings(ctx, ["order.uncollected_refund_bp"]),
    ctx.db.all<{ id: string }>(sql`SELECT p.id FROM payments p JOIN payment_notifications n ON n.payment_id = p.id AND n.outcome = 'paid'
      WHERE p.status = 'succeeded' AND p.order_id = ${order.id} ORDER BY p.succeeded_at LIMIT 1`),
  ]);
  const bp = snapshotInt(order.rates, "uncollectedRefundBp", s["order.uncollected_refund_bp"]);
  const plan = planUncollectedRefund(lines, bp);
  if (plan.units === 0) return fail("nothing_to_return", "orderId");

  const db = ctx.db;
  const snapshot = JSON.stringify(lines.map((l) => ({ id: l.id, r: l.refundedQty, p: l.pickedUpQty })));
  const parts = JSON.stringify(plan.parts);
  const refundId = plan.amountFen > 0 ? newId("rfd") : null;
  const statements: BatchStatement[] = [
    sql`SELECT CASE WHEN EXISTS (SELECT 1 FROM order_lines l JOIN json_each(${snapshot}) j ON json_extract(j.value, '$.id') = l.id
      WHERE l.refunded_qty <> json_extract(j.value, '$.r') OR l.picked_up_qty <> json_extract(j.value, '$.p')) THEN json('uncollected_state_conflict') END`,
  ];
  if (refundId) {
    statements.push(
      sql`UPDATE order_lines SET
          refunded_qty = refunded_qty + (SELECT json_extract(j.value, '$.quantity') FROM json_each(${parts}) j WHERE json_extract(j.value, '$.lineId') = order_lines.id),
          refunded_fen = refunded_fen + (SELECT json_extract(j.value, '$.amountFen') FROM json_each(${parts}) j WHERE json_extract(j.value, '$.lineId') = order_lines.id)
        WHERE id IN (SELECT json_extract(value, '$.lineId') FROM json_each(${parts}))`,
      sql`INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, note, lines, status, decided_by, decided_at, created_at, updated_at)
        VALUES (${refundId}, ${order.id}, ${pays[0]?.id ?? null}, 'uncollected', ${plan.amountFen}, 'uncollected', NULL, ${parts}, 'approved', ${input.userId}, ${now}, ${now}, ${now})`,
      ...transitionStatements(db, { orderId: order.id, from: "ready_for_pickup", event: "return_uncollected", to: "refunding", actor: { type: "leader", id: input.userId }, note: "uncollected", now }),
    );
  } else {
    statements.push(
      ...transitionStatements(db, {
        orderId: order.id,
        from: "ready_for_pickup",
        event: "forfeit_uncollected",
        to: "completed",
        actor: { type: "leader", id: input.userId },
        note: "uncollected",
        now,
        set: { completedAt: now },
      }),
    );
  }
  statements.push(
    auditStatement(ctx, {
      actorUserId: input.userId,
      action: "order.uncollected.return",
      entityType: "order",
      entityId: order.id,
      data: { pickupPointId: input.pointId, units: plan.units, paidForUnitsFen: plan.paidForUnitsFen, refundBp: bp, amountFen: plan.amountFen, refundId },
    }),
  );
  try {
    await rawBatch(ctx, statements);
  } catch (error) {
    if (isStateConflict(error) || /malformed JSON/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`)) return fail("state_conflict", "orderId");
    throw error;
  }

  await notify(ctx, [
    refundId
      ? { userId: order.userId, kind: "order.uncollected_returned", data: { orderId: order.id, amount: formatFen(plan.amountFen) }, link: `/orders/${order.id}` }
      : { userId: order.userId, kind: "order.uncollected_forfeited", data: { orderId: order.id }, link: `/orders/${order.id}` },
  ]).catch((error) => console.warn(`uncollected notice for order ${order.id} not sent`, error));
  if (refundId) await processRefunds(ctx, [refundId], input.origin);
  return ok({ refundId, amountFen: plan.amountFen, units: plan.units });
}

/**
 * Orders returned as uncollected end `refunded` once their `uncollected` refund has succeeded,
 * however late (the refund call, the completion cron or a provider notification — payments'
 * recordRefundOutcome calls this). Only orders an uncollected return put in `refunding`.
 * Idempotent: an order already moved on matches nothing.
 */
export async function finishUncollectedOrders(ctx: Pick<AppContext, "db" | "env">, orderIds: string[], now = Date.now()): Promise<void> {
  if (!orderIds.length) return;
  const ids = JSON.stringify(orderIds);
  const due = sql`o.status = 'refunding' AND o.id IN (SELECT value FROM json_each(${ids}))
    AND (SELECT e.event FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'refunding' AND e.from_status IS NOT 'refunding' ORDER BY e.created_at DESC, e.rowid DESC LIMIT 1) = 'return_uncollected'
    AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id AND r.kind = 'uncollected' AND r.status <> 'succeeded')`;
  await rawBatch(ctx, [
    sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
      SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'refund_succeeded', 'refunding', 'refunded', 'system', NULL, 'uncollected', ${now} FROM orders o WHERE ${due}`,
    sql`UPDATE orders AS o SET status = 'refunded', updated_at = ${now} WHERE ${due}`,
  ]);
}

/** How many of the point's orders are flagged uncollected and still waiting (for the Today page). */
export async function countUncollected(ctx: AppContext, pickupPointId: string): Promise<number> {
  const [row] = await ctx.db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM orders WHERE pickup_point_id = ${pickupPointId} AND status = 'ready_for_pickup' AND uncollected_at IS NOT NULL`,
  );
  return Number(row?.n ?? 0);
}
