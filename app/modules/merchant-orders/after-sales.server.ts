import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { auditLog, orderEvents, orderLines, orders, paymentNotifications, payments, refunds, users } from "~/db/schema";
import { decryptField } from "~/lib/field-crypto.server";
import { formatFen } from "~/lib/format";
import { fail, ok, type Result } from "~/lib/result";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate } from "~/i18n/i18n";
import { sendMessage } from "~/modules/notifications/messaging.server";
import { isStateConflict } from "~/modules/orders/orders.server";
import { processRefunds } from "~/modules/payments/payments.server";
import { closeAfterSalesIfDone, closingTransition, OPEN_REFUND_STATUSES } from "./after-sales-close.server";
import { planRefund, remainingFen, remainingQty, parseRefundLines, type RefundableLine, type RefundLinePart, type RefundPlanError } from "./refund-math";

/**
 * After-sales decisions by merchants (SPEC §4).
 *
 * The rule for a request that covers lines of several merchants: **each merchant decides only on
 * its own lines**. The shopper's request (`refunds` row, status `requested`, lines `[]` = the
 * whole order) is decided merchant by merchant:
 *
 * - The first merchant to decide turns the request row into its own decision: its lines and
 *   amount, `approved` (then sent to the provider through processRefunds) or `rejected`.
 * - If other merchants still have refundable lines on the order, the same batch opens a successor
 *   request for them (same reason, note, photos, return status and request time, lines `[]`),
 *   whose id is derived from the request's, so two merchants deciding at the same instant cannot
 *   both split it: the second batch fails on the id and nothing of it is written.
 * - Each decision's audit row also has an id derived from (request, merchant): a repeated submit
 *   aborts on it and changes nothing more.
 * - The order stays `refunding` until no after-sales request or refund of it is open; it then
 *   goes to `refunded` (all paid money back) or back to the status it had before the request.
 *
 * An approved refund counts on its lines (`refunded_qty` / `refunded_fen`) at once, as shortage
 * refunds do, so later refunds can only take what is left.
 */

const COUNTING_KINDS = ["cancellation", "after_sales", "shortage"] as const;
const HOLDING_STATUSES = ["approved", "processing", "succeeded", "failed"] as const;

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";
/** A stable id derived from a seed (same format as newId): the key that makes a decision happen once. */
async function derivedId(prefix: "rfd" | "aud", seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(seed)));
  let out = "";
  for (let i = 0; i < 20; i++) out += BASE32[digest[i]! & 31];
  return `${prefix}_${out}`;
}

const isUniqueViolation = (error: unknown) => /UNIQUE constraint failed|PRIMARY KEY/i.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

type LineRow = typeof orderLines.$inferSelect;
type RefundRow = typeof refunds.$inferSelect;

export interface AfterSalesState {
  request: RefundRow;
  order: typeof orders.$inferSelect;
  /** This merchant's lines with what is still refundable on each. */
  lines: Array<RefundableLine & { title: string; spec: string }>;
  /** What the order can still give back at most. */
  orderRemainingFen: number;
  /** Whether this merchant still has to decide on the open request. */
  canDecide: boolean;
  /** Other merchants that still have to decide. */
  othersPending: string[];
  /** What the request asks of this merchant: everything still refundable on its lines. */
  requestedFen: number;
}

function merchantOfLine(lines: LineRow[], lineId: string): string | undefined {
  return lines.find((l) => l.id === lineId)?.merchantId;
}

function toRefundable(l: LineRow): RefundableLine & { title: string; spec: string } {
  return { id: l.id, quantity: l.quantity, payableFen: l.payableFen, committedQty: l.refundedQty, committedFen: l.refundedFen, title: l.title, spec: l.spec };
}

/** The open after-sales request of an order as one merchant sees it, or null when there is none. */
export async function getAfterSalesState(ctx: AppContext, merchantId: string, orderId: string, refundId?: string): Promise<AfterSalesState | null> {
  const [orderRows, lineRows, refundRows] = await ctx.db.batch([
    ctx.db.select().from(orders).where(eq(orders.id, orderId)),
    ctx.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(sql`rowid`)),
    ctx.db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt)),
  ]);
  const order = orderRows[0];
  if (!order) return null;
  const request = refundRows.find((r) => r.kind === "after_sales" && r.status === "requested" && (!refundId || r.id === refundId));
  if (!request) return null;
  const mine = lineRows.filter((l) => l.merchantId === merchantId);
  if (mine.length === 0) return null;
  const held = refundRows
    .filter((r) => (COUNTING_KINDS as readonly string[]).includes(r.kind) && (HOLDING_STATUSES as readonly string[]).includes(r.status))
    .reduce((s, r) => s + r.amountFen, 0);
  // Merchants that already decided in this round (parts split from the request keep its time).
  const decided = new Set<string>();
  for (const r of refundRows) {
    if (r.kind !== "after_sales" || r.createdAt !== request.createdAt || r.status === "requested") continue;
    for (const part of parseRefundLines(r.lines)) {
      const m = merchantOfLine(lineRows, part.lineId);
      if (m) decided.add(m);
    }
  }
  const pending = new Set(lineRows.filter((l) => l.quantity - l.refundedQty > 0 && !decided.has(l.merchantId)).map((l) => l.merchantId));
  const lines = mine.map(toRefundable);
  return {
    request,
    order,
    lines,
    orderRemainingFen: Math.max(0, order.paidFen - held),
    canDecide: pending.has(merchantId) && order.status === "refunding",
    othersPending: [...pending].filter((m) => m !== merchantId),
    requestedFen: lines.reduce((s, l) => s + remainingFen(l), 0),
  };
}

export type DecideError = "refund_not_found" | "already_decided" | "state_conflict" | "no_payment" | RefundPlanError;

export type Decision = { kind: "approve"; lines: Array<{ lineId: string; quantity: number }> } | { kind: "reject"; reason: string };

export async function decideAfterSales(
  ctx: AppContext,
  input: { merchantId: string; userId: string; orderId: string; refundId: string; decision: Decision; origin?: string },
): Promise<Result<{ status: "approved" | "rejected"; amountFen: number; refundStatus: string }, DecideError>> {
  const state = await getAfterSalesState(ctx, input.merchantId, input.orderId, input.refundId);
  if (!state) {
    // Either no such open request on an order with this merchant's lines, or it was decided already.
    const existing = await ctx.db.query.refunds.findFirst({ where: and(eq(refunds.id, input.refundId), eq(refunds.orderId, input.orderId)) });
    return existing && existing.kind === "after_sales" ? fail("already_decided", "refundId") : fail("refund_not_found", "refundId");
  }
  if (!state.canDecide) return fail(state.order.status === "refunding" ? "already_decided" : "state_conflict", "refundId");
  const { request, order } = state;
  const now = Date.now();

  let parts: RefundLinePart[];
  let amountFen: number;
  let paymentId: string | null = null;
  if (input.decision.kind === "approve") {
    const plan = planRefund(state.lines, input.decision.lines, state.orderRemainingFen);
    if (!plan.ok) return fail(plan.error, "lines");
    parts = plan.parts;
    amountFen = plan.amountFen;
    // The payment that paid the order (a duplicate payment is refunded on its own).
    const [paid] = await ctx.db
      .select({ id: payments.id })
      .from(payments)
      .innerJoin(paymentNotifications, and(eq(paymentNotifications.paymentId, payments.id), eq(paymentNotifications.outcome, "paid")))
      .where(and(eq(payments.orderId, order.id), eq(payments.status, "succeeded")))
      .limit(1);
    if (!paid) return fail("no_payment", "refundId");
    paymentId = paid.id;
  } else {
    parts = state.lines.filter((l) => remainingQty(l) > 0).map((l) => ({ lineId: l.id, quantity: remainingQty(l), amountFen: remainingFen(l) }));
    amountFen = parts.reduce((s, p) => s + p.amountFen, 0);
  }
  const approved = input.decision.kind === "approve";

  // What the other merchants' part of the request still asks for.
  const lineRows = await ctx.db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
  const othersFen = lineRows.filter((l) => state.othersPending.includes(l.merchantId)).reduce((s, l) => s + Math.max(0, l.payableFen - l.refundedFen), 0);
  const successorId = state.othersPending.length > 0 ? await derivedId("rfd", `after-sales-split:${request.id}`) : null;

  // A rejection that leaves nothing open closes the round at once (one timeline event).
  const openElsewhere = (
    await ctx.db
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(eq(refunds.orderId, order.id), eq(refunds.kind, "after_sales"), inArray(refunds.status, [...OPEN_REFUND_STATUSES])))
  ).filter((r) => r.id !== request.id);
  const roundSucceeded = (
    await ctx.db
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(eq(refunds.orderId, order.id), eq(refunds.kind, "after_sales"), eq(refunds.createdAt, request.createdAt), eq(refunds.status, "succeeded")))
  ).length > 0;
  const closing = !approved && !successorId && openElsewhere.length === 0
    ? closingTransition({ paidFen: order.paidFen, refundedFen: order.refundedFen, returnStatus: request.returnStatus, anySucceeded: roundSucceeded })
    : null;
  const eventNote = approved ? `${input.merchantId} ${formatFen(amountFen)}` : input.decision.kind === "reject" ? input.decision.reason : null;

  const statements = [
    ctx.db.insert(auditLog).values({
      id: await derivedId("aud", `after-sales-decision:${request.id}:${input.merchantId}`),
      actorUserId: input.userId,
      action: approved ? "after_sales.approve" : "after_sales.reject",
      entityType: "refund",
      entityId: request.id,
      data: JSON.stringify({ orderId: order.id, merchantId: input.merchantId, amountFen, lines: parts, ...(input.decision.kind === "reject" ? { reason: input.decision.reason } : {}), successorId }),
      createdAt: now,
    }),
    // The timeline event; its trigger aborts the batch unless the order is still `refunding`.
    ctx.db.insert(orderEvents).values({
      id: await derivedId("rfd", `after-sales-event:${request.id}:${input.merchantId}`).then((id) => id.replace(/^rfd_/, "oev_")),
      orderId: order.id,
      event: approved ? "approve_refund" : "reject_refund",
      fromStatus: "refunding",
      toStatus: closing?.to ?? "refunding",
      actorType: "merchant",
      actorId: input.userId,
      note: eventNote,
      createdAt: now,
    }),
    ...(closing
      ? [ctx.db.update(orders).set({ status: closing.to, updatedAt: now }).where(and(eq(orders.id, order.id), eq(orders.status, "refunding")))]
      : []),
    ctx.db
      .update(refunds)
      .set({ status: approved ? "approved" : "rejected", lines: JSON.stringify(parts), amountFen, paymentId, decidedBy: input.userId, decidedAt: now, updatedAt: now })
      .where(and(eq(refunds.id, request.id), eq(refunds.status, "requested"))),
    // An approved refund holds its units and fen on the lines from now on.
    ...(approved
      ? parts.map((p) =>
          ctx.db
            .update(orderLines)
            .set({ refundedQty: sql`${orderLines.refundedQty} + ${p.quantity}`, refundedFen: sql`${orderLines.refundedFen} + ${p.amountFen}` })
            .where(and(eq(orderLines.id, p.lineId), eq(orderLines.orderId, order.id), eq(orderLines.merchantId, input.merchantId))),
        )
      : []),
    ...(successorId
      ? [
          ctx.db.insert(refunds).values({
            id: successorId,
            orderId: order.id,
            kind: "after_sales",
            amountFen: othersFen,
            reason: request.reason,
            note: request.note,
            photos: request.photos,
            lines: "[]",
            status: "requested",
            returnStatus: request.returnStatus,
            createdAt: request.createdAt,
            updatedAt: now,
          }),
        ]
      : []),
  ];
  try {
    await ctx.db.batch(statements as unknown as Parameters<typeof ctx.db.batch>[0]);
  } catch (error) {
    if (isStateConflict(error)) return fail("state_conflict", "refundId");
    if (isUniqueViolation(error)) return fail("already_decided", "refundId");
    throw error;
  }

  if (approved) await processRefunds(ctx, [request.id], input.origin);
  await closeAfterSalesIfDone(ctx, order.id);
  const after = await ctx.db.query.refunds.findFirst({ where: eq(refunds.id, request.id) });
  await notifyShopper(ctx, order.userId, order.id, approved ? "approved" : "rejected", amountFen, input.decision.kind === "reject" ? input.decision.reason : "");
  return ok({ status: approved ? "approved" : "rejected", amountFen, refundStatus: after?.status ?? "approved" });
}

/** Tells the shopper by SMS (or email) through the message provider; a failure is logged, never fatal. */
async function notifyShopper(ctx: AppContext, userId: string, orderId: string, outcome: "approved" | "rejected", amountFen: number, reason: string) {
  try {
    registerConsoleMessages();
    const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId) });
    if (!user) return;
    const body = translate(user.locale, `merchantOrders.notify.${outcome}`, { orderId, amount: formatFen(amountFen), reason });
    if (user.phoneEnc) await sendMessage(ctx, { channel: "sms", to: await decryptField(ctx.env, "phone", user.phoneEnc), body });
    else if (user.email) await sendMessage(ctx, { channel: "email", to: user.email, subject: translate(user.locale, "merchantOrders.notify.subject"), body });
  } catch (error) {
    console.warn(`order ${orderId}: after-sales notification not sent`, error);
  }
}
