import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import type { BatchStatement } from "~/db/raw-batch.server";
import { decryptField } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { couponGrantSql } from "~/modules/coupons/grant.server";
import { expiryOf } from "~/modules/membership/points";
import { pushNotices, type Notice } from "~/modules/notifications/notify.server";
import { deliveryAddressText } from "~/modules/orders/fulfilment";
import { getSettings } from "~/modules/settings/settings.server";
import { maskName, rewardKey, sameCluster, shanghaiDayStart, staticRefusal, type DeviceSighting } from "./rules";

/**
 * The share reward, decided when the friend's order is picked up (ADR 023): the statements below go
 * into the hand-over's ONE batch (app/modules/leaders/handover.server.ts), after the statements that
 * close the order, so the reward is written exactly when — and only if — that batch picks the order
 * up: a paid-then-cancelled order never reaches it, a replayed or lost hand-over writes nothing.
 *
 * What is decided before the batch (it does not move in the few milliseconds between): who the
 * sharer and the buyer are and whether they are one person (self, device cluster, phone, address).
 * What is decided inside it, where it is exact under concurrency (D1 runs a batch as one
 * transaction, one at a time): once per (sharer, buyer, period), and the sharer's daily cap.
 */

/** How many hops through shared devices the cluster check follows (user → device → user counts one). */
const CLUSTER_HOPS = 3;
const CLUSTER_ROWS_MAX = 500;

/** Every device sighting within `CLUSTER_HOPS` of the buyer (enough to link the sharer if they are linked). */
async function clusterSightings(ctx: AppContext, buyerUserId: string): Promise<DeviceSighting[]> {
  const rows: DeviceSighting[] = [];
  let users = [buyerUserId];
  const seenUsers = new Set(users);
  const seenDevices = new Set<string>();
  for (let hop = 0; hop < CLUSTER_HOPS && users.length && rows.length < CLUSTER_ROWS_MAX; hop++) {
    const found = await ctx.db.all<{ device_hash: string; user_id: string }>(
      sql`SELECT d2.device_hash, d2.user_id FROM user_devices d1 JOIN user_devices d2 ON d2.device_hash = d1.device_hash
        WHERE d1.user_id IN (SELECT value FROM json_each(${JSON.stringify(users)})) LIMIT ${CLUSTER_ROWS_MAX}`,
    );
    const next: string[] = [];
    for (const r of found) {
      rows.push({ deviceHash: r.device_hash, userId: r.user_id });
      seenDevices.add(r.device_hash);
      if (!seenUsers.has(r.user_id)) {
        seenUsers.add(r.user_id);
        next.push(r.user_id);
      }
    }
    users = next;
  }
  return rows;
}

interface OrderFacts {
  user_id: string;
  sharer_user_id: string | null;
  fulfilment: string;
  delivery_phone_enc: string | null;
  delivery_address_enc: string | null;
  buyer_name: string;
  buyer_phone_enc: string | null;
  sharer_phone_enc: string | null;
}

/**
 * The statements that decide and give the share reward of `orderId` if the hand-over `handoverId`
 * (in the same batch, before these) picks it up: none when the order names no sharer.
 */
export async function shareRewardStatements(ctx: AppContext, input: { orderId: string; handoverId: string }, now = Date.now()): Promise<BatchStatement[]> {
  const [order] = await ctx.db.all<OrderFacts>(
    sql`SELECT o.user_id, o.sharer_user_id, o.fulfilment, o.delivery_phone_enc, o.delivery_address_enc,
        b.display_name AS buyer_name, b.phone_enc AS buyer_phone_enc, s.phone_enc AS sharer_phone_enc
      FROM orders o JOIN users b ON b.id = o.user_id LEFT JOIN users s ON s.id = o.sharer_user_id
      WHERE o.id = ${input.orderId}`,
  );
  if (!order?.sharer_user_id) return [];
  const sharer = order.sharer_user_id;
  const buyer = order.user_id;
  const { "share.reward": reward } = await getSettings(ctx, ["share.reward"]);
  const decrypt = (field: "phone" | "address", value: string | null) => (value ? decryptField(ctx.env, field, value) : Promise.resolve(null));

  let reason = sharer === buyer ? staticRefusal({ sharerUserId: sharer, buyerUserId: buyer, sameDevice: false, sharerPhones: [], buyerPhones: [], sharerAddresses: [], orderAddress: null }) : null;
  if (!reason) {
    const [sightings, sharerAddresses, buyerPhone, sharerPhone, orderPhone, orderAddress] = await Promise.all([
      clusterSightings(ctx, buyer),
      ctx.db.all<{ phone_enc: string; region: string; detail_enc: string }>(sql`SELECT phone_enc, region, detail_enc FROM addresses WHERE user_id = ${sharer} LIMIT 50`),
      decrypt("phone", order.buyer_phone_enc),
      decrypt("phone", order.sharer_phone_enc),
      order.fulfilment === "door" ? decrypt("phone", order.delivery_phone_enc) : Promise.resolve(null),
      order.fulfilment === "door" ? decrypt("address", order.delivery_address_enc) : Promise.resolve(null),
    ]);
    const saved = await Promise.all(
      sharerAddresses.map(async (a) => ({ phone: await decryptField(ctx.env, "phone", a.phone_enc), address: deliveryAddressText({ region: a.region, detail: await decryptField(ctx.env, "address", a.detail_enc) }) })),
    );
    reason = staticRefusal({
      sharerUserId: sharer,
      buyerUserId: buyer,
      sameDevice: sameCluster(sightings, sharer, buyer),
      sharerPhones: [sharerPhone, ...saved.map((s) => s.phone)].filter((p): p is string => !!p),
      buyerPhones: [buyerPhone, orderPhone].filter((p): p is string => !!p),
      sharerAddresses: saved.map((s) => s.address),
      orderAddress,
    });
  }

  const key = rewardKey(sharer, buyer, now, reward.periodDays);
  const day = shanghaiDayStart(now);
  const { orderId, handoverId } = input;
  const couponTemplate = reward.kind === "coupon" ? reward.couponTemplateId : null;
  const kind = couponTemplate ? "coupon" : "points";
  const couponDue = sql`EXISTS (SELECT 1 FROM share_conversions WHERE order_id = ${orderId} AND status = 'rewarded' AND reward_kind = 'coupon')`;
  const statements: BatchStatement[] = [
    sql`INSERT INTO share_conversions (id, order_id, sharer_user_id, buyer_user_id, status, reason, reward_key, reward_kind, points, day, created_at)
      SELECT ${newId("scv")}, ${orderId}, ${sharer}, ${buyer}, CASE WHEN d.reason IS NULL THEN 'rewarded' ELSE 'refused' END, d.reason, ${key},
        CASE WHEN d.reason IS NULL THEN ${kind} END, CASE WHEN d.reason IS NULL THEN ${reward.points} END, ${day}, ${now}
      FROM (SELECT CASE
          WHEN ${reason} IS NOT NULL THEN ${reason}
          WHEN EXISTS (SELECT 1 FROM share_conversions WHERE reward_key = ${key} AND status = 'rewarded') THEN 'period_repeat'
          WHEN (SELECT count(*) FROM share_conversions WHERE sharer_user_id = ${sharer} AND day = ${day} AND status = 'rewarded') >= ${reward.dailyCapPerSharer} THEN 'daily_cap'
        END AS reason) d
      WHERE EXISTS (SELECT 1 FROM order_events WHERE order_id = ${orderId} AND event = 'pick_up' AND note = ${handoverId})
      ON CONFLICT (order_id) DO NOTHING`,
  ];
  if (couponTemplate) {
    statements.push(
      couponGrantSql({ templateId: couponTemplate, userId: sharer, source: "share_reward", now, grantKey: key, onlyIf: couponDue }),
      // Issued: the conversion names the coupon. Not issued (ended, paused, sold out, the sharer's
      // per-user limit): the points instead, and the conversion says so.
      sql`UPDATE share_conversions SET user_coupon_id = (SELECT id FROM user_coupons WHERE grant_key = ${key}), points = NULL
        WHERE order_id = ${orderId} AND status = 'rewarded' AND reward_kind = 'coupon' AND EXISTS (SELECT 1 FROM user_coupons WHERE grant_key = ${key})`,
      sql`UPDATE share_conversions SET reward_kind = 'points', coupon_fallback = 1
        WHERE order_id = ${orderId} AND status = 'rewarded' AND reward_kind = 'coupon' AND user_coupon_id IS NULL`,
    );
  }
  statements.push(
    sql`INSERT INTO points_entries (id, user_id, kind, points, key, order_id, expires_at, created_at)
      SELECT ${newId("pnt")}, sharer_user_id, 'share_reward', points, reward_key, NULL, ${expiryOf(now)}, ${now}
      FROM share_conversions WHERE order_id = ${orderId} AND status = 'rewarded' AND reward_kind = 'points'
      ON CONFLICT (key) DO NOTHING`,
    sql`INSERT INTO notifications (id, user_id, kind, data, link, created_at)
      SELECT ${newId("ntf")}, sharer_user_id, CASE WHEN coupon_fallback = 1 THEN 'share.reward_fallback' ELSE 'share.reward_' || reward_kind END,
        json_object('friend', ${maskName(order.buyer_name)}, 'points', coalesce(points, 0)), '/me/shares', ${now}
      FROM share_conversions WHERE order_id = ${orderId} AND status = 'rewarded'`,
  );
  return statements;
}

/** After the hand-over's batch: the Web Push of the sharer's inbox notice, if this pickup rewarded them. */
export async function pushShareReward(ctx: AppContext, orderId: string): Promise<void> {
  const [row] = await ctx.db.all<{ sharer_user_id: string; reward_kind: string; points: number | null; coupon_fallback: number; buyer_name: string }>(
    sql`SELECT c.sharer_user_id, c.reward_kind, c.points, c.coupon_fallback, u.display_name AS buyer_name
      FROM share_conversions c JOIN users u ON u.id = c.buyer_user_id WHERE c.order_id = ${orderId} AND c.status = 'rewarded'`,
  );
  if (!row) return;
  const notice: Notice = {
    userId: row.sharer_user_id,
    kind: Number(row.coupon_fallback) === 1 ? "share.reward_fallback" : `share.reward_${row.reward_kind}`,
    data: { friend: maskName(row.buyer_name), points: Number(row.points ?? 0) },
    link: "/me/shares",
  };
  pushNotices(ctx, [notice]);
}
