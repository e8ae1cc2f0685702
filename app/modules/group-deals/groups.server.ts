import { and, asc, desc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { HOLD_GRACE_MS, type RoomMeta, type RoomSeed, type RoomSnapshot } from "./room-types";
import {
  groupDealCampaigns,
  groupDealMembers,
  groupDeals,
  orderEvents,
  orderLines,
  orders,
  pickupPoints,
  products,
  refunds,
  skus,
  users,
} from "~/db/schema";
import { rawBatch } from "~/db/raw-batch.server";
import { encryptField, lookupHash } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { describeCart } from "~/modules/cart/cart.server";
import { imageUrl } from "~/modules/catalog/queries.server";
import { newPickupCode } from "~/modules/orders/checkout.server";
import { isStateConflict, transitionStatements } from "~/modules/orders/orders.server";
import { processRefunds } from "~/modules/payments/payments.server";
import { priceCart } from "~/modules/pricing";
import { orderRatesSnapshot, RATE_SETTING_KEYS, rateSettingsFrom } from "~/modules/settings/order-rates";
import { settingsFromRows, settingsQuery } from "~/modules/settings/settings.server";
import { noticeGroupClosed } from "~/modules/notifications/triggers.server";
import { capacityOf, closeGroupOutcome, firstTier, nextTier, parseTiers, reachedTier, type GroupTier } from "./tiers";

type Db = AppContext["db"];
type BatchItem = Parameters<Db["batch"]>[0][number];

export type JoinError =
  | "feature_off"
  | "campaign_not_live"
  | "group_not_found"
  | "group_closed"
  | "group_full"
  | "already_member"
  | "over_user_limit"
  | "quantity_invalid"
  | "pickup_point_required"
  | "not_same_point"
  | "item_unavailable"
  | "insufficient_stock";

export interface JoinInput {
  quantity: number;
  locale: string;
  /** The member whose share link brought this user (group page `?from=`); ignored if not a member. */
  invitedBy?: string | null;
  /** The leader's pickup point from the attribution cookie, kept on the order if active. */
  referralPointId?: string;
  /** The shopper whose share link brought this user (resolved from the share cookie by ~/modules/share). */
  sharerUserId?: string;
  idempotencyKey?: string;
  now?: number;
}

export type JoinResult = Result<{ groupId: string; orderId: string; payableFen: number; replayed: boolean }, JoinError>;

export const roomFor = (ctx: Pick<AppContext, "env">, groupId: string) => ctx.env.GROUP_DEAL_ROOM.get(ctx.env.GROUP_DEAL_ROOM.idFromName(groupId));

export function roomMeta(group: { id: string; capacity: number; deadlineAt: number; tiers: string }): RoomMeta {
  return { groupId: group.id, capacity: group.capacity, deadlineAt: group.deadlineAt, tiers: parseTiers(group.tiers) };
}

async function replayed(ctx: AppContext, userId: string, key: string | undefined) {
  if (!key) return null;
  const existing = await ctx.db.query.orders.findFirst({
    where: and(eq(orders.userId, userId), eq(orders.idempotencyKey, key)),
    columns: { id: true, payableFen: true, groupDealId: true },
  });
  return existing?.groupDealId ? ok({ groupId: existing.groupDealId, orderId: existing.id, payableFen: existing.payableFen, replayed: true }) : null;
}

/** Starts a new group of a campaign: the starter is its first member (and pays the first tier). */
/** The settings a join reads (one query). */
const JOIN_SETTING_KEYS = ["feature.group_deals", "order.unpaid_timeout_minutes", ...RATE_SETTING_KEYS] as const;
type JoinSettings = ReturnType<typeof settingsFromRows<(typeof JOIN_SETTING_KEYS)[number]>>;

/** The shopper's active pickup point, as a query for a read batch. */
const pointQuery = (ctx: AppContext, userId: string) =>
  ctx.db
    .select({ id: pickupPoints.id })
    .from(pickupPoints)
    .where(and(eq(pickupPoints.status, "active"), sql`${pickupPoints.id} = (SELECT u.pickup_point_id FROM user_pickup_points u WHERE u.user_id = ${userId})`));

export async function startGroup(ctx: AppContext, userId: string, input: JoinInput & { campaignId: string }): Promise<JoinResult> {
  const again = await replayed(ctx, userId, input.idempotencyKey);
  if (again) return again;
  const now = input.now ?? Date.now();
  // One round trip for the reads (a D1 batch).
  const [settingRows, campaignRows, pointRows] = await ctx.db.batch([
    settingsQuery(ctx, JOIN_SETTING_KEYS),
    ctx.db.select().from(groupDealCampaigns).where(eq(groupDealCampaigns.id, input.campaignId)),
    pointQuery(ctx, userId),
  ]);
  const settings = settingsFromRows(JOIN_SETTING_KEYS, settingRows);
  const campaign = campaignRows[0];
  const pointId = pointRows[0]?.id ?? null;
  if (!settings["feature.group_deals"]) return fail("feature_off");
  if (!campaign || campaign.status !== "approved" || now < campaign.startsAt || now >= campaign.endsAt) return fail("campaign_not_live", "campaignId");
  if (!pointId) return fail("pickup_point_required", "pickupPointId");
  const tiers = parseTiers(campaign.tiers);
  const group = {
    id: newId("grp"),
    campaignId: campaign.id,
    merchantId: campaign.merchantId,
    productId: campaign.productId,
    skuId: campaign.skuId,
    starterUserId: userId,
    pickupPointId: pointId,
    leaderOnly: campaign.leaderOnly,
    tiers: JSON.stringify(tiers),
    capacity: capacityOf(tiers),
    status: "open" as const,
    // A group never outlives its campaign's window.
    deadlineAt: Math.min(now + campaign.durationMinutes * 60_000, campaign.endsAt),
    paidCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  return placeMemberOrder(ctx, userId, { ...input, now }, { campaign, group, isNew: true, pointId, settings });
}

/** Joins an open group (from its share link or the product page). */
export async function joinGroup(ctx: AppContext, userId: string, input: JoinInput & { groupId: string }): Promise<JoinResult> {
  const again = await replayed(ctx, userId, input.idempotencyKey);
  if (again) return again;
  const now = input.now ?? Date.now();
  // One round trip for the reads (a D1 batch: no joins inside one, its rows are keyed by column name).
  const [settingRows, groupRows, campaignRows, pointRows] = await ctx.db.batch([
    settingsQuery(ctx, JOIN_SETTING_KEYS),
    ctx.db.select().from(groupDeals).where(eq(groupDeals.id, input.groupId)),
    ctx.db.select().from(groupDealCampaigns).where(sql`${groupDealCampaigns.id} = (SELECT g.campaign_id FROM group_deals g WHERE g.id = ${input.groupId})`),
    pointQuery(ctx, userId),
  ]);
  const settings = settingsFromRows(JOIN_SETTING_KEYS, settingRows);
  const pointId = pointRows[0]?.id ?? null;
  if (!settings["feature.group_deals"]) return fail("feature_off");
  const group = groupRows[0];
  const campaign = campaignRows[0];
  if (!group || !campaign) return fail("group_not_found", "groupId");
  if (group.status !== "open" || group.deadlineAt <= now) return fail("group_closed", "groupId");
  if (campaign.status !== "approved") return fail("campaign_not_live", "groupId");
  if (!pointId) return fail("pickup_point_required", "pickupPointId");
  if (group.leaderOnly && pointId !== group.pickupPointId) return fail("not_same_point", "groupId");
  return placeMemberOrder(ctx, userId, { ...input, now }, { campaign, group, isNew: false, pointId, settings });
}

/**
 * Holds a seat in the room, then writes the member's order in one batch (stock, order, line,
 * timeline, member row; the group row too for a new group). The seat is given back if the batch
 * fails. The order's one line is priced by the pricing engine with the first tier as a price
 * override (no coupon, no member discount: ADR 009 rule 2); it must be paid before the earlier
 * of the unpaid-order timeout and the group's deadline.
 */
async function placeMemberOrder(
  ctx: AppContext,
  userId: string,
  input: JoinInput & { now: number },
  target: { campaign: typeof groupDealCampaigns.$inferSelect; group: typeof groupDeals.$inferInsert & { id: string; deadlineAt: number; capacity: number; tiers: string }; isNew: boolean; pointId: string; settings: JoinSettings },
): Promise<JoinResult> {
  const { campaign, group, now } = { ...target, now: input.now };
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > campaign.perUserLimit) return fail("quantity_invalid", "quantity");
  const [line] = await describeCart(ctx, [{ skuId: campaign.skuId, quantity: input.quantity }], input.locale);
  if (!line || !line.available) return fail("item_unavailable", "groupId");
  if (line.stock < input.quantity) return fail("insufficient_stock", "quantity");
  const tiers = parseTiers(group.tiers);
  const first = firstTier(tiers);
  const breakdown = priceCart({
    lines: [
      {
        lineId: line.skuId,
        skuId: line.skuId,
        productId: line.productId,
        merchantId: line.merchantId,
        categoryId: line.categoryId,
        quantity: input.quantity,
        unitPriceFen: line.unitPriceFen,
        priceOverride: { unitPriceFen: first.unitPriceFen, source: "group", campaignId: campaign.id },
      },
    ],
    now,
  });
  const priced = breakdown.lines[0]!;
  const { settings } = target;
  const payBy = Math.min(now + settings["order.unpaid_timeout_minutes"] * 60_000, group.deadlineAt);
  const rates = orderRatesSnapshot(rateSettingsFrom(settings), [{ categoryId: line.categoryId, goodsFen: priced.baseFen }]);

  const room = roomFor(ctx, group.id);
  const meta = roomMeta(group);
  const claim = await room.claim({ meta, userId, holdUntil: payBy, now });
  if (!claim.ok) return fail(claim.code, "groupId");

  const invitedBy = input.invitedBy && input.invitedBy !== userId ? input.invitedBy : null;
  const orderId = newId("ord");
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const code = newPickupCode();
      const statements: BatchItem[] = [
        ...(target.isNew ? [ctx.db.insert(groupDeals).values(group)] : []),
        ctx.db.update(skus).set({ stock: sql`${skus.stock} - ${input.quantity}`, updatedAt: now }).where(eq(skus.id, line.skuId)),
        ctx.db.insert(orders).values({
          id: orderId,
          userId,
          pickupPointId: target.pointId,
          status: "pending_payment",
          goodsFen: breakdown.totals.goodsFen,
          discountFen: breakdown.totals.discountFen,
          payableFen: breakdown.totals.payableFen,
          pricing: JSON.stringify(breakdown),
          pricingVersion: breakdown.rulesVersion,
          rates: JSON.stringify(rates),
          pickupCodeEnc: await encryptField(ctx.env, "pickup_code", code),
          pickupCodeHash: await lookupHash(ctx.env, `pickup:${target.pointId}`, code),
          referralPointId: input.referralPointId ? sql<string | null>`(SELECT p.id FROM pickup_points p WHERE p.id = ${input.referralPointId} AND p.status = 'active')` : null,
          sharerUserId: input.sharerUserId ?? null,
          groupDealId: group.id,
          idempotencyKey: input.idempotencyKey ?? null,
          payBy,
          createdAt: now,
          updatedAt: now,
        }),
        ctx.db.insert(orderLines).values({
          id: newId("oli"),
          orderId,
          skuId: line.skuId,
          productId: line.productId,
          merchantId: line.merchantId,
          categoryId: line.categoryId,
          title: line.title,
          spec: line.spec,
          imageKey: line.imageUrl?.replace(/^\/images\//, "") ?? null,
          quantity: input.quantity,
          unitPriceFen: line.unitPriceFen,
          baseFen: priced.baseFen,
          discountFen: priced.discountFen,
          payableFen: priced.payableFen,
        }),
        ctx.db.insert(orderEvents).values({ id: newId("oev"), orderId, event: "place", fromStatus: null, toStatus: "pending_payment", actorType: "user", actorId: userId, note: `group:${group.id}`, createdAt: now }),
        ctx.db.insert(groupDealMembers).values({
          id: newId("gdm"),
          groupId: group.id,
          campaignId: campaign.id,
          userId,
          orderId,
          quantity: input.quantity,
          status: "pending",
          invitedBy: invitedBy ? sql<string | null>`(SELECT m.user_id FROM group_deal_members m WHERE m.group_id = ${group.id} AND m.user_id = ${invitedBy} LIMIT 1)` : null,
          joinedAt: now,
        }),
      ];
      try {
        await ctx.db.batch(statements as unknown as Parameters<Db["batch"]>[0]);
        return ok({ groupId: group.id, orderId, payableFen: breakdown.totals.payableFen, replayed: false });
      } catch (error) {
        const message = `${(error as Error)?.message ?? error} ${String((error as { cause?: unknown })?.cause ?? "")}`;
        if (message.includes("orders.pickup_point_id, orders.pickup_code_hash")) continue; // code collision: draw again
        await room.release({ meta, userId });
        if (message.includes("insufficient_stock")) return fail("insufficient_stock", "quantity");
        if (message.includes("group_user_limit")) return fail("over_user_limit", "quantity");
        if (message.includes("group_not_open")) return fail("group_closed", "groupId");
        if (message.includes("group_deal_members.group_id, group_deal_members.user_id")) return fail("already_member", "groupId");
        if (message.includes("orders.user_id, orders.idempotency_key") && input.idempotencyKey) {
          const again = await replayed(ctx, userId, input.idempotencyKey);
          if (again) return again;
        }
        throw error;
      }
    }
    throw new Error("Could not allocate a unique pickup code");
  } catch (error) {
    await room.release({ meta, userId }).catch(() => undefined);
    throw error;
  }
}

// ---------- payment and cancellation hooks (called by the payments and orders modules) ----------

/**
 * Statements added to a group order's payment batch: the member becomes paid and the group's
 * paid count rises. The count's trigger aborts the batch when the group is no longer open or
 * already full, so the payment is then refunded as a late payment instead of joining.
 */
export function groupPaidStatements(db: Db, order: { id: string; groupDealId: string | null }, now: number): BatchItem[] {
  if (!order.groupDealId) return [];
  return [
    db.update(groupDealMembers).set({ status: "paid", paidAt: now }).where(and(eq(groupDealMembers.orderId, order.id), eq(groupDealMembers.status, "pending"))),
    db.update(groupDeals).set({ paidCount: sql`${groupDeals.paidCount} + 1`, updatedAt: now }).where(eq(groupDeals.id, order.groupDealId)),
  ];
}

export const isGroupClosedError = (error: unknown) => `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`.includes("group_not_open");

/** After a group order's payment is recorded: the room counts the member (and may close the group). */
export async function afterGroupOrderPaid(ctx: AppContext, order: { userId: string; groupDealId: string | null }): Promise<void> {
  if (!order.groupDealId) return;
  const group = await ctx.db.query.groupDeals.findFirst({ where: eq(groupDeals.id, order.groupDealId) });
  if (!group) return;
  await roomFor(ctx, group.id).confirmPaid({ meta: roomMeta(group), userId: order.userId });
}

/** Statements added to a group order's cancellation batch: the member leaves the group. */
export function groupLeaveStatements(db: Db, order: { id: string; groupDealId: string | null }, now: number): BatchItem[] {
  if (!order.groupDealId) return [];
  return [db.update(groupDealMembers).set({ status: "left", leftAt: now }).where(and(eq(groupDealMembers.orderId, order.id), eq(groupDealMembers.status, "pending")))];
}

/** After a group order was cancelled or expired unpaid: its seat goes back to the room. */
export async function afterGroupOrderLeft(ctx: AppContext, order: { userId: string; groupDealId: string | null }): Promise<void> {
  if (!order.groupDealId) return;
  const group = await ctx.db.query.groupDeals.findFirst({ where: eq(groupDeals.id, order.groupDealId) });
  if (!group || group.status !== "open") return;
  try {
    await roomFor(ctx, group.id).release({ meta: roomMeta(group), userId: order.userId });
  } catch (error) {
    // The hold runs out by itself at the order's deadline plus the grace.
    console.warn(`group ${group.id}: could not release a seat`, error);
  }
}

// ---------- the room's seed and the close ----------

/** What a room needs to rebuild itself from D1 (a fresh or wiped object). */
export async function loadRoomSeed(ctx: AppContext, groupId: string): Promise<RoomSeed> {
  const group = await ctx.db.query.groupDeals.findFirst({ where: eq(groupDeals.id, groupId) });
  if (!group) return { status: "open", reachedSize: null, finalUnitPriceFen: null, seats: [] };
  const rows = await ctx.db
    .select({ userId: groupDealMembers.userId, status: groupDealMembers.status, payBy: orders.payBy })
    .from(groupDealMembers)
    .innerJoin(orders, eq(orders.id, groupDealMembers.orderId))
    .where(and(eq(groupDealMembers.groupId, groupId), inArray(groupDealMembers.status, ["pending", "paid"])));
  return {
    status: group.status,
    reachedSize: group.reachedSize,
    finalUnitPriceFen: group.finalUnitPriceFen,
    seats: group.status === "open" ? rows.map((r) => ({ userId: r.userId, status: r.status === "paid" ? ("paid" as const) : ("held" as const), holdUntil: r.status === "paid" ? 0 : r.payBy + HOLD_GRACE_MS })) : [],
  };
}

/**
 * Refund ids are derived from (group, order, kind): the close can be attempted any number of
 * times, by the alarm, the cron's safety net or both at once, and the refund's primary key lets
 * exactly one attempt write it (ADR 017, rule 6). 20 characters of the same alphabet as newId.
 */
export async function groupRefundId(groupId: string, orderId: string, kind: "group_failed" | "group_price_difference"): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${groupId}:${orderId}:${kind}`)));
  const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  let out = "";
  for (let i = 0; i < 20; i++) out += alphabet[digest[i]! & 31];
  return `rfd_${out}`;
}

export interface CloseResult {
  status: "succeeded" | "failed";
  reachedSize: number | null;
  finalUnitPriceFen: number | null;
  /** False when an earlier close had already done it. */
  changed: boolean;
  refundIds: string[];
}

const isRaceError = (error: unknown) => {
  const text = `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return isStateConflict(error) || text.includes("UNIQUE constraint failed: refunds.id") || text.includes("group_not_open");
};

/**
 * Closes a group in D1, once (ADR 017). In one batch:
 * - the group row: succeeded at the reached tier (the highest whose size its paid members meet)
 *   or failed below the first tier;
 * - every paid member's order: succeeded → `paid` (into the normal cycle) with a refund of
 *   (first − reached) × quantity when that is above zero; failed → `refunding` with a refund of
 *   everything paid and the stock back on the shelf;
 * - members still paying: their orders cancelled, stock back.
 * Every order moves through the timeline's optimistic lock and every refund has a derived id, so
 * a concurrent or repeated close aborts and then finds the group closed. Refunds are sent to the
 * provider after the batch.
 */
export async function closeGroup(ctx: AppContext, groupId: string, now = Date.now()): Promise<CloseResult> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const group = await ctx.db.query.groupDeals.findFirst({ where: eq(groupDeals.id, groupId) });
    if (!group) throw new Error(`group ${groupId} not found`);
    if (group.status !== "open") return { status: group.status, reachedSize: group.reachedSize, finalUnitPriceFen: group.finalUnitPriceFen, changed: false, refundIds: [] };
    const members = await ctx.db
      .select({
        orderId: orders.id,
        orderStatus: orders.status,
        paidFen: orders.paidFen,
        quantity: groupDealMembers.quantity,
        lineId: sql<string>`(SELECT l.id FROM order_lines l WHERE l.order_id = ${orders.id} LIMIT 1)`,
        paymentId: sql<string | null>`(SELECT p.id FROM payments p JOIN payment_notifications n ON n.payment_id = p.id AND n.outcome = 'paid' WHERE p.order_id = ${orders.id} AND p.status = 'succeeded' LIMIT 1)`,
      })
      .from(groupDealMembers)
      .innerJoin(orders, eq(orders.id, groupDealMembers.orderId))
      .where(and(eq(groupDealMembers.groupId, groupId), inArray(groupDealMembers.status, ["pending", "paid"])));
    const paid = members.filter((m) => m.orderStatus === "awaiting_group");
    const paying = members.filter((m) => m.orderStatus === "pending_payment");
    const tiers = parseTiers(group.tiers);
    const outcome = closeGroupOutcome(tiers, paid);
    const reached = outcome.status === "succeeded" ? outcome.tier : null;
    const actor = { type: "system" as const, id: null };
    const statements: BatchItem[] = [
      ctx.db
        .update(groupDeals)
        .set({ status: outcome.status, reachedSize: reached?.size ?? null, finalUnitPriceFen: reached?.unitPriceFen ?? null, paidCount: paid.length, closedAt: now, updatedAt: now })
        .where(and(eq(groupDeals.id, groupId), eq(groupDeals.status, "open"))),
    ];
    const stockBack = (quantity: number) => ctx.db.update(skus).set({ stock: sql`${skus.stock} + ${quantity}`, updatedAt: now }).where(eq(skus.id, group.skuId));
    for (const m of paying) {
      statements.push(
        ...transitionStatements(ctx.db, { orderId: m.orderId, from: "pending_payment", event: "cancel", to: "cancelled", actor, note: "group_closed", now, set: { cancelledAt: now, cancelReason: "group_closed" } }),
        ctx.db.update(groupDealMembers).set({ status: "left", leftAt: now }).where(and(eq(groupDealMembers.orderId, m.orderId), eq(groupDealMembers.status, "pending"))),
        stockBack(m.quantity),
      );
    }
    const refundIds: string[] = [];
    const byOrder = new Map(paid.map((m) => [m.orderId, m]));
    for (const r of outcome.members) {
      const m = byOrder.get(r.orderId)!;
      const note = reached ? `tier:${reached.size}:${reached.unitPriceFen}` : `paid:${paid.length}`;
      statements.push(
        ...(outcome.status === "succeeded"
          ? transitionStatements(ctx.db, { orderId: m.orderId, from: "awaiting_group", event: "group_succeeded", to: "paid", actor, note, now })
          : transitionStatements(ctx.db, { orderId: m.orderId, from: "awaiting_group", event: "group_failed", to: "refunding", actor, note, now })),
      );
      if (outcome.status === "failed") statements.push(stockBack(m.quantity));
      if (r.refundFen <= 0) continue;
      const id = await groupRefundId(groupId, m.orderId, r.kind);
      refundIds.push(id);
      const qty = r.kind === "group_failed" ? m.quantity : 0;
      statements.push(
        ctx.db.insert(refunds).values({
          id,
          orderId: m.orderId,
          paymentId: m.paymentId,
          kind: r.kind,
          amountFen: r.refundFen,
          reason: r.kind,
          lines: JSON.stringify([{ lineId: m.lineId, quantity: qty, amountFen: r.refundFen }]),
          status: "approved",
          decidedAt: now,
          createdAt: now,
          updatedAt: now,
        }),
        ctx.db
          .update(orderLines)
          .set({ refundedFen: sql`${orderLines.refundedFen} + ${r.refundFen}`, refundedQty: sql`${orderLines.refundedQty} + ${qty}` })
          .where(eq(orderLines.id, m.lineId)),
      );
    }
    try {
      await ctx.db.batch(statements as unknown as Parameters<Db["batch"]>[0]);
    } catch (error) {
      if (isRaceError(error)) continue; // someone else closed it, or a member's order moved: read again
      throw error;
    }
    await processRefunds(ctx, refundIds, ctx.request?.url.origin);
    await noticeGroupClosed(ctx, groupId);
    return { status: outcome.status, reachedSize: reached?.size ?? null, finalUnitPriceFen: reached?.unitPriceFen ?? null, changed: true, refundIds };
  }
  throw new Error(`group ${groupId}: could not close after repeated conflicts`);
}

/**
 * A failed group's order ends `refunded` once its full refund has succeeded (called from the
 * payments module whenever a `group_failed` refund succeeds: the refund call, the completion cron
 * or a provider notification).
 */
export async function finishFailedGroupOrders(ctx: Pick<AppContext, "db" | "env">, orderIds: string[], now = Date.now()): Promise<void> {
  if (!orderIds.length) return;
  const ids = JSON.stringify(orderIds);
  const due = sql`o.status = 'refunding' AND o.group_deal_id IS NOT NULL AND o.id IN (SELECT value FROM json_each(${ids}))
    AND EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id AND r.kind = 'group_failed')
    AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id AND r.kind = 'group_failed' AND r.status <> 'succeeded')`;
  await rawBatch(ctx, [
    sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
      SELECT 'oev_' || lower(hex(randomblob(10))), o.id, 'refund_succeeded', 'refunding', 'refunded', 'system', NULL, 'group_failed', ${now} FROM orders o WHERE ${due}`,
    sql`UPDATE orders AS o SET status = 'refunded', updated_at = ${now} WHERE ${due}`,
  ]);
}

/** Groups left open this long past their deadline are closed by the cron (the alarm's safety net). */
export const OVERDUE_GRACE_MS = 60_000;

/**
 * Cron (every minute): open groups past their deadline (plus a grace, so the alarm normally wins)
 * are closed through their room; several at a time, at most `limit` per run. Idempotent.
 */
export async function closeOverdueGroups(ctx: AppContext, now: number, limit = 500): Promise<{ closed: number; failed: number }> {
  const due = await ctx.db
    .select({ id: groupDeals.id, capacity: groupDeals.capacity, deadlineAt: groupDeals.deadlineAt, tiers: groupDeals.tiers })
    .from(groupDeals)
    .where(and(eq(groupDeals.status, "open"), lte(groupDeals.deadlineAt, now - OVERDUE_GRACE_MS)))
    .orderBy(asc(groupDeals.deadlineAt))
    .limit(limit);
  let closed = 0;
  let failed = 0;
  const queue = [...due];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      try {
        const snap = await roomFor(ctx, g.id).closeIfDue({ meta: roomMeta(g), now });
        if (snap.status === "succeeded" || snap.status === "failed") closed++;
        else failed++;
      } catch (error) {
        failed++;
        console.warn(`group ${g.id}: overdue close failed`, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  return { closed, failed };
}

// ---------- reads for pages and the API ----------

/** A member's name as other people see it: the first character and a star ("张*"). */
export function maskedName(name: string): string {
  const chars = [...name.trim()];
  return chars.length ? `${chars[0]}*` : "*";
}

export interface GroupView {
  id: string;
  status: "open" | "succeeded" | "failed";
  campaignId: string;
  leaderOnly: boolean;
  pointName: string;
  product: { id: string; skuId: string; title: string; spec: string; imageUrl: string | null; listPriceFen: number };
  tiers: GroupTier[];
  capacity: number;
  deadlineAt: number;
  createdAt: number;
  closedAt: number | null;
  paidCount: number;
  /** Seats held by members paying now (from the room). */
  payingCount: number;
  /** The tier the paid members reach now (or reached at the close). */
  currentTier: GroupTier | null;
  next: { tier: GroupTier; needed: number } | null;
  finalUnitPriceFen: number | null;
  members: Array<{ name: string; avatarUrl: string | null; starter: boolean; paid: boolean; joinedAt: number }>;
  /** The viewer's own membership, when signed in and a member. */
  mine: null | {
    orderId: string;
    status: "pending" | "paid" | "left";
    orderStatus: string;
    quantity: number;
    paidFen: number;
    /** What the member is charged in the end (known once the group closed). */
    finalChargeFen: number | null;
    refunds: Array<{ kind: string; amountFen: number; status: string }>;
  };
  /** The viewer may join (signed in or not; the action checks again). */
  joinable: boolean;
}

export async function getGroupView(ctx: AppContext, groupId: string, viewer: { userId: string | null; locale: string }, now = Date.now()): Promise<GroupView | null> {
  const en = viewer.locale === "en";
  const [row] = await ctx.db
    .select({
      group: groupDeals,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      specZh: skus.specZh,
      specEn: skus.specEn,
      priceFen: skus.priceFen,
      pointName: pickupPoints.name,
      image: sql<string | null>`(SELECT i.r2_key FROM product_images i WHERE i.product_id = ${products.id} ORDER BY i.sort LIMIT 1)`,
    })
    .from(groupDeals)
    .innerJoin(products, eq(products.id, groupDeals.productId))
    .innerJoin(skus, eq(skus.id, groupDeals.skuId))
    .innerJoin(pickupPoints, eq(pickupPoints.id, groupDeals.pickupPointId))
    .where(eq(groupDeals.id, groupId));
  if (!row) return null;
  const g = row.group;
  const memberRows = await ctx.db
    .select({ userId: groupDealMembers.userId, status: groupDealMembers.status, joinedAt: groupDealMembers.joinedAt, name: users.displayName, avatarUrl: users.avatarUrl })
    .from(groupDealMembers)
    .innerJoin(users, eq(users.id, groupDealMembers.userId))
    .where(and(eq(groupDealMembers.groupId, groupId), inArray(groupDealMembers.status, g.status === "open" ? ["pending", "paid"] : ["paid"])))
    .orderBy(asc(groupDealMembers.joinedAt));
  const tiers = parseTiers(g.tiers);
  let payingCount = memberRows.filter((m) => m.status === "pending").length;
  if (g.status === "open") {
    try {
      const snap: RoomSnapshot = await roomFor(ctx, g.id).state({ meta: roomMeta(g) });
      payingCount = snap.held;
    } catch (error) {
      console.warn(`group ${g.id}: room unavailable for a read`, error);
    }
  }
  let mine: GroupView["mine"] = null;
  if (viewer.userId) {
    const [m] = await ctx.db
      .select({ orderId: groupDealMembers.orderId, status: groupDealMembers.status, quantity: groupDealMembers.quantity, orderStatus: orders.status, paidFen: orders.paidFen })
      .from(groupDealMembers)
      .innerJoin(orders, eq(orders.id, groupDealMembers.orderId))
      .where(and(eq(groupDealMembers.groupId, groupId), eq(groupDealMembers.userId, viewer.userId)))
      .orderBy(desc(groupDealMembers.joinedAt))
      .limit(1);
    if (m) {
      const rs = await ctx.db.select({ kind: refunds.kind, amountFen: refunds.amountFen, status: refunds.status }).from(refunds).where(eq(refunds.orderId, m.orderId)).orderBy(asc(refunds.createdAt));
      const finalChargeFen = g.status === "succeeded" && m.status === "paid" ? g.finalUnitPriceFen! * m.quantity : g.status === "failed" && m.status === "paid" ? 0 : null;
      mine = { ...m, finalChargeFen, refunds: rs };
    }
  }
  const paidCount = g.paidCount;
  return {
    id: g.id,
    status: g.status,
    campaignId: g.campaignId,
    leaderOnly: g.leaderOnly,
    pointName: row.pointName,
    product: { id: g.productId, skuId: g.skuId, title: en ? row.titleEn : row.titleZh, spec: en ? row.specEn : row.specZh, imageUrl: imageUrl(row.image), listPriceFen: row.priceFen },
    tiers,
    capacity: g.capacity,
    deadlineAt: g.deadlineAt,
    createdAt: g.createdAt,
    closedAt: g.closedAt,
    paidCount,
    payingCount,
    currentTier: g.status === "open" ? reachedTier(tiers, paidCount) : g.reachedSize ? (tiers.find((t) => t.size === g.reachedSize) ?? null) : null,
    next: g.status === "open" ? nextTier(tiers, paidCount) : null,
    finalUnitPriceFen: g.finalUnitPriceFen,
    members: memberRows.map((m) => ({ name: maskedName(m.name), avatarUrl: m.avatarUrl, starter: m.userId === g.starterUserId, paid: m.status === "paid", joinedAt: m.joinedAt })),
    mine,
    joinable: g.status === "open" && g.deadlineAt > now && paidCount + payingCount < g.capacity && (!mine || mine.status === "left"),
  };
}

/** The live campaign of a product (the first approved one in its window), for the product page. */
export async function getLiveCampaignForProduct(ctx: AppContext, productId: string, now = Date.now()) {
  const [c] = await ctx.db
    .select()
    .from(groupDealCampaigns)
    .where(and(eq(groupDealCampaigns.productId, productId), eq(groupDealCampaigns.status, "approved"), lte(groupDealCampaigns.startsAt, now), gt(groupDealCampaigns.endsAt, now)))
    .orderBy(asc(groupDealCampaigns.endsAt))
    .limit(1);
  if (!c) return null;
  return { id: c.id, skuId: c.skuId, tiers: parseTiers(c.tiers), durationMinutes: c.durationMinutes, perUserLimit: c.perUserLimit, leaderOnly: c.leaderOnly, endsAt: c.endsAt };
}

/**
 * Open groups a shopper could join: with at least one paid member, before the deadline, not
 * full; leader-only groups only for shoppers of the same pickup point. Fullest first.
 */
export async function listOpenGroups(ctx: AppContext, filter: { productId?: string; pickupPointId: string | null; limit?: number }, now = Date.now()) {
  const rows = await ctx.db
    .select({
      id: groupDeals.id,
      productId: groupDeals.productId,
      tiers: groupDeals.tiers,
      capacity: groupDeals.capacity,
      paidCount: groupDeals.paidCount,
      deadlineAt: groupDeals.deadlineAt,
      starterName: users.displayName,
      starterAvatar: users.avatarUrl,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      image: sql<string | null>`(SELECT i.r2_key FROM product_images i WHERE i.product_id = ${groupDeals.productId} ORDER BY i.sort LIMIT 1)`,
    })
    .from(groupDeals)
    .innerJoin(users, eq(users.id, groupDeals.starterUserId))
    .innerJoin(products, eq(products.id, groupDeals.productId))
    .where(
      and(
        eq(groupDeals.status, "open"),
        gt(groupDeals.deadlineAt, now),
        gt(groupDeals.paidCount, 0),
        sql`${groupDeals.paidCount} < ${groupDeals.capacity}`,
        filter.productId ? eq(groupDeals.productId, filter.productId) : undefined,
        filter.pickupPointId ? sql`(${groupDeals.leaderOnly} = 0 OR ${groupDeals.pickupPointId} = ${filter.pickupPointId})` : eq(groupDeals.leaderOnly, false),
      ),
    )
    .orderBy(desc(groupDeals.paidCount), asc(groupDeals.deadlineAt))
    .limit(filter.limit ?? 5);
  return rows.map((r) => {
    const tiers = parseTiers(r.tiers);
    return {
      id: r.id,
      productId: r.productId,
      titleZh: r.titleZh,
      titleEn: r.titleEn,
      imageUrl: imageUrl(r.image),
      tiers,
      capacity: r.capacity,
      paidCount: r.paidCount,
      deadlineAt: r.deadlineAt,
      starterName: maskedName(r.starterName),
      starterAvatar: r.starterAvatar,
      next: nextTier(tiers, r.paidCount),
    };
  });
}

/** The shopper's groups, newest first, with their order, charge and refunds. */
export async function listMyGroups(ctx: AppContext, userId: string, locale: string, limit = 50) {
  const en = locale === "en";
  const rows = await ctx.db
    .select({
      groupId: groupDeals.id,
      status: groupDeals.status,
      tiers: groupDeals.tiers,
      capacity: groupDeals.capacity,
      paidCount: groupDeals.paidCount,
      deadlineAt: groupDeals.deadlineAt,
      finalUnitPriceFen: groupDeals.finalUnitPriceFen,
      reachedSize: groupDeals.reachedSize,
      memberStatus: groupDealMembers.status,
      quantity: groupDealMembers.quantity,
      joinedAt: groupDealMembers.joinedAt,
      orderId: orders.id,
      orderStatus: orders.status,
      paidFen: orders.paidFen,
      titleZh: products.titleZh,
      titleEn: products.titleEn,
      image: sql<string | null>`(SELECT i.r2_key FROM product_images i WHERE i.product_id = ${groupDeals.productId} ORDER BY i.sort LIMIT 1)`,
      refundedFen: sql<number>`(SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r WHERE r.order_id = ${orders.id} AND r.kind IN ('group_failed', 'group_price_difference') AND r.status = 'succeeded')`,
      refundPendingFen: sql<number>`(SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r WHERE r.order_id = ${orders.id} AND r.kind IN ('group_failed', 'group_price_difference') AND r.status <> 'succeeded')`,
    })
    .from(groupDealMembers)
    .innerJoin(groupDeals, eq(groupDeals.id, groupDealMembers.groupId))
    .innerJoin(orders, eq(orders.id, groupDealMembers.orderId))
    .innerJoin(products, eq(products.id, groupDeals.productId))
    .where(eq(groupDealMembers.userId, userId))
    .orderBy(desc(groupDealMembers.joinedAt))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    title: en ? r.titleEn : r.titleZh,
    imageUrl: imageUrl(r.image),
    tiers: parseTiers(r.tiers),
    refundedFen: Number(r.refundedFen),
    refundPendingFen: Number(r.refundPendingFen),
    finalChargeFen: r.memberStatus !== "paid" ? null : r.status === "succeeded" ? r.finalUnitPriceFen! * r.quantity : r.status === "failed" ? 0 : null,
  }));
}

/** Member ids of a group whose orders are paid (for notices after the close). */
export async function paidMemberOrders(ctx: AppContext, groupId: string) {
  return ctx.db
    .select({ orderId: groupDealMembers.orderId, userId: groupDealMembers.userId })
    .from(groupDealMembers)
    .where(and(eq(groupDealMembers.groupId, groupId), eq(groupDealMembers.status, "paid")));
}
