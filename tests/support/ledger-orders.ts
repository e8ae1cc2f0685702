import type { TestWorker } from "./worker";

/**
 * Orders written straight into D1 for the settlement tests: a consistent order (lines of one or
 * more merchants, the order's totals, a `rates` snapshot, a timeline ending in its status), its
 * sandbox payment and the refunds that its lines' refunded amounts came from, all succeeded — so
 * the reconciliation (payments − refunds = the ledger) holds for them. Pickup, the after-sales
 * window and completion cannot be reached in seconds through the flows, which is why they are
 * written here; everything after (settlement, refunds after it, withdrawals) runs for real.
 */
export interface LedgerOrderLine {
  skuId: string;
  productId: string;
  merchantId: string;
  categoryId: string;
  payableFen: number;
  refundedFen?: number;
}

export interface LedgerOrderSpec {
  id: string;
  userId: string;
  pointId: string;
  status: "picked_up" | "completed" | "refunded" | "ready_for_pickup";
  createdAt: number;
  pickedUpAt?: number | null;
  completedAt?: number | null;
  rates: { platformFeeBp: number; leaderCommissionBp: number; afterSalesWindowDays?: number };
  lines: LedgerOrderLine[];
  /** The kind of the refund row each refunded line came from (default after_sales). */
  refundKind?: "after_sales" | "shortage" | "uncollected";
}

const TIMELINE: Record<LedgerOrderSpec["status"], Array<[string, string | null, string]>> = {
  ready_for_pickup: [
    ["pay", null, "paid"],
    ["cut_off", "paid", "confirmed"],
    ["ship", "confirmed", "shipped"],
    ["arrive", "shipped", "ready_for_pickup"],
  ],
  picked_up: [],
  completed: [],
  refunded: [],
};
TIMELINE.picked_up = [...TIMELINE.ready_for_pickup, ["pick_up", "ready_for_pickup", "picked_up"]];
TIMELINE.completed = [...TIMELINE.picked_up, ["complete", "picked_up", "completed"]];
TIMELINE.refunded = [...TIMELINE.ready_for_pickup, ["request_refund", "ready_for_pickup", "refunding"], ["refund_succeeded", "refunding", "refunded"]];

export function ledgerOrderStatements(worker: TestWorker, o: LedgerOrderSpec): D1PreparedStatement[] {
  const d1 = worker.d1;
  const payable = o.lines.reduce((s, l) => s + l.payableFen, 0);
  const refunded = o.lines.reduce((s, l) => s + (l.refundedFen ?? 0), 0);
  const key = o.id.slice(4);
  const stmts = [
    d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, refunded_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, picked_up_at, completed_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, '{}', 1, ?, 'x', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(o.id, o.userId, o.pointId, o.status, payable, payable, payable, refunded, JSON.stringify(o.rates), `h_${o.id}`, o.createdAt + 1_800_000, o.createdAt + 1000, o.pickedUpAt ?? null, o.completedAt ?? null, o.createdAt, o.completedAt ?? o.pickedUpAt ?? o.createdAt),
    ...TIMELINE[o.status].map(([event, from, to], i) =>
      d1
        .prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, ?, ?, ?, 'system', ?)")
        .bind(`oev_${key.slice(0, 16)}e${String(i).padStart(3, "0")}`, o.id, event, from, to, o.createdAt + (i + 1) * 1000),
    ),
    ...o.lines.map((l, i) =>
      d1
        .prepare(
          `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen, refunded_fen, refunded_qty, picked_up_qty)
           VALUES (?, ?, ?, ?, ?, ?, '测试商品', '默认', 1, ?, ?, 0, ?, ?, ?, ?)`,
        )
        .bind(`oli_${key.slice(0, 16)}l${String(i).padStart(3, "0")}`, o.id, l.skuId, l.productId, l.merchantId, l.categoryId, l.payableFen, l.payableFen, l.payableFen, l.refundedFen ?? 0, l.refundedFen ? 1 : 0, o.status === "picked_up" || o.status === "completed" ? 1 : 0),
    ),
    d1
      .prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at) VALUES (?, ?, 'sandbox', ?, 'succeeded', ?, ?, ?, ?)")
      .bind(`pay_${key}`, o.id, payable, `sbx_${key}`, o.createdAt, o.createdAt + 1000, o.createdAt + 1_800_000),
  ];
  o.lines.forEach((l, i) => {
    if (!l.refundedFen) return;
    stmts.push(
      d1
        .prepare(
          `INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, lines, status, provider_refund_no, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'test', ?, 'succeeded', ?, ?, ?)`,
        )
        .bind(`rfd_${key.slice(0, 16)}r${String(i).padStart(3, "0")}`, o.id, `pay_${key}`, o.refundKind ?? "after_sales", l.refundedFen, JSON.stringify([{ lineId: `oli_${key.slice(0, 16)}l${String(i).padStart(3, "0")}`, quantity: 1, amountFen: l.refundedFen }]), `sbx_r_${key}_${i}`, o.createdAt + 5000, o.createdAt + 6000),
    );
  });
  return stmts;
}

export async function insertLedgerOrders(worker: TestWorker, orders: readonly LedgerOrderSpec[]): Promise<void> {
  for (let i = 0; i < orders.length; i += 20) await worker.d1.batch(orders.slice(i, i + 20).flatMap((o) => ledgerOrderStatements(worker, o)));
}

/** Ledger balance (credit − debit) per account over the given orders' entries. */
export async function ledgerByAccount(worker: TestWorker, orderIds: readonly string[]): Promise<Record<string, number>> {
  const rows = (
    await worker.d1
      .prepare(`SELECT account, sum(credit_fen) - sum(debit_fen) AS balance FROM ledger_entries WHERE order_id IN (SELECT value FROM json_each(?)) GROUP BY account`)
      .bind(JSON.stringify(orderIds))
      .all<{ account: string; balance: number }>()
  ).results;
  return Object.fromEntries(rows.filter((r) => Number(r.balance) !== 0).map((r) => [r.account, Number(r.balance)]));
}

const FRUIT = "mch_demofruit00000000000";
const BABY = "mch_demobaby000000000000";

/**
 * Many settleable orders at once, for the fault test and the settlement bench: order i (1..count)
 * is bought by one of count / 10 shoppers made for it (ten orders each, as a busy neighbourhood
 * would have), belongs to 阳光花园 when even, 翠湖 when odd, has a 鲜果坊 line of `fruitFen(i)` and, every third
 * order, a 宝宝优选 line of `babyFen(i)`; it was picked up at `pickedUpAt` (its timeline ends
 * there), paid in full through the sandbox, at fee 5% and commission 10% with a 7-day window.
 * Written by five statements over a recursive sequence, whatever the count.
 */
export const BULK = {
  fruitFen: (i: number) => 100 + ((i * 37) % 9900),
  babyFen: (i: number) => (i % 3 === 0 ? 500 + ((i * 53) % 5000) : 0),
  orderId: (prefix: string, i: number) => `ord_${prefix}${String(i).padStart(20 - prefix.length, "0")}`,
  fruit: FRUIT,
  baby: BABY,
};

export async function insertBulkOrders(d1: D1Database, opts: { count: number; prefix: string; pickedUpAt: number }): Promise<void> {
  const sku = async (merchantId: string) =>
    (await d1
      .prepare("SELECT s.id AS sku, p.id AS product, p.category_id AS category FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = ? ORDER BY s.id LIMIT 1")
      .bind(merchantId)
      .first<{ sku: string; product: string; category: string }>())!;
  const [fruit, baby] = await Promise.all([sku(FRUIT), sku(BABY)]);
  const created = opts.pickedUpAt - 2 * 24 * 60 * 60 * 1000;
  const rates = JSON.stringify({ platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 });
  const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${opts.count})`;
  const f = "(100 + ((i * 37) % 9900))";
  const b = "(CASE WHEN i % 3 = 0 THEN 500 + ((i * 53) % 5000) ELSE 0 END)";
  const width = 20 - opts.prefix.length;
  const id = `'ord_${opts.prefix}' || printf('%0${width}d', i)`;
  const child = (kind: string) => `'${kind}_${opts.prefix}' || printf('%0${width}d', i)`;
  const shoppers = Math.max(1, Math.ceil(opts.count / 10));
  const shopper = (i: string) => `'usr_${opts.prefix}' || printf('%0${width}d', ${i})`;
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO users (id, display_name, locale, status, created_at, updated_at)
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${shoppers}) SELECT ${shopper("i")}, '团员' || i, 'zh-CN', 'active', ?, ? FROM seq`,
      )
      .bind(created, created),
    d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, refunded_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, picked_up_at, created_at, updated_at)
         ${seq} SELECT ${id}, ${shopper(`(i % ${shoppers}) + 1`)}, CASE WHEN i % 2 = 0 THEN 'pkp_demosunshine00000000' ELSE 'pkp_demolakeside00000000' END, 'picked_up', ${f} + ${b}, 0, ${f} + ${b}, ${f} + ${b}, 0, '{}', 1, ?, 'x', 'bulk_${opts.prefix}_' || i, ?, ?, ?, ?, ? FROM seq`,
      )
      .bind(rates, created + 1_800_000, created + 1000, opts.pickedUpAt, created, opts.pickedUpAt),
    d1
      .prepare(
        `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen, picked_up_qty)
         ${seq} SELECT ${child("olf")}, ${id}, ?, ?, '${FRUIT}', ?, '测试', '默认', 1, ${f}, ${f}, 0, ${f}, 1 FROM seq`,
      )
      .bind(fruit.sku, fruit.product, fruit.category),
    d1
      .prepare(
        `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen, picked_up_qty)
         ${seq} SELECT ${child("olb")}, ${id}, ?, ?, '${BABY}', ?, '测试', '默认', 1, ${b}, ${b}, 0, ${b}, 1 FROM seq WHERE i % 3 = 0`,
      )
      .bind(baby.sku, baby.product, baby.category),
    // The end of each order's timeline (the settlement appends "complete" after it).
    d1.prepare(`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) ${seq} SELECT ${child("oev")}, ${id}, 'pick_up', NULL, 'picked_up', 'leader', ? FROM seq`).bind(opts.pickedUpAt),
    d1
      .prepare(
        `INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at)
         ${seq} SELECT ${child("pay")}, ${id}, 'sandbox', ${f} + ${b}, 'succeeded', 'sbx_${opts.prefix}_' || i, ?, ?, ? FROM seq`,
      )
      .bind(created, created + 1000, created + 1_800_000),
  ]);
}
