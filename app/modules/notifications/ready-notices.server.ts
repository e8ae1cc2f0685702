/**
 * "Notify customers": the leader tells every customer whose order waits at the pickup point that
 * it has arrived. Each telling is an `order_events` row (`notify_ready`, ready_for_pickup →
 * ready_for_pickup, actor the leader) written in the same D1 batch as the inbox notices, so it
 * shows on the order's timeline and an order is never told twice.
 */
import { eq, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { pickupPoints } from "~/db/schema";
import { rawBatch } from "~/db/raw-batch.server";
import { parseHours } from "~/modules/pickup/pickup-points.server";
import { noticeStatement, pushNotices, type Notice } from "./notify.server";

export const NOTIFY_READY_EVENT = "notify_ready";

/**
 * Orders of the point waiting for collection whose customer has not been told yet. Door-delivery
 * orders are left out (the leader brings those). The timeline's latest status must still be
 * ready_for_pickup (the order_events trigger requires the new row to follow it).
 */
function waiting(pickupPointId: string): SQL {
  return sql`o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup' AND o.fulfilment = 'pickup'
    AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = ${NOTIFY_READY_EVENT})
    AND (SELECT e.to_status FROM order_events e WHERE e.order_id = o.id ORDER BY e.rowid DESC LIMIT 1) = 'ready_for_pickup'`;
}

/** How many orders (and customers) are waiting to be told at this pickup point. */
export async function countCustomersToNotify(ctx: AppContext, pickupPointId: string): Promise<{ orders: number; customers: number }> {
  const row = await ctx.db.get<{ orders: number; customers: number }>(
    sql`SELECT count(*) AS orders, count(DISTINCT o.user_id) AS customers FROM orders o WHERE ${waiting(pickupPointId)}`,
  );
  return { orders: Number(row?.orders ?? 0), customers: Number(row?.customers ?? 0) };
}

const isConflict = (error: unknown) => /malformed JSON|order_state_conflict/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

/**
 * Tells the customers (one `order.ready_for_pickup` notice per order, linking to the order page,
 * with the point's name and hours) and records each telling on the order's timeline, all in one
 * batch guarded so that a concurrent or repeated call tells nobody twice. Answers how many
 * customers (and orders) were told.
 */
export async function notifyReadyCustomers(ctx: AppContext, input: { pickupPointId: string; leaderUserId: string }): Promise<{ customers: number; orders: number }> {
  const point = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.id, input.pickupPointId) });
  if (!point) return { customers: 0, orders: 0 };
  const hours = parseHours(point.hours);
  for (let attempt = 0; attempt < 2; attempt++) {
    const due = await ctx.db.all<{ id: string; user_id: string }>(sql`SELECT o.id, o.user_id FROM orders o WHERE ${waiting(point.id)} ORDER BY o.created_at LIMIT 500`);
    if (!due.length) return { customers: 0, orders: 0 };
    const ids = JSON.stringify(due.map((o) => o.id));
    const notices: Notice[] = due.map((o) => ({
      userId: o.user_id,
      kind: "order.ready_for_pickup",
      data: { orderId: o.id, point: point.name, open: hours.open, close: hours.close },
      link: `/orders/${o.id}`,
    }));
    const now = Date.now();
    try {
      await rawBatch(ctx, [
        // Aborts the batch (a deliberate json() error) when another call told any of them meanwhile
        // or one of them left ready_for_pickup.
        sql`SELECT CASE WHEN EXISTS (SELECT 1 FROM order_events WHERE event = ${NOTIFY_READY_EVENT} AND order_id IN (SELECT value FROM json_each(${ids})))
          OR EXISTS (SELECT 1 FROM orders WHERE id IN (SELECT value FROM json_each(${ids})) AND status <> 'ready_for_pickup') THEN json('notify_conflict') END`,
        sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
          SELECT 'oev_' || lower(hex(randomblob(10))), j.value, ${NOTIFY_READY_EVENT}, 'ready_for_pickup', 'ready_for_pickup', 'leader', ${input.leaderUserId}, NULL, ${now}
          FROM json_each(${ids}) j`,
        noticeStatement(notices, now),
      ]);
    } catch (error) {
      if (isConflict(error)) continue; // recount what is still waiting
      throw error;
    }
    pushNotices(ctx, notices);
    return { customers: new Set(due.map((o) => o.user_id)).size, orders: due.length };
  }
  return { customers: 0, orders: 0 };
}
