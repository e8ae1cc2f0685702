import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { deliveryBatches, deliveryBatchItems, merchants, pickupPoints, users } from "~/db/schema";
import { decryptField } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { sendMessage } from "~/modules/notifications/messaging.server";
import { noticeBatchArrived, noticeBatchShipped } from "~/modules/notifications/triggers.server";
import { processRefunds } from "~/modules/payments/payments.server";
import { businessDateOf } from "./business-date";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import type { ConfirmArrivalInput } from "./schemas";
import { allocateShortage, shortageRefundFen } from "./shortage";
import { MAX_PHOTO_BYTES } from "~/modules/orders/after-sales";
import { sniffImage } from "~/modules/orders/after-sales.server";


/**
 * A statement that aborts its D1 batch (the whole transaction) unless the delivery batch is still
 * in `status`: a double submit or a race changes nothing. (RAISE() exists only in triggers, so the
 * abort is a deliberate error: json() of a non-JSON text, evaluated only when the guard fails.)
 */
function guardBatchStatus(batchId: string, status: string) {
  return sql`SELECT CASE WHEN (SELECT status FROM delivery_batches WHERE id = ${batchId}) IS NOT ${status} THEN json('batch_state_conflict') END`;
}
const isGuardAbort = (error: unknown) => /malformed JSON|order_state_conflict/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

// ---------- merchant: reading ----------

/** The delivery dates a merchant has batches for, newest first. */
export async function listMerchantDeliveryDates(ctx: AppContext, merchantId: string, limit = 14): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ date: deliveryBatches.deliveryDate })
    .from(deliveryBatches)
    .where(eq(deliveryBatches.merchantId, merchantId))
    .orderBy(desc(deliveryBatches.deliveryDate))
    .limit(limit);
  return rows.map((r) => r.date);
}

export interface SheetItem {
  skuId: string;
  title: string;
  spec: string;
  expectedQty: number;
  receivedQty: number | null;
  shortageNote: string | null;
  /** The leader photographed the shortage (served by the batch page's photo route). */
  hasPhoto: boolean;
}

/**
 * One merchant's day: every batch of `date` (pickup point, leader, status, order count, items,
 * shortages) and the procurement total per SKU. With `withAddresses`, each point's street address
 * is decrypted (the delivery sheet: the merchant delivers there).
 */
export async function getMerchantDay(ctx: AppContext, merchantId: string, date: string, opts: { withAddresses?: boolean } = {}) {
  const [batches, items, counts] = await Promise.all([
    ctx.db
      .select({
        id: deliveryBatches.id,
        status: deliveryBatches.status,
        cutoffAt: deliveryBatches.cutoffAt,
        shippedAt: deliveryBatches.shippedAt,
        arrivedAt: deliveryBatches.arrivedAt,
        pointId: pickupPoints.id,
        pointName: pickupPoints.name,
        area: pickupPoints.area,
        addressEnc: pickupPoints.addressEnc,
        leaderName: users.displayName,
      })
      .from(deliveryBatches)
      .innerJoin(pickupPoints, eq(pickupPoints.id, deliveryBatches.pickupPointId))
      .innerJoin(users, eq(users.id, pickupPoints.leaderUserId))
      .where(and(eq(deliveryBatches.merchantId, merchantId), eq(deliveryBatches.deliveryDate, date)))
      .orderBy(asc(pickupPoints.area), asc(pickupPoints.name)),
    ctx.db
      .select({
        batchId: deliveryBatchItems.batchId,
        skuId: deliveryBatchItems.skuId,
        title: deliveryBatchItems.title,
        spec: deliveryBatchItems.spec,
        expectedQty: deliveryBatchItems.expectedQty,
        receivedQty: deliveryBatchItems.receivedQty,
        shortageNote: deliveryBatchItems.shortageNote,
        hasPhoto: sql<number>`${deliveryBatchItems.shortagePhotoKey} IS NOT NULL`,
      })
      .from(deliveryBatchItems)
      .innerJoin(deliveryBatches, eq(deliveryBatches.id, deliveryBatchItems.batchId))
      .where(and(eq(deliveryBatches.merchantId, merchantId), eq(deliveryBatches.deliveryDate, date)))
      .orderBy(asc(deliveryBatchItems.title), asc(deliveryBatchItems.spec)),
    ctx.db.all<{ batch_id: string; orders: number }>(sql`SELECT dl.batch_id, count(DISTINCT dl.order_id) AS orders FROM delivery_batch_lines dl
      JOIN delivery_batches b ON b.id = dl.batch_id WHERE b.merchant_id = ${merchantId} AND b.delivery_date = ${date} GROUP BY dl.batch_id`),
  ]);
  const orderCount = new Map(counts.map((c) => [c.batch_id, Number(c.orders)]));
  const procurement = new Map<string, { skuId: string; title: string; spec: string; quantity: number }>();
  for (const i of items) {
    const p = procurement.get(i.skuId) ?? { skuId: i.skuId, title: i.title, spec: i.spec, quantity: 0 };
    p.quantity += i.expectedQty;
    procurement.set(i.skuId, p);
  }
  const out = [];
  for (const b of batches) {
    const own = items.filter((i) => i.batchId === b.id).map(({ batchId: _b, hasPhoto, ...i }): SheetItem => ({ ...i, hasPhoto: Boolean(hasPhoto) }));
    out.push({
      id: b.id,
      status: b.status,
      cutoffAt: b.cutoffAt,
      shippedAt: b.shippedAt,
      arrivedAt: b.arrivedAt,
      pointName: b.pointName,
      area: b.area,
      leaderName: b.leaderName,
      address: opts.withAddresses ? await decryptField(ctx.env, "address", b.addressEnc) : null,
      orders: orderCount.get(b.id) ?? 0,
      items: own,
      totalQty: own.reduce((s, i) => s + i.expectedQty, 0),
      shortageQty: own.reduce((s, i) => s + (i.receivedQty === null ? 0 : Math.max(0, i.expectedQty - i.receivedQty)), 0),
    });
  }
  return { date, batches: out, procurement: [...procurement.values()] };
}
export type MerchantDay = Awaited<ReturnType<typeof getMerchantDay>>;

/** One batch of the merchant's, with its lines (order, quantity, shortage); null when not theirs. */
export async function getMerchantBatch(ctx: AppContext, merchantId: string, batchId: string) {
  const [batch] = await ctx.db
    .select({ id: deliveryBatches.id, deliveryDate: deliveryBatches.deliveryDate })
    .from(deliveryBatches)
    .where(and(eq(deliveryBatches.id, batchId), eq(deliveryBatches.merchantId, merchantId)));
  if (!batch) return null;
  const day = await getMerchantDay(ctx, merchantId, batch.deliveryDate);
  const summary = day.batches.find((b) => b.id === batchId)!;
  const lines = await ctx.db.all<{ order_id: string; sku_id: string; title: string; spec: string; quantity: number; shortage_qty: number }>(sql`
    SELECT dl.order_id, dl.sku_id, l.title, l.spec, dl.quantity, dl.shortage_qty FROM delivery_batch_lines dl
    JOIN order_lines l ON l.id = dl.order_line_id WHERE dl.batch_id = ${batchId} ORDER BY l.title, dl.order_id`);
  return {
    ...summary,
    deliveryDate: batch.deliveryDate,
    lines: lines.map((l) => ({ orderId: l.order_id, skuId: l.sku_id, title: l.title, spec: l.spec, quantity: Number(l.quantity), shortageQty: Number(l.shortage_qty) })),
  };
}

// ---------- merchant: shipping ----------

export type ShipError = "batch_not_found" | "not_locked";

/**
 * Marks one of the merchant's batches shipped (locked → shipped). Its orders move confirmed →
 * shipped, each with its timeline row, once none of their lines waits in another merchant's
 * still-locked batch (an order from several merchants ships with its last batch).
 */
export async function shipBatch(ctx: AppContext, input: { merchantId: string; batchId: string; userId: string }): Promise<Result<{ orders: number }, ShipError>> {
  const batch = await ctx.db.query.deliveryBatches.findFirst({ where: and(eq(deliveryBatches.id, input.batchId), eq(deliveryBatches.merchantId, input.merchantId)) });
  if (!batch) return fail("batch_not_found", "batchId");
  if (batch.status !== "locked") return fail("not_locked", "batchId");
  const now = Date.now();
  const db = ctx.db;
  const ready = sql`o.status = 'confirmed' AND o.id IN (SELECT order_id FROM delivery_batch_lines WHERE batch_id = ${batch.id})
    AND NOT EXISTS (SELECT 1 FROM delivery_batch_lines dl JOIN delivery_batches b ON b.id = dl.batch_id WHERE dl.order_id = o.id AND b.status = 'locked')`;
  try {
    const results = await rawBatch(ctx, [
      guardBatchStatus(batch.id, "locked"),
      db.update(deliveryBatches).set({ status: "shipped", shippedAt: now, shippedBy: input.userId, updatedAt: now }).where(and(eq(deliveryBatches.id, batch.id), eq(deliveryBatches.status, "locked"))),
      sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
        SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'ship', 'confirmed', 'shipped', 'merchant', ${input.userId}, ${batch.id}, ${now} FROM orders o WHERE ${ready}`,
      sql`UPDATE orders AS o SET status = 'shipped', updated_at = ${now} WHERE ${ready}`,
      auditStatement(ctx, { actorUserId: input.userId, action: "fulfilment.batch.ship", entityType: "delivery_batch", entityId: batch.id, data: { merchantId: input.merchantId, deliveryDate: batch.deliveryDate } }),
    ]);
    const changed = results[3]?.meta.changes ?? 0;
    await noticeBatchShipped(ctx, batch.id);
    return ok({ orders: changed });
  } catch (error) {
    if (isGuardAbort(error)) return fail("not_locked", "batchId");
    throw error;
  }
}

// ---------- leader: arrivals ----------

/** The leader's incoming batches: shipped ones waiting for confirmation, and today's arrived ones. */
export async function listPointArrivals(ctx: AppContext, pickupPointId: string, now = Date.now()) {
  const today = businessDateOf(now);
  const batches = await ctx.db
    .select({ id: deliveryBatches.id, status: deliveryBatches.status, deliveryDate: deliveryBatches.deliveryDate, shippedAt: deliveryBatches.shippedAt, arrivedAt: deliveryBatches.arrivedAt, merchantName: merchants.name })
    .from(deliveryBatches)
    .innerJoin(merchants, eq(merchants.id, deliveryBatches.merchantId))
    .where(
      and(
        eq(deliveryBatches.pickupPointId, pickupPointId),
        sql`(${deliveryBatches.status} = 'shipped' OR (${deliveryBatches.status} = 'arrived' AND ${deliveryBatches.deliveryDate} >= ${today}))`,
      ),
    )
    .orderBy(asc(deliveryBatches.deliveryDate), asc(merchants.name))
    .limit(50);
  const items = batches.length
    ? await ctx.db
        .select()
        .from(deliveryBatchItems)
        .where(inArray(deliveryBatchItems.batchId, batches.map((b) => b.id)))
        .orderBy(asc(deliveryBatchItems.title), asc(deliveryBatchItems.spec))
    : [];
  return batches.map((b) => ({
    ...b,
    items: items
      .filter((i) => i.batchId === b.id)
      .map((i) => ({ skuId: i.skuId, title: i.title, spec: i.spec, expectedQty: i.expectedQty, receivedQty: i.receivedQty, shortageNote: i.shortageNote, hasPhoto: i.shortagePhotoKey !== null })),
  }));
}

export type ArrivalError = "batch_not_found" | "not_shipped" | "received_too_many" | "note_required" | "sku_mismatch" | "photo_invalid" | "photo_too_large";

interface CandidateRow {
  order_line_id: string;
  order_id: string;
  sku_id: string;
  batch_qty: number;
  line_qty: number;
  payable_fen: number;
  refunded_qty: number;
  refunded_fen: number;
  created_at: number;
  status: string;
}

/**
 * The leader confirms a shipped batch of their own point, SKU by SKU (received count, optional
 * shortage note). In one D1 batch, guarded so a double submit changes nothing: the counts, the
 * batch → arrived, each SKU's shortage allocated to order lines (newest orders first) in
 * `delivery_batch_lines.shortage_qty`, the short lines' refunded quantity and amount (prorated to
 * the fen), one `shortage` refund per affected order (approved), orders whose every unit is short
 * → refunding, and the others → ready_for_pickup once all their batches have arrived. Then the
 * refunds go to the provider (processRefunds), wholly refunded orders end `refunded`, and the
 * merchant is told.
 */
export async function confirmArrival(
  ctx: AppContext,
  input: {
    pickupPointId: string;
    userId: string;
    batchId: string;
    items: ConfirmArrivalInput["items"];
    /** Photos of short lines, by SKU (optional; a photo on a line that is not short is ignored). */
    photos?: ReadonlyMap<string, File>;
    origin?: string;
  },
): Promise<Result<{ shortageQty: number; refundIds: string[] }, ArrivalError>> {
  const batch = await ctx.db.query.deliveryBatches.findFirst({ where: and(eq(deliveryBatches.id, input.batchId), eq(deliveryBatches.pickupPointId, input.pickupPointId)) });
  if (!batch) return fail("batch_not_found", "batchId");
  if (batch.status !== "shipped") return fail("not_shipped", "batchId");
  const items = await ctx.db.select().from(deliveryBatchItems).where(eq(deliveryBatchItems.batchId, batch.id));
  const given = new Map(input.items.map((i) => [i.skuId, i]));
  if (given.size !== items.length || items.some((i) => !given.has(i.skuId))) return fail("sku_mismatch", "items");
  for (const [index, item] of input.items.entries()) {
    const expected = items.find((i) => i.skuId === item.skuId)!.expectedQty;
    if (item.received > expected) return fail("received_too_many", `items[${index}].received`);
    // A shortage is refunded to shoppers and reported to the merchant: it needs a reason.
    if (item.received < expected && !item.note) return fail("note_required", `items[${index}].note`);
  }
  // Shortage photos: checked by their bytes, stored privately before the batch (a failed batch
  // leaves an unreferenced object, never a reference to a missing one).
  const photoKeys = new Map<string, string>();
  for (const [index, item] of input.items.entries()) {
    const file = input.photos?.get(item.skuId);
    const expected = items.find((i) => i.skuId === item.skuId)!.expectedQty;
    if (!file || file.size === 0 || item.received >= expected) continue;
    if (file.size > MAX_PHOTO_BYTES) return fail("photo_too_large", `items[${index}].photo`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const kind = sniffImage(bytes);
    if (!kind) return fail("photo_invalid", `items[${index}].photo`);
    photoKeys.set(item.skuId, `arrivals/${batch.id}/${item.skuId}.${kind.ext}`);
    await ctx.env.IMAGES.put(photoKeys.get(item.skuId)!, bytes, { httpMetadata: { contentType: kind.type } });
  }

  const candidates = await ctx.db.all<CandidateRow>(sql`
    SELECT dl.order_line_id, dl.order_id, dl.sku_id, dl.quantity AS batch_qty, l.quantity AS line_qty, l.payable_fen, l.refunded_qty, l.refunded_fen, o.created_at, o.status
    FROM delivery_batch_lines dl JOIN order_lines l ON l.id = dl.order_line_id JOIN orders o ON o.id = dl.order_id
    WHERE dl.batch_id = ${batch.id}`);
  // Allocation per SKU over the lines of orders still waiting for these goods.
  const shortLines: Array<{ id: string; orderId: string; q: number; fen: number }> = [];
  let shortageQty = 0;
  for (const item of items) {
    const short = item.expectedQty - given.get(item.skuId)!.received;
    if (short <= 0) continue;
    shortageQty += short;
    const pool = candidates
      .filter((c) => c.sku_id === item.skuId && c.status === "shipped")
      .map((c) => ({ orderLineId: c.order_line_id, orderId: c.order_id, orderCreatedAt: Number(c.created_at), openQty: Math.min(Number(c.batch_qty), Number(c.line_qty) - Number(c.refunded_qty)) }));
    for (const [lineId, q] of allocateShortage(pool, short).byLine) {
      const c = candidates.find((x) => x.order_line_id === lineId)!;
      const fen = shortageRefundFen({ quantity: Number(c.line_qty), payableFen: Number(c.payable_fen), refundedQty: Number(c.refunded_qty), refundedFen: Number(c.refunded_fen) }, q);
      shortLines.push({ id: lineId, orderId: c.order_id, q, fen });
    }
  }

  // Per affected order: the refund, and whether nothing of it is left to hand over.
  const affected = [...new Set(shortLines.map((l) => l.orderId))];
  const refundRows: Array<{ id: string; orderId: string; paymentId: string | null; amountFen: number; lines: string }> = [];
  const wholly: string[] = [];
  if (affected.length) {
    const ids = JSON.stringify(affected);
    const [open, pays] = await Promise.all([
      ctx.db.all<{ order_id: string; open: number }>(sql`SELECT order_id, sum(quantity - refunded_qty) AS open FROM order_lines WHERE order_id IN (SELECT value FROM json_each(${ids})) GROUP BY order_id`),
      ctx.db.all<{ id: string; order_id: string }>(sql`SELECT p.id, p.order_id FROM payments p
        JOIN payment_notifications n ON n.payment_id = p.id AND n.outcome = 'paid'
        WHERE p.status = 'succeeded' AND p.order_id IN (SELECT value FROM json_each(${ids}))`),
    ]);
    for (const orderId of affected) {
      const lines = shortLines.filter((l) => l.orderId === orderId);
      const amountFen = lines.reduce((s, l) => s + l.fen, 0);
      const shortUnits = lines.reduce((s, l) => s + l.q, 0);
      if (Number(open.find((o) => o.order_id === orderId)?.open ?? 0) === shortUnits) wholly.push(orderId);
      if (amountFen > 0) {
        refundRows.push({
          id: newId("rfd"),
          orderId,
          paymentId: pays.find((p) => p.order_id === orderId)?.id ?? null,
          amountFen,
          lines: JSON.stringify(lines.map((l) => ({ lineId: l.id, quantity: l.q, amountFen: l.fen }))),
        });
      }
    }
  }

  const now = Date.now();
  const db = ctx.db;
  const counts = JSON.stringify(input.items.map((i) => ({ sku: i.skuId, received: i.received, note: i.note ? i.note : null, photo: photoKeys.get(i.skuId) ?? null })));
  const lineJson = JSON.stringify(shortLines);
  const whollyJson = JSON.stringify(wholly);
  const notes = input.items.filter((i) => i.note).map((i) => i.note).join("; ");
  const statements: BatchStatement[] = [
    guardBatchStatus(batch.id, "shipped"),
    sql`UPDATE delivery_batch_items SET
        received_qty = (SELECT json_extract(j.value, '$.received') FROM json_each(${counts}) j WHERE json_extract(j.value, '$.sku') = delivery_batch_items.sku_id),
        shortage_note = (SELECT json_extract(j.value, '$.note') FROM json_each(${counts}) j WHERE json_extract(j.value, '$.sku') = delivery_batch_items.sku_id),
        shortage_photo_key = (SELECT json_extract(j.value, '$.photo') FROM json_each(${counts}) j WHERE json_extract(j.value, '$.sku') = delivery_batch_items.sku_id)
      WHERE batch_id = ${batch.id}`,
    db.update(deliveryBatches).set({ status: "arrived", arrivedAt: now, arrivedBy: input.userId, updatedAt: now }).where(and(eq(deliveryBatches.id, batch.id), eq(deliveryBatches.status, "shipped"))),
  ];
  if (shortLines.length) {
    statements.push(
      sql`UPDATE delivery_batch_lines SET shortage_qty = shortage_qty + (SELECT json_extract(j.value, '$.q') FROM json_each(${lineJson}) j WHERE json_extract(j.value, '$.id') = delivery_batch_lines.order_line_id)
        WHERE order_line_id IN (SELECT json_extract(value, '$.id') FROM json_each(${lineJson}))`,
      sql`UPDATE order_lines SET
          refunded_qty = refunded_qty + (SELECT json_extract(j.value, '$.q') FROM json_each(${lineJson}) j WHERE json_extract(j.value, '$.id') = order_lines.id),
          refunded_fen = refunded_fen + (SELECT json_extract(j.value, '$.fen') FROM json_each(${lineJson}) j WHERE json_extract(j.value, '$.id') = order_lines.id)
        WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(${lineJson}))`,
    );
  }
  if (refundRows.length) {
    statements.push(
      sql`INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, note, lines, status, decided_by, decided_at, created_at, updated_at)
        SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.orderId'), json_extract(j.value, '$.paymentId'), 'shortage', json_extract(j.value, '$.amountFen'),
          'shortage', ${notes || null}, json_extract(j.value, '$.lines'), 'approved', ${input.userId}, ${now}, ${now}, ${now}
        FROM json_each(${JSON.stringify(refundRows)}) j`,
    );
  }
  if (wholly.length) {
    statements.push(
      sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
        SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'request_refund', 'shipped', 'refunding', 'leader', ${input.userId}, 'shortage', ${now}
        FROM orders o WHERE o.status = 'shipped' AND o.id IN (SELECT value FROM json_each(${whollyJson}))`,
      sql`UPDATE orders SET status = 'refunding', updated_at = ${now} WHERE status = 'shipped' AND id IN (SELECT value FROM json_each(${whollyJson}))`,
    );
  }
  const arrived = sql`o.status = 'shipped' AND o.id IN (SELECT order_id FROM delivery_batch_lines WHERE batch_id = ${batch.id})
    AND NOT EXISTS (SELECT 1 FROM delivery_batch_lines dl JOIN delivery_batches b ON b.id = dl.batch_id WHERE dl.order_id = o.id AND b.status <> 'arrived')`;
  statements.push(
    sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
      SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'arrive', 'shipped', 'ready_for_pickup', 'leader', ${input.userId}, ${shortageQty ? "shortage" : null}, ${now} FROM orders o WHERE ${arrived}`,
    sql`UPDATE orders AS o SET status = 'ready_for_pickup', updated_at = ${now} WHERE ${arrived}`,
    auditStatement(ctx, {
      actorUserId: input.userId,
      action: "fulfilment.batch.arrive",
      entityType: "delivery_batch",
      entityId: batch.id,
      data: { pickupPointId: input.pickupPointId, shortageQty, refunds: refundRows.map((r) => r.id) },
    }),
  );
  try {
    await rawBatch(ctx, statements);
  } catch (error) {
    if (isGuardAbort(error)) return fail("not_shipped", "batchId");
    throw error;
  }

  const refundIds = refundRows.map((r) => r.id);
  await processRefunds(ctx, refundIds, input.origin);
  if (wholly.length) await finishWhollyShortOrders(ctx, wholly);
  await notifyMerchant(ctx, batch.merchantId, batch.deliveryDate, shortageQty).catch((error) => console.warn(`arrival notice for batch ${batch.id} not sent`, error));
  await noticeBatchArrived(ctx, batch.id, shortageQty);
  return ok({ shortageQty, refundIds });
}

/**
 * The private shortage photo of one line of a batch, for the batch's merchant or the receiving
 * point's leader (the caller says which); null when there is none or the batch is not theirs.
 */
export async function getShortagePhoto(ctx: AppContext, batchId: string, skuId: string, owner: { merchantId: string } | { pickupPointId: string }) {
  const [row] = await ctx.db
    .select({ key: deliveryBatchItems.shortagePhotoKey })
    .from(deliveryBatchItems)
    .innerJoin(deliveryBatches, eq(deliveryBatches.id, deliveryBatchItems.batchId))
    .where(
      and(
        eq(deliveryBatchItems.batchId, batchId),
        eq(deliveryBatchItems.skuId, skuId),
        "merchantId" in owner ? eq(deliveryBatches.merchantId, owner.merchantId) : eq(deliveryBatches.pickupPointId, owner.pickupPointId),
      ),
    );
  if (!row?.key) return null;
  return ctx.env.IMAGES.get(row.key);
}

/** Orders refunded in full for a shortage end `refunded` once their shortage refunds have succeeded. */
export async function finishWhollyShortOrders(ctx: AppContext, orderIds: string[]): Promise<void> {
  const ids = JSON.stringify(orderIds);
  const now = Date.now();
  // Only orders a shortage put in `refunding` (an after-sales round closes its own orders).
  const due = sql`o.status = 'refunding' AND o.id IN (SELECT value FROM json_each(${ids}))
    AND (SELECT e.note FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'refunding' ORDER BY e.created_at DESC, e.rowid DESC LIMIT 1) = 'shortage'
    AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id AND r.kind = 'shortage' AND r.status <> 'succeeded')`;
  await rawBatch(ctx, [
    sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
      SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'refund_succeeded', 'refunding', 'refunded', 'system', NULL, 'shortage', ${now} FROM orders o WHERE ${due}`,
    sql`UPDATE orders AS o SET status = 'refunded', updated_at = ${now} WHERE ${due}`,
  ]);
}

async function notifyMerchant(ctx: AppContext, merchantId: string, deliveryDate: string, shortageQty: number) {
  const merchant = await ctx.db.query.merchants.findFirst({ where: eq(merchants.id, merchantId) });
  if (!merchant) return;
  const phone = await decryptField(ctx.env, "contact_phone", merchant.contactPhoneEnc);
  const body = shortageQty
    ? `【邻里团】${deliveryDate} 的配送批次已到货，团长登记缺货 ${shortageQty} 件，已为相关订单退款。详情见商家后台「截单与配送」。`
    : `【邻里团】${deliveryDate} 的配送批次已到货，团长确认无缺货。`;
  await sendMessage(ctx, { channel: "sms", to: phone, body });
}
