import { eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { pickupHandovers } from "~/db/schema";
import { rawBatch, readBatch } from "~/db/raw-batch.server";
import { hitRateLimit } from "~/auth/rate-limits.server";
import type { RateRule } from "~/durable-objects/rate-limiter";
import { decryptField, lookupHash, maskPhone } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Failure, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { notify } from "~/modules/notifications/notify.server";
import { pushShareReward, shareRewardStatements } from "~/modules/share/reward.server";
import {
  pickupCodeDigest,
  planHandover,
  refusalForStatus,
  remainingQty,
  type HandoverLineError,
  type HandoverRefusal,
  type PickupList,
  type PickupListLine,
  type PickupListOrder,
  type PickupListOther,
  type RequestedLine,
} from "./handover";

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Collected orders stay in the list (as digests) this long, so a second scan is refused as "already
 * collected" offline too; each costs a decryption per list, so not longer.
 */
const COLLECTED_KEPT_MS = 2 * DAY_MS;
/** Hand-overs the list names as recorded: as long as a device keeps synced ones (handover-store). */
const RECORDED_KEPT_MS = 3 * DAY_MS;
/** Codes that match nothing at the leader's own point: a few mistypes are normal, guessing is not. */
const MISS_RULES: RateRule[] = [{ name: "handover-miss-10m", limit: 30, windowMs: 10 * 60_000 }];
/**
 * How far a device's hand-over time may be from the server's. Cheap phones' clocks drift: a time
 * up to a day ahead is taken as "now" (the goods were handed over; refusing would lose that);
 * further ahead, or older than an offline queue plausibly gets, is refused as wrong.
 */
const HANDED_AT_FUTURE_MS = DAY_MS;
const HANDED_AT_PAST_MS = 30 * DAY_MS;

interface OrderRow {
  id: string;
  user_id: string;
  status: string;
  pickup_code_enc: string;
  fulfilment: string;
  delivery_recipient: string | null;
  delivery_phone_enc: string | null;
  picked_up_at: number | null;
  updated_at: number;
  display_name: string;
  phone_enc: string | null;
  ready_since: number | null;
}

interface LineRow {
  id: string;
  order_id: string;
  title: string;
  spec: string;
  quantity: number;
  refunded_qty: number;
  picked_up_qty: number;
}

const ORDER_COLUMNS = sql`o.id, o.user_id, o.status, o.pickup_code_enc, o.fulfilment, o.delivery_recipient, o.delivery_phone_enc, o.picked_up_at, o.updated_at,
  u.display_name, u.phone_enc,
  (SELECT max(e.created_at) FROM order_events e WHERE e.order_id = o.id AND e.event = 'arrive') AS ready_since`;

/** The number to reach the customer on: the door-delivery snapshot's, else the account's. */
async function phoneOf(ctx: AppContext, row: Pick<OrderRow, "fulfilment" | "delivery_phone_enc" | "phone_enc">): Promise<string | null> {
  const enc = row.fulfilment === "door" && row.delivery_phone_enc ? row.delivery_phone_enc : row.phone_enc;
  return enc ? decryptField(ctx.env, "phone", enc) : null;
}

function listLines(lines: readonly LineRow[]): PickupListLine[] {
  return lines.map((l) => ({
    lineId: l.id,
    title: l.title,
    spec: l.spec,
    remaining: remainingQty({ id: l.id, quantity: Number(l.quantity), refundedQty: Number(l.refunded_qty), pickedUpQty: Number(l.picked_up_qty) }),
    owed: Math.max(0, Number(l.quantity) - Number(l.refunded_qty)),
  }));
}

/**
 * The hand-over page's list for one pickup point, built so that scanning a code needs no round
 * trip: every order waiting at the point (customer, lines, what remains) with a digest of its
 * pickup code, plus digests of the point's orders that cannot be handed over now (goods not
 * arrived yet; collected in the last two days), so the page can refuse those offline too.
 *
 * Trade-off: the digest is SHA-256 of `<pointId>:<code>` and codes are 8 digits, so anyone holding
 * the list could recover the codes by trying all 10^8 of them. It is therefore treated as the codes
 * themselves: only the point's own leader receives it (the loader and the API check that), and
 * that leader sees each customer's code at hand-over anyway. The codes are decrypted here, on the
 * server; the list never carries them in the clear, so they do not sit readable in the device's
 * cache or show up in a glance at stored data, and the stored lookup hash (HMAC with a server key)
 * is never sent.
 */
export async function getPickupList(ctx: AppContext, pickupPointId: string, now = Date.now()): Promise<PickupList> {
  const since = now - COLLECTED_KEPT_MS;
  const recordedSince = now - RECORDED_KEPT_MS;
  const [orders, lines, recorded] = await readBatch<[OrderRow, LineRow, { client_ref: string }]>(ctx, [
    sql`SELECT ${ORDER_COLUMNS} FROM orders o JOIN users u ON u.id = o.user_id
      WHERE o.pickup_point_id = ${pickupPointId}
        AND (o.status IN ('paid', 'confirmed', 'shipped', 'ready_for_pickup') OR (o.status IN ('picked_up', 'completed') AND o.picked_up_at >= ${since}))
      ORDER BY o.created_at LIMIT 3000`,
    sql`SELECT l.id, l.order_id, l.title, l.spec, l.quantity, l.refunded_qty, l.picked_up_qty FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup' ORDER BY l.order_id, l.rowid`,
    sql`SELECT client_ref FROM pickup_handovers WHERE pickup_point_id = ${pickupPointId} AND created_at >= ${recordedSince}`,
  ]);
  const linesByOrder = new Map<string, LineRow[]>();
  for (const l of lines) (linesByOrder.get(l.order_id) ?? linesByOrder.set(l.order_id, []).get(l.order_id)!).push(l);
  const ready: PickupListOrder[] = [];
  const others: PickupListOther[] = [];
  await Promise.all(
    orders.map(async (o) => {
      const code = await decryptField(ctx.env, "pickup_code", o.pickup_code_enc);
      const digest = await pickupCodeDigest(pickupPointId, code);
      if (o.status !== "ready_for_pickup") {
        others.push({ digest, refusal: o.status === "picked_up" || o.status === "completed" ? "already_collected" : "not_arrived" });
        return;
      }
      const phone = await phoneOf(ctx, o);
      ready.push({
        orderId: o.id,
        digest,
        customerName: o.fulfilment === "door" && o.delivery_recipient ? o.delivery_recipient : o.display_name,
        phoneMasked: phone ? maskPhone(phone) : null,
        door: o.fulfilment === "door",
        readySince: Number(o.ready_since ?? o.updated_at),
        lines: listLines(linesByOrder.get(o.id) ?? []),
      });
    }),
  );
  ready.sort((a, b) => a.readySince - b.readySince || a.orderId.localeCompare(b.orderId));
  // Digests only: their order must not hint at anything.
  others.sort((a, b) => a.digest.localeCompare(b.digest));
  return { pickupPointId, generatedAt: now, orders: ready, others, recorded: recorded.map((r) => r.client_ref) };
}

/** One order of the point as the hand-over screen shows it (the typed-code lookup, the API). */
export interface HandoverOrderView {
  orderId: string;
  status: string;
  customerName: string;
  phoneMasked: string | null;
  door: boolean;
  readySince: number | null;
  lines: PickupListLine[];
  /** Why it cannot be handed over now, or null when it can. */
  refusal: HandoverRefusal | null;
}

async function orderView(ctx: AppContext, order: OrderRow): Promise<HandoverOrderView> {
  const lines = await ctx.db.all<LineRow>(
    sql`SELECT id, order_id, title, spec, quantity, refunded_qty, picked_up_qty FROM order_lines WHERE order_id = ${order.id} ORDER BY rowid`,
  );
  const phone = await phoneOf(ctx, order);
  const view = listLines(lines);
  let refusal = refusalForStatus(order.status);
  if (!refusal && !view.some((l) => l.remaining > 0)) refusal = "already_collected";
  return {
    orderId: order.id,
    status: order.status,
    customerName: order.fulfilment === "door" && order.delivery_recipient ? order.delivery_recipient : order.display_name,
    phoneMasked: phone ? maskPhone(phone) : null,
    door: order.fulfilment === "door",
    readySince: order.ready_since === null ? null : Number(order.ready_since),
    lines: view,
    refusal,
  };
}

async function findOwnOrderByCode(ctx: AppContext, pickupPointId: string, code: string): Promise<OrderRow | null> {
  const hash = await lookupHash(ctx.env, `pickup:${pickupPointId}`, code);
  const rows = await ctx.db.all<OrderRow>(
    sql`SELECT ${ORDER_COLUMNS} FROM orders o JOIN users u ON u.id = o.user_id WHERE o.pickup_point_id = ${pickupPointId} AND o.pickup_code_hash = ${hash}`,
  );
  return rows[0] ?? null;
}

async function findOwnOrderById(ctx: AppContext, pickupPointId: string, orderId: string): Promise<OrderRow | null> {
  const rows = await ctx.db.all<OrderRow>(
    sql`SELECT ${ORDER_COLUMNS} FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ${orderId} AND o.pickup_point_id = ${pickupPointId}`,
  );
  return rows[0] ?? null;
}

/**
 * A code that matched nothing at the leader's point: counted against the leader (a few mistypes
 * are normal; guessing is refused), then checked against the other points' live orders, so the
 * leader can tell the customer they came to the wrong point. Nothing about that order or point is
 * revealed. Codes are hashed per point, so this costs one HMAC per point with live orders.
 */
async function classifyMiss(ctx: AppContext, pickupPointId: string, userId: string, code: string): Promise<Failure<"code_not_found" | "code_other_point" | "rate_limited">> {
  const limit = await hitRateLimit(ctx, `handover-miss:${userId}`, MISS_RULES);
  if (!limit.allowed) return fail("rate_limited", "code", limit.retryAfterMs);
  const points = await ctx.db.all<{ id: string }>(
    sql`SELECT id FROM pickup_points p WHERE p.id <> ${pickupPointId}
      AND EXISTS (SELECT 1 FROM orders o WHERE o.pickup_point_id = p.id AND o.status IN ('paid', 'confirmed', 'shipped', 'ready_for_pickup'))`,
  );
  if (points.length) {
    const pairs = JSON.stringify(await Promise.all(points.map(async (p) => ({ p: p.id, h: await lookupHash(ctx.env, `pickup:${p.id}`, code) }))));
    const hit = await ctx.db.all<{ one: number }>(
      sql`SELECT 1 AS one FROM json_each(${pairs}) j JOIN orders o ON o.pickup_point_id = json_extract(j.value, '$.p') AND o.pickup_code_hash = json_extract(j.value, '$.h')
        WHERE o.status IN ('paid', 'confirmed', 'shipped', 'ready_for_pickup') LIMIT 1`,
    );
    if (hit.length) return fail("code_other_point", "code");
  }
  return fail("code_not_found", "code");
}

export type LookupError = "code_not_found" | "code_other_point" | "rate_limited";

/** The typed-code (or API) lookup: the point's order with this pickup code, and whether it can be handed over. */
export async function lookupPickupCode(ctx: AppContext, input: { pickupPointId: string; userId: string; code: string }): Promise<Result<HandoverOrderView, LookupError>> {
  const order = await findOwnOrderByCode(ctx, input.pickupPointId, input.code);
  if (!order) return classifyMiss(ctx, input.pickupPointId, input.userId, input.code);
  return ok(await orderView(ctx, order));
}

export interface HandoverInput {
  pickupPointId: string;
  leaderUserId: string;
  /** The order, by its pickup code (scanned or typed) or by id (API clients); at least one. */
  code?: string;
  orderId?: string;
  /** What is collected; absent = every remaining unit. */
  lines?: RequestedLine[];
  /** The device's id for this hand-over (a UUID, or the API's Idempotency-Key): replays change nothing. */
  clientRef: string;
  /** When the device says it happened (UTC epoch ms); defaults to now. */
  handedAt?: number;
  offline?: boolean;
}

export interface HandoverOutcome {
  handoverId: string;
  clientRef: string;
  orderId: string;
  lines: RequestedLine[];
  handedAt: number;
  offline: boolean;
  /** This hand-over collected the last open units: the order is picked up. */
  completed: boolean;
  /** The order now (after a replay: as it is today). */
  orderStatus: string;
  remaining: Array<{ lineId: string; remaining: number }>;
  /** True when this clientRef had been recorded before: nothing changed now. */
  replayed: boolean;
}

export type HandoverError = HandoverRefusal | HandoverLineError | "handed_at_invalid";

const isUniqueClientRef = (error: unknown) => /UNIQUE constraint failed: pickup_handovers\.client_ref/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);
const isGuardAbort = (error: unknown) => /malformed JSON|order_state_conflict/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

async function remainingOf(ctx: AppContext, orderId: string) {
  const [rows, status] = await readBatch<[LineRow, { status: string }]>(ctx, [
    sql`SELECT id, order_id, title, spec, quantity, refunded_qty, picked_up_qty FROM order_lines WHERE order_id = ${orderId} ORDER BY rowid`,
    sql`SELECT status FROM orders WHERE id = ${orderId}`,
  ]);
  return { status: status[0]?.status ?? "unknown", remaining: listLines(rows).map((l) => ({ lineId: l.lineId, remaining: l.remaining })) };
}

/** The outcome recorded for an earlier hand-over with this clientRef (a replay), or null. */
async function recordedOutcome(ctx: AppContext, clientRef: string): Promise<(HandoverOutcome & { pickupPointId: string }) | null> {
  const row = await ctx.db.query.pickupHandovers.findFirst({ where: eq(pickupHandovers.clientRef, clientRef) });
  if (!row) return null;
  const [closing] = await ctx.db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM order_events WHERE order_id = ${row.orderId} AND event = 'pick_up' AND note = ${row.id}`,
  );
  const now = await remainingOf(ctx, row.orderId);
  return {
    pickupPointId: row.pickupPointId,
    handoverId: row.id,
    clientRef: row.clientRef,
    orderId: row.orderId,
    lines: JSON.parse(row.lines) as RequestedLine[],
    handedAt: row.handedAt,
    offline: row.offline,
    completed: Number(closing?.n ?? 0) > 0,
    orderStatus: now.status,
    remaining: now.remaining,
    replayed: true,
  };
}

/**
 * Hands (part of) an order over to its customer, in ONE D1 batch (one transaction):
 * the `pickup_handovers` row (unique `client_ref`), a guard that aborts the batch unless the order
 * is still `ready_for_pickup` and every line can take its units (picked up never above bought −
 * refunded), the lines' `picked_up_qty`, and then — decided inside the batch, so two partial
 * hand-overs racing on different lines still close the order — either the `pick_up` timeline row
 * and the order → `picked_up` (with `picked_up_at`), or a `pick_up_partial` timeline row while
 * units remain; plus the audit row.
 *
 * Replays: a clientRef seen before answers the original outcome and changes nothing (also when
 * the same hand-over races itself: the unique key decides). Two devices handing over the same
 * order at once: the first batch wins, the second's guard aborts and it gets `handover_conflict`
 * (or the order's new state, e.g. `already_collected`).
 */
export async function handOver(ctx: AppContext, input: HandoverInput, now = Date.now()): Promise<Result<HandoverOutcome, HandoverError>> {
  const replay = await recordedOutcome(ctx, input.clientRef);
  if (replay) return replayResult(ctx, input, replay);

  const claimed = input.handedAt ?? now;
  if (!Number.isSafeInteger(claimed) || claimed > now + HANDED_AT_FUTURE_MS || claimed < now - HANDED_AT_PAST_MS) return fail("handed_at_invalid", "handedAt");
  const handedAt = Math.min(claimed, now);

  let order: OrderRow | null = null;
  if (input.code !== undefined) {
    order = await findOwnOrderByCode(ctx, input.pickupPointId, input.code);
    if (!order) return classifyMiss(ctx, input.pickupPointId, input.leaderUserId, input.code);
    // Both given: they must name the same order.
    if (input.orderId !== undefined && input.orderId !== order.id) return fail("code_not_found", "code");
  } else if (input.orderId !== undefined) {
    order = await findOwnOrderById(ctx, input.pickupPointId, input.orderId);
    if (!order) return fail("order_not_found", "orderId");
  } else {
    return fail("code_not_found", "code");
  }
  const refusal = refusalForStatus(order.status);
  if (refusal) return fail(refusal, input.code !== undefined ? "code" : "orderId");

  const lineRows = await ctx.db.all<LineRow>(sql`SELECT id, order_id, title, spec, quantity, refunded_qty, picked_up_qty FROM order_lines WHERE order_id = ${order.id} ORDER BY rowid`);
  const state = lineRows.map((l) => ({ id: l.id, quantity: Number(l.quantity), refundedQty: Number(l.refunded_qty), pickedUpQty: Number(l.picked_up_qty) }));
  const plan = planHandover(state, input.lines);
  if (!plan.ok) {
    // Nothing left at all: someone collected it meanwhile.
    if (plan.error.code === "nothing_selected" && !state.some((l) => remainingQty(l) > 0)) return fail("already_collected", "lines");
    return fail(plan.error.code, plan.error.field);
  }

  const handoverId = newId("pho");
  const orderId = order.id;
  const planJson = JSON.stringify(plan.lines.map((l) => ({ id: l.lineId, q: l.quantity })));
  const open = sql`EXISTS (SELECT 1 FROM order_lines WHERE order_id = ${orderId} AND picked_up_qty < quantity - refunded_qty)`;
  // The sharer's reward (if the order came through a share link), written only if this batch picks the order up.
  const shareReward = await shareRewardStatements(ctx, { orderId, handoverId }, now);
  try {
    await rawBatch(ctx, [
      // First the row with the unique client_ref: the same hand-over racing itself stops here.
      ctx.db.insert(pickupHandovers).values({
        id: handoverId,
        clientRef: input.clientRef,
        orderId,
        pickupPointId: input.pickupPointId,
        leaderUserId: input.leaderUserId,
        lines: JSON.stringify(plan.lines),
        offline: input.offline ?? false,
        handedAt,
        createdAt: now,
      }),
      sql`SELECT CASE WHEN (SELECT status FROM orders WHERE id = ${orderId} AND pickup_point_id = ${input.pickupPointId}) IS NOT 'ready_for_pickup'
          OR EXISTS (SELECT 1 FROM order_lines l JOIN json_each(${planJson}) j ON json_extract(j.value, '$.id') = l.id
                     WHERE l.order_id = ${orderId} AND l.picked_up_qty + json_extract(j.value, '$.q') > l.quantity - l.refunded_qty)
        THEN json('handover_conflict') END`,
      sql`UPDATE order_lines SET picked_up_qty = picked_up_qty + (SELECT json_extract(j.value, '$.q') FROM json_each(${planJson}) j WHERE json_extract(j.value, '$.id') = order_lines.id)
        WHERE order_id = ${orderId} AND id IN (SELECT json_extract(value, '$.id') FROM json_each(${planJson}))`,
      sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
        SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'pick_up', 'ready_for_pickup', 'picked_up', 'leader', ${input.leaderUserId}, ${handoverId}, ${now}
        FROM orders o WHERE o.id = ${orderId} AND o.status = 'ready_for_pickup' AND NOT ${open}`,
      sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
        SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'pick_up_partial', 'ready_for_pickup', 'ready_for_pickup', 'leader', ${input.leaderUserId}, ${handoverId}, ${now}
        FROM orders o WHERE o.id = ${orderId} AND o.status = 'ready_for_pickup' AND ${open}`,
      sql`UPDATE orders SET status = 'picked_up', picked_up_at = ${handedAt}, updated_at = ${now} WHERE id = ${orderId} AND status = 'ready_for_pickup' AND NOT ${open}`,
      sql`UPDATE orders SET updated_at = ${now} WHERE id = ${orderId} AND status = 'ready_for_pickup'`,
      ...shareReward,
      auditStatement(ctx, {
        actorUserId: input.leaderUserId,
        action: "pickup.handover",
        entityType: "order",
        entityId: orderId,
        data: { handoverId, clientRef: input.clientRef, pickupPointId: input.pickupPointId, lines: plan.lines, handedAt, offline: input.offline ?? false },
      }),
    ]);
  } catch (error) {
    if (isUniqueClientRef(error)) {
      const raced = await recordedOutcome(ctx, input.clientRef);
      if (raced) return replayResult(ctx, input, raced);
    }
    if (isGuardAbort(error)) {
      // The same clientRef may have won meanwhile (a retry racing its original): its outcome.
      const raced = await recordedOutcome(ctx, input.clientRef);
      if (raced) return replayResult(ctx, input, raced);
      // Lost a race: say what the order is now, if that explains it; otherwise a conflict.
      const now2 = await remainingOf(ctx, orderId);
      const why = refusalForStatus(now2.status);
      return fail(why ?? (now2.remaining.some((l) => l.remaining > 0) ? "handover_conflict" : "already_collected"), "lines");
    }
    throw error;
  }
  const after = await remainingOf(ctx, orderId);
  const [closing] = await ctx.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM order_events WHERE order_id = ${orderId} AND event = 'pick_up' AND note = ${handoverId}`);
  const units = plan.lines.reduce((sum, l) => sum + l.quantity, 0);
  if (shareReward.length && Number(closing?.n ?? 0) > 0) await pushShareReward(ctx, orderId).catch((error) => console.warn(`share reward push for ${orderId} not sent`, error));
  // The shopper hears of it (a receipt: "collected N items"); a failure never undoes the hand-over.
  await notify(ctx, [{ userId: order.user_id, kind: "order.picked_up", data: { orderId, count: units }, link: `/orders/${orderId}` }]).catch((error) =>
    console.warn(`pickup notice for ${orderId} not sent`, error),
  );
  return ok({
    handoverId,
    clientRef: input.clientRef,
    orderId,
    lines: plan.lines,
    handedAt,
    offline: input.offline ?? false,
    completed: Number(closing?.n ?? 0) > 0,
    orderStatus: after.status,
    remaining: after.remaining,
    replayed: false,
  });
}

async function replayResult(ctx: AppContext, input: HandoverInput, replay: HandoverOutcome & { pickupPointId: string }): Promise<Result<HandoverOutcome, HandoverError>> {
  // A clientRef is the device's own; another point's (or another order's) is a misused key.
  if (replay.pickupPointId !== input.pickupPointId) return fail("idempotency_key_reused", "clientRef");
  if (input.orderId !== undefined && input.orderId !== replay.orderId) return fail("idempotency_key_reused", "clientRef");
  if (input.code !== undefined) {
    const order = await findOwnOrderByCode(ctx, input.pickupPointId, input.code);
    if (!order || order.id !== replay.orderId) return fail("idempotency_key_reused", "clientRef");
  }
  const { pickupPointId: _p, ...outcome } = replay;
  return ok(outcome);
}

/** Whether a hand-over error is about the request's fields (400) rather than the order's state. */
export function isFieldError(code: string): code is HandoverLineError | "handed_at_invalid" {
  return code === "line_unknown" || code === "line_duplicate" || code === "quantity_invalid" || code === "nothing_selected" || code === "handed_at_invalid";
}
