import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { orderEvents, orderLines, orders, paymentNotifications, payments, pickupPoints, pointsEntries, refunds, skus, userCoupons, users } from "~/db/schema";
import { decryptField, maskAddress, maskPhone } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { parseHours } from "~/modules/pickup/pickup-points.server";
import { afterGroupOrderLeft, groupLeaveStatements } from "~/modules/group-deals/groups.server";
import { releaseFlashReservation } from "~/modules/flash-sales/sales.server";
import { CANCELLABLE, transition, type OrderEvent, type OrderStatus } from "./state-machine";
import { ORDER_LIST_TABS, type OrderListTab } from "./tabs";

export { ORDER_LIST_TABS, type OrderListTab };

type Db = AppContext["db"];
type Actor = { type: "user" | "system" | "leader" | "merchant" | "admin" | "provider"; id: string | null };

/**
 * The statements of one status change: the timeline event first (its trigger aborts the batch
 * unless `from` is the timeline's latest status), then the order row.
 */
export function transitionStatements(db: Db, input: { orderId: string; from: OrderStatus; event: OrderEvent; to: OrderStatus; actor: Actor; note?: string; now: number; set?: Partial<typeof orders.$inferInsert> }) {
  return [
    db.insert(orderEvents).values({
      id: newId("oev"),
      orderId: input.orderId,
      event: input.event,
      fromStatus: input.from,
      toStatus: input.to,
      actorType: input.actor.type,
      actorId: input.actor.id,
      note: input.note ?? null,
      createdAt: input.now,
    }),
    db
      .update(orders)
      .set({ ...input.set, status: input.to, updatedAt: input.now })
      .where(and(eq(orders.id, input.orderId), eq(orders.status, input.from))),
  ] as const;
}

export function isStateConflict(error: unknown): boolean {
  const e = error as { message?: string; cause?: unknown };
  return `${e?.message ?? ""} ${String(e?.cause ?? "")}`.includes("order_state_conflict");
}

/**
 * Stock back to the shelves, the coupon back to its owner (unless it has expired meanwhile) and
 * the points spent on the order back too.
 * A flash-sale order's units belong to the sale's stock object, not the SKU's stock: they go back
 * there (releaseFlashReservation, after the batch).
 */
async function releaseStatements(ctx: AppContext, order: typeof orders.$inferSelect, now: number) {
  const [lines, [spent]] = await Promise.all([
    order.flashSaleId ? [] : ctx.db.select({ skuId: orderLines.skuId, quantity: orderLines.quantity }).from(orderLines).where(eq(orderLines.orderId, order.id)),
    ctx.db.select({ points: pointsEntries.points }).from(pointsEntries).where(eq(pointsEntries.key, `spend:${order.id}`)),
  ]);
  return [
    ...lines.map((l) => ctx.db.update(skus).set({ stock: sql`${skus.stock} + ${l.quantity}`, updatedAt: now }).where(eq(skus.id, l.skuId))),
    ...(order.userCouponId
      ? [
          ctx.db
            .update(userCoupons)
            .set({ status: sql`CASE WHEN ${userCoupons.validUntil} > ${now} THEN 'available' ELSE 'expired' END`, orderId: null, usedAt: null })
            .where(and(eq(userCoupons.id, order.userCouponId), eq(userCoupons.orderId, order.id))),
        ]
      : []),
    // Points spent on the order come back, undoing the spend (so they keep their original expiry);
    // the key makes a second release write nothing.
    ...(spent
      ? [
          ctx.db
            .insert(pointsEntries)
            .values({ id: newId("pnt"), userId: order.userId, kind: "spend_return", points: -spent.points, key: `spend_return:${order.id}`, orderId: order.id, createdAt: now })
            .onConflictDoNothing(),
        ]
      : []),
  ];
}

export type CancelError = "order_not_found" | "not_cancellable" | "state_conflict";

/**
 * Cancels an order before it ships: stock and coupon come back in the same batch. A paid order
 * also gets a full refund request, which the payments module sends to the provider.
 */
export async function cancelOrder(
  ctx: AppContext,
  input: { orderId: string; userId: string | null; actor: Actor; reason: string; event?: "cancel" | "expire" },
): Promise<Result<{ status: OrderStatus; refundId: string | null }, CancelError>> {
  const order = await ctx.db.query.orders.findFirst({
    where: input.userId ? and(eq(orders.id, input.orderId), eq(orders.userId, input.userId)) : eq(orders.id, input.orderId),
  });
  if (!order) return fail("order_not_found", "orderId");
  const event = input.event ?? "cancel";
  const step = transition(order.status, event);
  if (!step.ok || !CANCELLABLE.has(order.status)) return fail("not_cancellable", "orderId");
  const now = Date.now();
  // What is still held of the payment: a group order already got its tier difference back (ADR 017).
  const [{ returned }] = (await ctx.db.all<{ returned: number }>(
    sql`SELECT coalesce(sum(amount_fen), 0) AS returned FROM refunds WHERE order_id = ${order.id} AND kind = 'group_price_difference'`,
  )) as [{ returned: number }];
  const refundFen = order.paidFen - Number(returned);
  const refundId = order.status === "paid" && refundFen > 0 ? newId("rfd") : null;
  // The payment that paid the order: the one whose notification was applied as "paid" (a second,
  // duplicate payment was refunded on its own and must not be chosen here).
  const payment = refundId
    ? (
        await ctx.db
          .select({ id: payments.id })
          .from(payments)
          .innerJoin(paymentNotifications, and(eq(paymentNotifications.paymentId, payments.id), eq(paymentNotifications.outcome, "paid")))
          .where(and(eq(payments.orderId, order.id), eq(payments.status, "succeeded")))
          .limit(1)
      )[0]
    : undefined;
  try {
    await ctx.db.batch([
      ...transitionStatements(ctx.db, {
        orderId: order.id,
        from: order.status,
        event,
        to: step.to,
        actor: input.actor,
        note: input.reason,
        now,
        set: { cancelledAt: now, cancelReason: input.reason },
      }),
      ...(await releaseStatements(ctx, order, now)),
      ...groupLeaveStatements(ctx.db, order, now),
      ...(refundId
        ? [
            ctx.db.insert(refunds).values({
              id: refundId,
              orderId: order.id,
              paymentId: payment?.id ?? null,
              kind: "cancellation",
              amountFen: refundFen,
              reason: input.reason,
              lines: "[]",
              status: "approved",
              createdAt: now,
              updatedAt: now,
            }),
          ]
        : []),
    ] as unknown as Parameters<typeof ctx.db.batch>[0]);
  } catch (error) {
    if (isStateConflict(error)) return fail("state_conflict", "orderId");
    throw error;
  }
  if (order.status === "pending_payment") await afterGroupOrderLeft(ctx, order);
  await releaseFlashReservation(ctx, order);
  return ok({ status: step.to, refundId });
}

/** Cron: unpaid orders past their deadline are cancelled and release stock. Idempotent. */
export async function expireUnpaidOrders(ctx: AppContext, now: number): Promise<number> {
  const due = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, "pending_payment"), lt(orders.payBy, now)))
    .limit(200);
  let expired = 0;
  for (const o of due) {
    const r = await cancelOrder(ctx, { orderId: o.id, userId: null, actor: { type: "system", id: null }, reason: "payment_timeout", event: "expire" });
    if (r.ok) expired++;
  }
  return expired;
}


/**
 * The door-delivery address snapshot of an order, decrypted (null for a pickup order). Only for
 * viewers who may see it in full: the shopper who placed it, and (later) its point's leader.
 */
export async function getDeliverySnapshot(
  ctx: AppContext,
  order: Pick<typeof orders.$inferSelect, "fulfilment" | "deliveryRecipient" | "deliveryPhoneEnc" | "deliveryAddressEnc">,
): Promise<{ recipientName: string; phone: string; phoneMasked: string; address: string } | null> {
  if (order.fulfilment !== "door" || !order.deliveryRecipient || !order.deliveryPhoneEnc || !order.deliveryAddressEnc) return null;
  const phone = await decryptField(ctx.env, "phone", order.deliveryPhoneEnc);
  return { recipientName: order.deliveryRecipient, phone, phoneMasked: maskPhone(phone), address: await decryptField(ctx.env, "address", order.deliveryAddressEnc) };
}

export async function listOrders(ctx: AppContext, userId: string, tab: OrderListTab, limit = 30) {
  const statuses = ORDER_LIST_TABS[tab];
  const rows = await ctx.db
    .select({
      id: orders.id,
      status: orders.status,
      payableFen: orders.payableFen,
      fulfilment: orders.fulfilment,
      createdAt: orders.createdAt,
      payBy: orders.payBy,
      pointName: pickupPoints.name,
      items: sql<number>`(SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = "orders"."id")`,
      firstTitle: sql<string>`(SELECT title FROM order_lines l WHERE l.order_id = "orders"."id" ORDER BY rowid LIMIT 1)`,
      firstImage: sql<string | null>`(SELECT image_key FROM order_lines l WHERE l.order_id = "orders"."id" ORDER BY rowid LIMIT 1)`,
    })
    .from(orders)
    .innerJoin(pickupPoints, eq(pickupPoints.id, orders.pickupPointId))
    .where(and(eq(orders.userId, userId), statuses ? inArray(orders.status, [...statuses]) : undefined))
    .orderBy(desc(orders.createdAt))
    .limit(limit);
  return rows;
}

/** The owner's view of one order: lines, timeline, pickup point, the pickup code, payments, refunds. */
export async function getOrderForOwner(ctx: AppContext, userId: string, orderId: string) {
  const [orderRows, lines, events, pays, refundRows] = await ctx.db.batch([
    ctx.db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.userId, userId))),
    ctx.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(sql`rowid`)),
    ctx.db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(sql`rowid`)),
    ctx.db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(asc(payments.createdAt)),
    ctx.db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt)),
  ]);
  const order = orderRows[0];
  if (!order) return null;
  // Separate from the batch: D1 batch rows are keyed by column name, so no joins in there.
  const [row] = await ctx.db
    .select({
      pointId: pickupPoints.id,
      pointName: pickupPoints.name,
      pointArea: pickupPoints.area,
      pointAddressEnc: pickupPoints.addressEnc,
      pointPhoneEnc: pickupPoints.contactPhoneEnc,
      pointHours: pickupPoints.hours,
      leaderName: users.displayName,
    })
    .from(pickupPoints)
    .innerJoin(users, eq(users.id, pickupPoints.leaderUserId))
    .where(eq(pickupPoints.id, order.pickupPointId));
  if (!row) return null;
  return {
    id: order.id,
    status: order.status,
    goodsFen: order.goodsFen,
    discountFen: order.discountFen,
    payableFen: order.payableFen,
    paidFen: order.paidFen,
    refundedFen: order.refundedFen,
    payBy: order.payBy,
    createdAt: order.createdAt,
    note: order.note,
    fulfilment: order.fulfilment,
    /** The group deal this order joined (拼团), or null for an ordinary order. */
    groupDealId: order.groupDealId,
    /** The flash sale this order reserved units of (限时抢购; payable until `payBy`, the reservation's expiry), or null. */
    flashSaleId: order.flashSaleId,
    /** The address snapshot taken at placement (door delivery only; the owner sees it in full). */
    delivery: await getDeliverySnapshot(ctx, order),
    pricing: JSON.parse(order.pricing) as import("~/modules/pricing").PriceBreakdown,
    pickupCode: await decryptField(ctx.env, "pickup_code", order.pickupCodeEnc),
    pickupPoint: {
      id: row.pointId,
      name: row.pointName,
      area: row.pointArea,
      address: await decryptField(ctx.env, "address", row.pointAddressEnc),
      addressMasked: maskAddress(await decryptField(ctx.env, "address", row.pointAddressEnc)),
      phone: await decryptField(ctx.env, "contact_phone", row.pointPhoneEnc),
      hours: parseHours(row.pointHours),
      leaderName: row.leaderName,
    },
    lines: lines.map((l) => ({ id: l.id, skuId: l.skuId, productId: l.productId, title: l.title, spec: l.spec, imageKey: l.imageKey, quantity: l.quantity, unitPriceFen: l.unitPriceFen, payableFen: l.payableFen, refundedFen: l.refundedFen, refundedQty: l.refundedQty })),
    events: events.map((e) => ({ id: e.id, event: e.event, from: e.fromStatus, to: e.toStatus, actorType: e.actorType, note: e.note, at: e.createdAt })),
    payments: pays.map((p) => ({ id: p.id, provider: p.provider, amountFen: p.amountFen, status: p.status, at: p.succeededAt ?? p.createdAt })),
    refunds: refundRows.map((r) => ({ id: r.id, kind: r.kind, amountFen: r.amountFen, reason: r.reason, status: r.status, at: r.createdAt })),
  };
}
export type OrderDetail = NonNullable<Awaited<ReturnType<typeof getOrderForOwner>>>;
