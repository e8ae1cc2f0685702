import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { readBatch } from "~/db/raw-batch.server";
import { decryptField, maskPhone } from "~/lib/field-crypto.server";
import { businessDateOf, deliveryDateFor } from "~/modules/fulfilment/business-date";
import { getSettings } from "~/modules/settings/settings.server";
import { historyDates, nextCutoff } from "./today";

export interface TodayProductTotal {
  skuId: string;
  title: string;
  spec: string;
  quantity: number;
}

export interface AwaitingCustomer {
  orderId: string;
  customerName: string;
  phoneMasked: string | null;
  /** The full number, for the leader's tap-to-call link only. */
  phone: string | null;
  door: boolean;
  /** The door-delivery address (door orders only: the leader takes them there). */
  address: string | null;
  readySince: number;
  lines: Array<{ title: string; spec: string; remaining: number }>;
}

export interface LeaderToday {
  now: number;
  cycle: {
    /** `current`: paid orders not locked yet, closing at `cutoffAt`; `past`: what the cut-off of `businessDate` locked. */
    kind: "current" | "past";
    businessDate: string;
    deliveryDate: string;
    cutoffAt: number;
  };
  counts: { orders: number; items: number; awaitingPickup: number; collected: number };
  products: TodayProductTotal[];
  awaiting: AwaitingCustomer[];
  /** The days the history offers (newest first); the current cycle's date is not among them. */
  dates: string[];
}

interface AwaitingRow {
  id: string;
  fulfilment: string;
  delivery_recipient: string | null;
  delivery_phone_enc: string | null;
  delivery_address_enc: string | null;
  display_name: string;
  phone_enc: string | null;
  ready_since: number | null;
  updated_at: number;
}

interface AwaitingLineRow {
  order_id: string;
  title: string;
  spec: string;
  remaining: number;
}

/**
 * The leader's Today: for the current cycle (no `date`, or the date of the next cut-off) the
 * point's paid orders not locked yet, their per-product totals and the cut-off they close at;
 * for a past day D (one of the last 14, Asia/Shanghai) what D's cut-off locked for this point.
 * Either way, the customers who have not collected yet (every order waiting at the point for the
 * current cycle; that day's for a past one), oldest first. Only `pickupPointId`'s orders are read.
 */
export async function getLeaderToday(ctx: AppContext, pickupPointId: string, opts: { date?: string; now?: number } = {}): Promise<LeaderToday> {
  const now = opts.now ?? Date.now();
  const today = businessDateOf(now);
  const [{ "order.cutoff_time": time }, [ran]] = await Promise.all([
    getSettings(ctx, ["order.cutoff_time"]),
    ctx.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM cutoff_runs WHERE delivery_date = ${deliveryDateFor(today)}`),
  ]);
  const next = nextCutoff(now, time, Number(ran?.n ?? 0) > 0);
  const dates = historyDates(now).filter((d) => d !== next.businessDate);
  const current = !opts.date || opts.date === next.businessDate;

  if (current) {
    const [counts, products, awaiting, lines, waitingCount] = await readBatch<[{ orders: number; items: number }, ProductRow, AwaitingRow, AwaitingLineRow, { n: number }]>(ctx, [
      sql`SELECT count(DISTINCT o.id) AS orders, coalesce(sum(l.quantity - l.refunded_qty), 0) AS items
        FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.pickup_point_id = ${pickupPointId} AND o.status = 'paid'`,
      sql`SELECT l.sku_id, min(l.title) AS title, min(l.spec) AS spec, sum(l.quantity - l.refunded_qty) AS quantity
        FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.pickup_point_id = ${pickupPointId} AND o.status = 'paid'
        GROUP BY l.sku_id HAVING sum(l.quantity - l.refunded_qty) > 0 ORDER BY quantity DESC, title`,
      awaitingSql(sql`o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup'`),
      awaitingLinesSql(sql`o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup'`),
      sql`SELECT count(*) AS n FROM orders o WHERE o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup'`,
    ]);
    return {
      now,
      cycle: { kind: "current", businessDate: next.businessDate, deliveryDate: deliveryDateFor(next.businessDate), cutoffAt: next.cutoffAt },
      counts: { orders: Number(counts[0]?.orders ?? 0), items: Number(counts[0]?.items ?? 0), awaitingPickup: Number(waitingCount[0]?.n ?? 0), collected: 0 },
      products: products.map(productTotal),
      awaiting: await awaitingCustomers(ctx, awaiting, lines),
      dates,
    };
  }

  // A past day: the orders its cut-off locked into this point's batches (delivered the next day).
  const date = opts.date!;
  const deliveryDate = deliveryDateFor(date);
  const inCycle = sql`o.id IN (SELECT dl.order_id FROM delivery_batch_lines dl JOIN delivery_batches b ON b.id = dl.batch_id
    WHERE b.pickup_point_id = ${pickupPointId} AND b.delivery_date = ${deliveryDate})`;
  const [counts, products, awaiting, lines, cutoff] = await readBatch<
    [{ orders: number; awaiting: number; collected: number }, ProductRow, AwaitingRow, AwaitingLineRow, { cutoff_at: number | null; items: number }]
  >(ctx, [
    sql`SELECT count(*) AS orders, coalesce(sum(o.status = 'ready_for_pickup'), 0) AS awaiting, coalesce(sum(o.status IN ('picked_up', 'completed')), 0) AS collected
      FROM orders o WHERE o.pickup_point_id = ${pickupPointId} AND ${inCycle}`,
    sql`SELECT dl.sku_id, min(l.title) AS title, min(l.spec) AS spec, sum(dl.quantity - dl.shortage_qty) AS quantity
      FROM delivery_batch_lines dl JOIN delivery_batches b ON b.id = dl.batch_id JOIN order_lines l ON l.id = dl.order_line_id
      WHERE b.pickup_point_id = ${pickupPointId} AND b.delivery_date = ${deliveryDate}
      GROUP BY dl.sku_id HAVING sum(dl.quantity - dl.shortage_qty) > 0 ORDER BY quantity DESC, title`,
    awaitingSql(sql`o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup' AND ${inCycle}`),
    awaitingLinesSql(sql`o.pickup_point_id = ${pickupPointId} AND o.status = 'ready_for_pickup' AND ${inCycle}`),
    sql`SELECT min(b.cutoff_at) AS cutoff_at, (SELECT coalesce(sum(dl.quantity - dl.shortage_qty), 0) FROM delivery_batch_lines dl JOIN delivery_batches b2 ON b2.id = dl.batch_id
        WHERE b2.pickup_point_id = ${pickupPointId} AND b2.delivery_date = ${deliveryDate}) AS items
      FROM delivery_batches b WHERE b.pickup_point_id = ${pickupPointId} AND b.delivery_date = ${deliveryDate}`,
  ]);
  return {
    now,
    cycle: { kind: "past", businessDate: date, deliveryDate, cutoffAt: Number(cutoff[0]?.cutoff_at ?? 0) || next.cutoffAt },
    counts: {
      orders: Number(counts[0]?.orders ?? 0),
      items: Number(cutoff[0]?.items ?? 0),
      awaitingPickup: Number(counts[0]?.awaiting ?? 0),
      collected: Number(counts[0]?.collected ?? 0),
    },
    products: products.map(productTotal),
    awaiting: await awaitingCustomers(ctx, awaiting, lines),
    dates,
  };
}

interface ProductRow {
  sku_id: string;
  title: string;
  spec: string;
  quantity: number;
}

const productTotal = (p: ProductRow): TodayProductTotal => ({ skuId: p.sku_id, title: p.title, spec: p.spec, quantity: Number(p.quantity) });

function awaitingSql(where: ReturnType<typeof sql>) {
  return sql`SELECT o.id, o.fulfilment, o.delivery_recipient, o.delivery_phone_enc, o.delivery_address_enc, o.updated_at, u.display_name, u.phone_enc,
      (SELECT max(e.created_at) FROM order_events e WHERE e.order_id = o.id AND e.event = 'arrive') AS ready_since
    FROM orders o JOIN users u ON u.id = o.user_id WHERE ${where} ORDER BY ready_since, o.id LIMIT 500`;
}

function awaitingLinesSql(where: ReturnType<typeof sql>) {
  return sql`SELECT l.order_id, l.title, l.spec, l.quantity - l.refunded_qty - l.picked_up_qty AS remaining
    FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE ${where} AND l.quantity - l.refunded_qty - l.picked_up_qty > 0 ORDER BY l.order_id, l.rowid`;
}

async function awaitingCustomers(ctx: AppContext, rows: AwaitingRow[], lines: AwaitingLineRow[]): Promise<AwaitingCustomer[]> {
  return Promise.all(
    rows.map(async (r) => {
      const door = r.fulfilment === "door";
      const phoneEnc = door && r.delivery_phone_enc ? r.delivery_phone_enc : r.phone_enc;
      const phone = phoneEnc ? await decryptField(ctx.env, "phone", phoneEnc) : null;
      return {
        orderId: r.id,
        customerName: door && r.delivery_recipient ? r.delivery_recipient : r.display_name,
        phoneMasked: phone ? maskPhone(phone) : null,
        phone,
        door,
        address: door && r.delivery_address_enc ? await decryptField(ctx.env, "address", r.delivery_address_enc) : null,
        readySince: Number(r.ready_since ?? r.updated_at),
        lines: lines.filter((l) => l.order_id === r.id).map((l) => ({ title: l.title, spec: l.spec, remaining: Number(l.remaining) })),
      };
    }),
  );
}
