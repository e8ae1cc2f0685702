import { and, asc, eq, gt, inArray, isNotNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { orders, paymentNotifications, payments, pointsEntries, refunds, userCoupons } from "~/db/schema";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { isStateConflict, transitionStatements } from "~/modules/orders/orders.server";
import { finishWhollyShortOrders } from "~/modules/fulfilment/batches.server";
import { closeAfterSalesIfDone } from "~/modules/merchant-orders/after-sales-close.server";
import { finishUncollectedOrders } from "~/modules/leaders/uncollected.server";
import { noticeOrderPaid } from "~/modules/notifications/triggers.server";
import { afterGroupOrderPaid, finishFailedGroupOrders, groupPaidStatements, isGroupClosedError } from "~/modules/group-deals/groups.server";
import { cancelOrder } from "~/modules/orders/orders.server";
import { confirmFlashReservation } from "~/modules/flash-sales/sales.server";
import {
  getPaymentProvider,
  type CreatePaymentResult,
  type NotificationResponse,
  type PaymentProvider,
  type ProviderName,
  type VerifiedRefundNotification,
} from "./providers";

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
    await noticeOrderPaid(ctx, order.id);
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

/** The error a replayed notification's dedupe row raises (its batch is then rolled back). */
const isDuplicate = (error: unknown) => /UNIQUE constraint failed: payment_notifications/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

function couponUsedStatements(ctx: AppContext, order: typeof orders.$inferSelect, now: number) {
  return order.userCouponId
    ? [ctx.db.update(userCoupons).set({ status: "used", usedAt: now }).where(and(eq(userCoupons.id, order.userCouponId), eq(userCoupons.orderId, order.id)))]
    : [];
}

export type NotificationOutcome =
  | "paid"
  | "duplicate"
  | "late_refunded"
  | "failed_recorded"
  | "pending"
  | "rejected"
  /** A refund result notification (WeChat Pay REFUND.*) that completed or failed one of our refunds. */
  | "refund_succeeded"
  | "refund_failed";

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
  if ("refund" in verified) return handleRefundNotification(ctx, provider, verified.refund, reject, now);
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
  // A flash-sale order is paid only while its reservation holds (issue 8): money that comes after
  // the reservation expired cancels the order and is refunded below, never taken from stock that
  // went back on sale.
  if (order.status === "pending_payment" && !(await confirmFlashReservation(ctx, order, now))) {
    await cancelOrder(ctx, { orderId: order.id, userId: null, actor: { type: "system", id: null }, reason: "flash_reservation_expired", event: "expire" });
  }
  const fresh = order.flashSaleId ? ((await ctx.db.query.orders.findFirst({ where: eq(orders.id, order.id) })) ?? order) : order;
  if (fresh.status === "pending_payment") {
    // A group-deal order waits for its group (ADR 017); any other order goes on to the cut-off.
    const group = order.groupDealId !== null;
    try {
      await ctx.db.batch([
        dedupeAs("paid"),
        markPayment,
        ...transitionStatements(ctx.db, {
          orderId: order.id,
          from: "pending_payment",
          event: group ? "pay_group" : "pay",
          to: group ? "awaiting_group" : "paid",
          actor: { type: "provider", id: providerName },
          now,
          set: { paidAt: n.paidAt ?? now, paidFen: n.amountFen },
        }),
        ...couponUsedStatements(ctx, order, now),
        ...groupPaidStatements(ctx.db, order, now),
      ] as unknown as Parameters<typeof ctx.db.batch>[0]);
      // A group order reaches its leader when its group succeeds (noticeGroupClosed), not now.
      if (group) await afterGroupOrderPaid(ctx, order);
      else await noticeOrderPaid(ctx, order.id);
      return accepted("paid");
    } catch (error) {
      if (isDuplicate(error)) return accepted("duplicate");
      if (group && isGroupClosedError(error)) {
        // The group closed or filled while this member was paying: the order is cancelled and the
        // money goes back below as a late payment.
        await cancelOrder(ctx, { orderId: order.id, userId: null, actor: { type: "system", id: null }, reason: "group_closed" });
      } else if (!isStateConflict(error)) throw error;
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
  await processRefunds(ctx, [refundId], ctx.request?.url.origin);
  return accepted("late_refunded");
}

// ---------- refunds ----------

type RefundRow = typeof refunds.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;
type BatchItem = Parameters<AppContext["db"]["batch"]>[0][number];

/** What a provider said about a refund, as far as our refund row is concerned. */
export type RefundOutcome =
  | { status: "succeeded"; providerRefundNo?: string }
  | { status: "processing"; providerRefundNo?: string }
  | { status: "failed"; reason: string };

/**
 * The one place a provider's word on a refund is written: by `processRefunds` after the refund
 * call, by `completeRefunds` after a query or a retry, and by refund notifications.
 *
 * - `succeeded` closes an approved, processing or failed refund (a refund we marked failed because
 *   the call timed out may still have been carried out) and, in the same batch, adds the amount to
 *   the order's refunded total. The total moves only while the refund is still open, so however
 *   often or concurrently this runs, the money is counted once.
 * - `processing` and `failed` only change an open (approved or processing) refund; neither ever
 *   undoes a success. `processing` on a processing refund just moves `updatedAt` (polled again later).
 * - `also` statements run in the same batch (a notification's dedupe row).
 *
 * Returns true when this call changed the refund row.
 */
async function recordRefundOutcome(ctx: AppContext, refund: RefundRow, outcome: RefundOutcome, now: number, also: BatchItem[] = []): Promise<boolean> {
  const from: RefundRow["status"][] = outcome.status === "succeeded" ? ["approved", "processing", "failed"] : ["approved", "processing"];
  // Refunds of money that never paid for the order (late or duplicate payments) leave the
  // order's refunded total alone.
  const countsForOrder = refund.kind !== "late_payment" && refund.kind !== "duplicate_payment";
  const stillOpen = sql.join(
    from.map((status) => sql`${status}`),
    sql`, `,
  );
  const providerRefundNo = outcome.status === "failed" ? undefined : outcome.providerRefundNo;
  const results = await ctx.db.batch([
    ...also,
    ...(outcome.status === "succeeded" && countsForOrder
      ? [
          ctx.db
            .update(orders)
            .set({ refundedFen: sql`${orders.refundedFen} + ${refund.amountFen}`, updatedAt: now })
            .where(and(eq(orders.id, refund.orderId), sql`(SELECT status FROM refunds WHERE id = ${refund.id}) IN (${stillOpen})`)),
          // Points spent on the order come back in step with the money: the order's points back so
          // far follow ⌊spent × refunded / paid⌋ (a whole refund returns them all; several partial
          // ones never drift). A cancellation already gave them all back with its release.
          ...(refund.kind === "cancellation" ? [] : [pointsBackStatement(ctx, refund, stillOpen, now)]),
        ]
      : []),
    ctx.db
      .update(refunds)
      .set({ status: outcome.status, ...(providerRefundNo ? { providerRefundNo } : {}), updatedAt: now })
      .where(and(eq(refunds.id, refund.id), inArray(refunds.status, from)))
      .returning({ id: refunds.id }),
  ] as unknown as Parameters<typeof ctx.db.batch>[0]);
  const changed = ((results.at(-1) as unknown[] | undefined)?.length ?? 0) > 0;
  // The order leaves `refunding` once its after-sales round is over (merchant-orders module).
  if (changed && outcome.status === "succeeded" && refund.kind === "after_sales") await closeAfterSalesIfDone(ctx, refund.orderId, now);
  // An order refunded whole for a shortage ends `refunded` when its last shortage refund succeeds,
  // however late (the refund call, the completion cron or a provider notification).
  if (changed && outcome.status === "succeeded" && refund.kind === "shortage") await finishWhollyShortOrders(ctx, [refund.orderId]);
  // An order returned as uncollected ends `refunded` when its uncollected refund succeeds (leaders module).
  if (changed && outcome.status === "succeeded" && refund.kind === "uncollected") await finishUncollectedOrders(ctx, [refund.orderId], now);
  // A failed group's order ends `refunded` when its full refund succeeds (group-deals module).
  if (changed && outcome.status === "succeeded" && refund.kind === "group_failed") await finishFailedGroupOrders(ctx, [refund.orderId], now);
  return changed;
}

/** The `spend_return` entry a succeeded refund owes the order's shopper (none when no points were spent, or none are due). */
function pointsBackStatement(ctx: AppContext, refund: RefundRow, stillOpen: SQL, now: number) {
  return ctx.db
    .insert(pointsEntries)
    .select(
      sql`SELECT ${newId("pnt")}, s.user_id, 'spend_return', d.due, ${`spend_return:${refund.id}`}, o.id, NULL, NULL, ${now}
        FROM orders o JOIN points_entries s ON s.key = 'spend:' || o.id
        JOIN (SELECT o2.id AS order_id,
                (-s2.points * min(o2.refunded_fen, o2.paid_fen)) / o2.paid_fen
                  - coalesce((SELECT sum(r.points) FROM points_entries r WHERE r.order_id = o2.id AND r.kind = 'spend_return'), 0) AS due
              FROM orders o2 JOIN points_entries s2 ON s2.key = 'spend:' || o2.id WHERE o2.id = ${refund.orderId} AND o2.paid_fen > 0) d ON d.order_id = o.id
        WHERE o.id = ${refund.orderId} AND d.due > 0 AND (SELECT status FROM refunds WHERE id = ${refund.id}) IN (${stillOpen})`,
    )
    .onConflictDoNothing();
}

/**
 * Sends one refund to its provider (same refund id every time, so the provider de-duplicates:
 * WeChat `out_refund_no`, Alipay `out_request_no`) and records the answer.
 */
async function sendRefund(
  ctx: AppContext,
  provider: PaymentProvider,
  refund: RefundRow,
  payment: PaymentRow & { providerTradeNo: string },
  now: number,
  origin?: string,
): Promise<RefundOutcome["status"]> {
  const result = await provider.refund({
    refundId: refund.id,
    paymentId: payment.id,
    providerTradeNo: payment.providerTradeNo,
    amountFen: refund.amountFen,
    totalFen: payment.amountFen,
    reason: refund.reason,
    // WeChat Pay: refund results come to the refund notify URL configured in the merchant platform
    // (the same /api/v1/payments/notify/wechat); Alipay and the sandbox ignore it.
    notifyUrl: payment.provider === "wechat" || !origin ? "" : `${origin}/api/v1/payments/notify/${payment.provider}`,
  });
  if (!result.ok) {
    console.warn(`refund ${refund.id} failed at ${payment.provider}: ${result.reason}`);
    await recordRefundOutcome(ctx, refund, { status: "failed", reason: result.reason }, now);
    return "failed";
  }
  await recordRefundOutcome(ctx, refund, { status: result.status, providerRefundNo: result.providerRefundNo }, now);
  return result.status;
}

/** Sends approved refunds to their payment provider and records the outcome. Safe to repeat. */
export async function processRefunds(ctx: AppContext, refundIds: string[], origin?: string): Promise<void> {
  if (refundIds.length === 0) return;
  const rows = await ctx.db
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(inArray(refunds.id, refundIds), inArray(refunds.status, ["approved", "processing"])));
  for (const { refund, payment } of rows) {
    const provider = getPaymentProvider(ctx.env, payment.provider);
    const providerTradeNo = payment.providerTradeNo;
    if (!provider || !providerTradeNo) continue;
    await sendRefund(ctx, provider, refund, { ...payment, providerTradeNo }, Date.now(), origin);
  }
}

/**
 * A refund result notification (WeChat Pay REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED),
 * already verified (signature, freshness, decryption). It must name one of our refunds, paid
 * through this provider and transaction, for the refund's amount. A replay (same provider refund
 * and status) hits the dedupe row's primary key and changes nothing; a success that the cron or an
 * earlier notification already recorded changes nothing either.
 */
async function handleRefundNotification(
  ctx: AppContext,
  provider: PaymentProvider,
  n: VerifiedRefundNotification,
  reject: (reason: string) => { outcome: "rejected"; reason: string; response: NotificationResponse },
  now: number,
): Promise<{ outcome: NotificationOutcome; response: NotificationResponse; reason?: string }> {
  const refund = await ctx.db.query.refunds.findFirst({ where: eq(refunds.id, n.refundId) });
  if (!refund || !refund.paymentId) return reject("unknown refund");
  const payment = await ctx.db.query.payments.findFirst({ where: and(eq(payments.id, refund.paymentId), eq(payments.provider, provider.name)) });
  if (!payment || payment.id !== n.paymentId) return reject("refund is for another payment");
  if (payment.providerTradeNo && payment.providerTradeNo !== n.providerTradeNo) return reject("refund is for another transaction");
  if (n.amountFen !== refund.amountFen) return reject(`refund amount ${n.amountFen} does not match ${refund.amountFen}`);
  const accepted = (outcome: NotificationOutcome) => ({ outcome, response: provider.ackResponse(true) });
  const outcome = n.status === "succeeded" ? "refund_succeeded" : "refund_failed";
  // For the record only (the batch below decides): a success is final, and a failure applies to an open refund.
  const applies = (n.status === "succeeded" ? ["approved", "processing", "failed"] : ["approved", "processing"]).includes(refund.status);
  const dedupe = ctx.db.insert(paymentNotifications).values({
    dedupeKey: `${provider.name}:refund:${n.providerRefundNo}:${n.providerStatus}`,
    paymentId: payment.id,
    provider: provider.name,
    status: `refund_${n.status}`,
    amountFen: n.amountFen,
    outcome: applies ? outcome : "duplicate",
    receivedAt: now,
  });
  if (n.status === "failed") console.warn(`refund ${refund.id} reported ${n.providerStatus} by ${provider.name}`);
  try {
    const changed = await recordRefundOutcome(
      ctx,
      refund,
      n.status === "succeeded" ? { status: "succeeded", providerRefundNo: n.providerRefundNo } : { status: "failed", reason: n.providerStatus },
      now,
      [dedupe],
    );
    return accepted(changed ? outcome : "duplicate");
  } catch (error) {
    if (isDuplicate(error)) return accepted("duplicate");
    throw error;
  }
}

/** A processing refund is first asked about this long after it was sent, and at least this often after that. */
export const REFUND_POLL_MIN_MS = 2 * 60_000;
export const REFUND_POLL_MAX_MS = 60 * 60_000;
/** A failed refund is retried no sooner than this after its last attempt, and at least this often after that. */
export const REFUND_RETRY_MIN_MS = 5 * 60_000;
export const REFUND_RETRY_MAX_MS = 4 * 60 * 60_000;
/** Automatic retries stop this long after the refund was approved; it then stays failed for an admin. */
export const REFUND_RETRY_WINDOW_MS = 24 * 60 * 60_000;
/** Refunds handled per run at most; the rest wait for the next run, the longest-waiting first. */
export const REFUND_BATCH_LIMIT = 50;

export interface RefundCompletionSummary {
  picked: number;
  succeeded: number;
  processing: number;
  failed: number;
  skipped: number;
  errors: number;
}

/**
 * Cron: refunds that never finished finish. Without schema changes, the schedule is derived from
 * the existing columns: `start` = decidedAt ?? createdAt (when the refund was approved), and
 * `updatedAt` = the last attempt or answer. The next attempt is due at
 * `updatedAt + clamp(updatedAt - start, MIN, MAX)`, so the spacing doubles with every attempt
 * (2, 4, 8 … minutes for polls; 5, 10, 20 … minutes for retries) without an attempt counter.
 *
 * - `processing` (provider accepted asynchronously): ask the provider (`queryRefund`) and record
 *   succeeded / failed, or move `updatedAt` when it is still processing or cannot be asked.
 *   "No such refund" at the provider counts as failed, so it is sent again below.
 * - `failed`: claimed (failed → processing, guarded by its `updatedAt`) and sent again with the
 *   same refund number, until 24 h after `start`; then left failed for an admin.
 * - `approved` for longer than the first poll delay (the worker stopped between creating and
 *   sending it): sent, as `processRefunds` would have.
 *
 * Idempotent: every write moves `updatedAt` to `now`, so a second run for the same tick finds
 * nothing due. At most REFUND_BATCH_LIMIT refunds per run, and one refund's error (a provider
 * refusal, an unreachable provider, even an exception) never stops the others.
 */
export async function completeRefunds(ctx: AppContext, now: number): Promise<RefundCompletionSummary> {
  const start = sql`coalesce(${refunds.decidedAt}, ${refunds.createdAt})`;
  const waited = sql`(${refunds.updatedAt} - ${start})`;
  const dueAt = sql<number>`(CASE WHEN ${refunds.status} = 'failed'
    THEN ${refunds.updatedAt} + min(${REFUND_RETRY_MAX_MS}, max(${REFUND_RETRY_MIN_MS}, ${waited}))
    ELSE ${refunds.updatedAt} + min(${REFUND_POLL_MAX_MS}, max(${REFUND_POLL_MIN_MS}, ${waited})) END)`;
  const rows = await ctx.db
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(
      and(
        isNotNull(payments.providerTradeNo),
        or(inArray(refunds.status, ["approved", "processing"]), and(eq(refunds.status, "failed"), gt(start, now - REFUND_RETRY_WINDOW_MS))),
        lte(dueAt, now),
      ),
    )
    .orderBy(asc(dueAt), asc(refunds.id))
    .limit(REFUND_BATCH_LIMIT);

  const summary: RefundCompletionSummary = { picked: rows.length, succeeded: 0, processing: 0, failed: 0, skipped: 0, errors: 0 };
  for (const { refund, payment } of rows) {
    try {
      const result = await completeRefund(ctx, refund, { ...payment, providerTradeNo: payment.providerTradeNo! }, now);
      summary[result]++;
    } catch (error) {
      summary.errors++;
      console.error(`refund ${refund.id}: completion failed`, error);
    }
  }
  return summary;
}

async function completeRefund(
  ctx: AppContext,
  refund: RefundRow,
  payment: PaymentRow & { providerTradeNo: string },
  now: number,
): Promise<RefundOutcome["status"] | "skipped"> {
  const provider = getPaymentProvider(ctx.env, payment.provider);
  if (!provider) {
    // Provider no longer configured: keep the refund as it is, but move it to the back of the queue.
    console.warn(`refund ${refund.id}: ${payment.provider} is not configured`);
    await ctx.db
      .update(refunds)
      .set({ updatedAt: now })
      .where(and(eq(refunds.id, refund.id), eq(refunds.status, refund.status), eq(refunds.updatedAt, refund.updatedAt)));
    return "skipped";
  }

  if (refund.status === "processing") {
    const answer = await provider.queryRefund({ refundId: refund.id, paymentId: payment.id, providerTradeNo: payment.providerTradeNo, amountFen: refund.amountFen });
    let outcome: RefundOutcome;
    if (!answer.ok) {
      console.warn(`refund ${refund.id}: could not query ${payment.provider}: ${answer.reason}`);
      outcome = { status: "processing" };
    } else if (answer.status === "not_found") {
      console.warn(`refund ${refund.id}: ${payment.provider} has no such refund; it will be sent again`);
      outcome = { status: "failed", reason: "not_found" };
    } else if (answer.status === "failed") {
      console.warn(`refund ${refund.id} failed at ${payment.provider}: ${answer.reason}`);
      outcome = { status: "failed", reason: answer.reason };
    } else {
      outcome = { status: answer.status, providerRefundNo: answer.providerRefundNo };
    }
    await recordRefundOutcome(ctx, refund, outcome, now);
    return outcome.status;
  }

  if (refund.status === "failed") {
    // Claim it: only the run that moves it from this exact failed state sends it again.
    const claimed = await ctx.db
      .update(refunds)
      .set({ status: "processing", updatedAt: now })
      .where(and(eq(refunds.id, refund.id), eq(refunds.status, "failed"), eq(refunds.updatedAt, refund.updatedAt)))
      .returning({ id: refunds.id });
    if (claimed.length === 0) return "skipped";
    return sendRefund(ctx, provider, { ...refund, status: "processing", updatedAt: now }, payment, now);
  }

  return sendRefund(ctx, provider, refund, payment, now);
}

/** A payment with the id of the user whose order it pays (the sandbox cashier checks the owner). */
export async function findPaymentWithOwner(ctx: AppContext, paymentId: string) {
  const rows = await ctx.db
    .select({ payment: payments, userId: orders.userId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(eq(payments.id, paymentId));
  return rows[0];
}
