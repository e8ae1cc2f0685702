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
