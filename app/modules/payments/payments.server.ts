import { and, eq, inArray, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { orders, paymentNotifications, payments, refunds, userCoupons } from "~/db/schema";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { isStateConflict, transitionStatements } from "~/modules/orders/orders.server";
import { getPaymentProvider, type CreatePaymentResult, type NotificationResponse, type ProviderName } from "./providers";

export type StartPaymentError = "order_not_found" | "not_payable" | "provider_unavailable" | "provider_error";

/**
 * Starts paying an order with a provider: a `payments` row, then the provider's redirect / QR /
 * JSAPI parameters. A zero-payable order (fully discounted) is marked paid at once.
 */
export async function startPayment(
  ctx: AppContext,
  input: { userId: string; orderId: string; provider: ProviderName; origin: string; clientIp?: string },
): Promise<Result<{ paymentId: string | null; next: CreatePaymentResult | { kind: "paid" } }, StartPaymentError>> {
  const order = await ctx.db.query.orders.findFirst({ where: and(eq(orders.id, input.orderId), eq(orders.userId, input.userId)) });
  if (!order) return fail("order_not_found", "orderId");
  const now = Date.now();
  if (order.status !== "pending_payment" || order.payBy <= now) return fail("not_payable", "orderId");
  if (order.payableFen === 0) {
    try {
      await ctx.db.batch([
        ...transitionStatements(ctx.db, { orderId: order.id, from: "pending_payment", event: "pay", to: "paid", actor: { type: "system", id: null }, note: "zero_payable", now, set: { paidAt: now } }),
        ...couponUsedStatements(ctx, order, now),
      ]);
    } catch (error) {
      if (isStateConflict(error)) return fail("not_payable", "orderId");
      throw error;
    }
    return ok({ paymentId: null, next: { kind: "paid" } });
  }
  const provider = getPaymentProvider(ctx.env, input.provider);
  if (!provider) return fail("provider_unavailable", "provider");
  const paymentId = newId("pay");
  await ctx.db.insert(payments).values({ id: paymentId, orderId: order.id, provider: input.provider, amountFen: order.payableFen, status: "created", createdAt: now, expiresAt: order.payBy });
  try {
    const next = await provider.createPayment({
      paymentId,
      orderId: order.id,
      amountFen: order.payableFen,
      description: `邻里团订单 ${order.id}`,
      notifyUrl: `${input.origin}/api/v1/payments/notify/${input.provider}`,
      returnUrl: `${input.origin}/orders/${order.id}`,
      expiresAt: order.payBy,
      clientIp: input.clientIp,
    });
    return ok({ paymentId, next });
  } catch (error) {
    console.warn(`payment ${paymentId} could not start with ${input.provider}`, error);
    await ctx.db.update(payments).set({ status: "failed" }).where(eq(payments.id, paymentId));
    return fail("provider_error", "provider");
  }
}

function couponUsedStatements(ctx: AppContext, order: typeof orders.$inferSelect, now: number) {
  return order.userCouponId
    ? [ctx.db.update(userCoupons).set({ status: "used", usedAt: now }).where(and(eq(userCoupons.id, order.userCouponId), eq(userCoupons.orderId, order.id)))]
    : [];
}

export type NotificationOutcome = "paid" | "duplicate" | "late_refunded" | "failed_recorded" | "pending" | "rejected";

/**
 * A provider's payment notification. Verified (signature, freshness, amount) before anything
 * changes; applied once however often it is replayed (the dedupe key's primary key and the order
 * timeline's optimistic lock make repeats write nothing). A payment that arrives after the order
 * was cancelled or expired is refunded automatically, never fulfilled.
 */
export async function handlePaymentNotification(
  ctx: AppContext,
  providerName: ProviderName,
  request: { headers: Headers; body: string },
  now = Date.now(),
): Promise<{ outcome: NotificationOutcome; response: NotificationResponse; reason?: string }> {
  const provider = getPaymentProvider(ctx.env, providerName);
  if (!provider) return { outcome: "rejected", reason: "provider_unavailable", response: { status: 404, body: "", headers: {} } };
  const reject = (reason: string) => {
    console.warn(`payment notification from ${providerName} rejected: ${reason}`);
    return { outcome: "rejected" as const, reason, response: provider.ackResponse(false, reason) };
  };
  const verified = await provider.verifyNotification(request, now);
  if (!verified.ok) return reject(verified.reason);
  const n = verified.notification;
  const payment = await ctx.db.query.payments.findFirst({ where: and(eq(payments.id, n.paymentId), eq(payments.provider, providerName)) });
  if (!payment) return reject("unknown payment");
  if (n.amountFen !== payment.amountFen) return reject(`amount ${n.amountFen} does not match ${payment.amountFen}`);
  const accepted = (outcome: NotificationOutcome) => ({ outcome, response: provider.ackResponse(true) });
  if (n.status === "pending") return accepted("pending");

  /** The notification's record; its primary key makes a replay abort the batch it is in. */
  const dedupeAs = (outcome: NotificationOutcome) =>
    ctx.db.insert(paymentNotifications).values({
      dedupeKey: `${providerName}:${n.providerTradeNo}:${n.status}`,
      paymentId: payment.id,
      provider: providerName,
      status: n.status,
      amountFen: n.amountFen,
      outcome,
      receivedAt: now,
    });
  const isDuplicate = (error: unknown) => /UNIQUE constraint failed: payment_notifications/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

  if (n.status !== "succeeded") {
    try {
      await ctx.db.batch([dedupeAs("failed_recorded"), ctx.db.update(payments).set({ status: n.status === "closed" ? "closed" : "failed" }).where(and(eq(payments.id, payment.id), eq(payments.status, "created")))]);
    } catch (error) {
      if (isDuplicate(error)) return accepted("duplicate");
      throw error;
    }
    return accepted("failed_recorded");
  }

  const order = (await ctx.db.query.orders.findFirst({ where: eq(orders.id, payment.orderId) }))!;
  const markPayment = ctx.db
    .update(payments)
    .set({ status: "succeeded", providerTradeNo: n.providerTradeNo, succeededAt: n.paidAt ?? now })
    .where(eq(payments.id, payment.id));
  if (order.status === "pending_payment") {
    try {
      await ctx.db.batch([
        dedupeAs("paid"),
        markPayment,
        ...transitionStatements(ctx.db, {
          orderId: order.id,
          from: "pending_payment",
          event: "pay",
          to: "paid",
          actor: { type: "provider", id: providerName },
          now,
          set: { paidAt: n.paidAt ?? now, paidFen: n.amountFen },
        }),
        ...couponUsedStatements(ctx, order, now),
      ]);
      return accepted("paid");
    } catch (error) {
      if (isDuplicate(error)) return accepted("duplicate");
      if (!isStateConflict(error)) throw error;
      // The order changed meanwhile (expired or cancelled): fall through to the late-payment path.
    }
  }
  const current = (await ctx.db.query.orders.findFirst({ where: eq(orders.id, payment.orderId) }))!;
  const alreadyApplied = await ctx.db.query.paymentNotifications.findFirst({ where: and(eq(paymentNotifications.paymentId, payment.id), eq(paymentNotifications.outcome, "paid")) });
  if (alreadyApplied) return accepted("duplicate");
  // Money arrived for an order that no longer wants it (cancelled/expired), or a second payment for
  // an order another payment already paid: record it and refund it in full.
  const duplicate = current.status !== "cancelled";
  const refundId = newId("rfd");
  try {
    await ctx.db.batch([
      dedupeAs("late_refunded"),
      markPayment,
      ctx.db.insert(refunds).values({
        id: refundId,
        orderId: current.id,
        paymentId: payment.id,
        kind: duplicate ? "duplicate_payment" : "late_payment",
        amountFen: n.amountFen,
        reason: duplicate ? "order_already_paid" : "payment_after_cancellation",
        lines: "[]",
        status: "approved",
        createdAt: now,
        updatedAt: now,
      }),
    ]);
  } catch (error) {
    if (isDuplicate(error)) return accepted("duplicate");
    throw error;
  }
  await processRefunds(ctx, [refundId], ctx.request?.url.origin ?? "https://localhost");
  return accepted("late_refunded");
}

/** Sends approved refunds to their payment provider and records the outcome. Safe to repeat. */
export async function processRefunds(ctx: AppContext, refundIds: string[], origin: string): Promise<void> {
  if (refundIds.length === 0) return;
  const rows = await ctx.db
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(inArray(refunds.id, refundIds), inArray(refunds.status, ["approved", "processing"])));
  for (const { refund, payment } of rows) {
    const provider = getPaymentProvider(ctx.env, payment.provider);
    if (!provider || !payment.providerTradeNo) continue;
    const now = Date.now();
    const result = await provider.refund({
      refundId: refund.id,
      paymentId: payment.id,
      providerTradeNo: payment.providerTradeNo,
      amountFen: refund.amountFen,
      totalFen: payment.amountFen,
      reason: refund.reason,
      notifyUrl: payment.provider === "wechat" ? "" : `${origin}/api/v1/payments/notify/${payment.provider}`,
    });
    if (!result.ok) {
      console.warn(`refund ${refund.id} failed at ${payment.provider}: ${result.reason}`);
      await ctx.db.update(refunds).set({ status: "failed", updatedAt: now }).where(eq(refunds.id, refund.id));
      continue;
    }
    const succeeded = result.status === "succeeded";
    // The order's refunded total moves only while the refund is still open, in the same batch that
    // closes it: running this twice (or concurrently) counts the money once.
    const closeRefund = ctx.db
      .update(refunds)
      .set({ status: succeeded ? "succeeded" : "processing", providerRefundNo: result.providerRefundNo, updatedAt: now })
      .where(and(eq(refunds.id, refund.id), inArray(refunds.status, ["approved", "processing"])));
    // Refunds of money that never paid for the order (late or duplicate payments) leave the
    // order's refunded total alone.
    const countsForOrder = refund.kind !== "late_payment" && refund.kind !== "duplicate_payment";
    await ctx.db.batch([
      ...(succeeded && countsForOrder
        ? [
            ctx.db
              .update(orders)
              .set({ refundedFen: sql`${orders.refundedFen} + ${refund.amountFen}`, updatedAt: now })
              .where(and(eq(orders.id, refund.orderId), sql`(SELECT status FROM refunds WHERE id = ${refund.id}) IN ('approved', 'processing')`)),
          ]
        : []),
      closeRefund,
    ] as unknown as Parameters<typeof ctx.db.batch>[0]);
  }
}
