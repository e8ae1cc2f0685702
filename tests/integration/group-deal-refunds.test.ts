import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakePaymentProviders, type FakePaymentProviders } from "../support/fake-payment-providers";
import { startWorker, type TestWorker } from "../support/worker";

/**
 * Group-deal refunds through WeChat Pay v3 (the local stand-in checks every signature): refunds the
 * bank takes time over (PROCESSING) complete on WeChat's refund notification, which WeChat repeats
 * until it reads a 2xx — and however often it comes, and whatever the completion cron does
 * meanwhile, each member is refunded once, to the fen (issue 7, ADR 017 rule 6).
 */
let worker: TestWorker;
let fake: FakePaymentProviders;
beforeAll(async () => {
  fake = await startFakePaymentProviders();
  worker = await startWorker({ vars: fake.vars() });
});
afterAll(async () => {
  await worker?.dispose();
  await fake?.close();
});
afterEach(() => {
  fake.wechat.refundStatus = "SUCCESS";
  worker.expectNoServerErrors();
});

const APPLE_SKU = "sku_demoapple00000000001";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;

let seq = 0;
async function shoppers(n: number) {
  const now = Date.now();
  const made = Array.from({ length: n }, () => {
    const k = ++seq;
    return { id: `usr_gdrefund${String(k).padStart(12, "0")}`, token: `gd-refund-token-${k}-${"y".repeat(24)}` };
  });
  await worker.d1.batch(
    made.flatMap((u) => [
      worker.d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, '拼友', 'zh-CN', 'active', ?, ?)").bind(u.id, now, now),
      worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'bearer')").bind(sha256(u.token), u.id, Math.floor(now / 1000) + 86_400, now),
      worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, 'pkp_demosunshine00000000', 'chosen', ?)").bind(u.id, now),
    ]),
  );
  return made;
}

async function campaign(id: string, tiers: Array<{ size: number; unitPriceFen: number }>, endsAt: number) {
  const now = Date.now();
  await worker.d1
    .prepare(
      `INSERT INTO group_deal_campaigns (id, merchant_id, product_id, sku_id, tiers, duration_minutes, per_user_limit, starts_at, ends_at, leader_only, status, created_by, created_at, updated_at)
       VALUES (?, 'mch_demofruit00000000000', 'prd_demoapple00000000000', ?, ?, 1440, 5, ?, ?, 0, 'approved', 'usr_demomerchant01000000', ?, ?)`,
    )
    .bind(id, APPLE_SKU, JSON.stringify(tiers), now - 60_000, endsAt, now, now)
    .run();
}

function api(path: string, token: string, body?: unknown) {
  return worker.fetch(`/api/v1${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "CF-Connecting-IP": "203.0.113.91", Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const json = async <T>(res: Response) => (await res.json()) as T;
const notify = (n: { headers: Record<string, string>; body: string }) => worker.fetch("/api/v1/payments/notify/wechat", { method: "POST", headers: n.headers, body: n.body });

/** Pays a member's order through WeChat Pay: the payment is started, WeChat posts its notification. */
async function payWithWechat(token: string, orderId: string) {
  const started = await api(`/orders/${orderId}/payments`, token, { provider: "wechat" });
  expect(started.status).toBe(201);
  const { paymentId } = await json<{ paymentId: string }>(started);
  const { payable_fen } = await one<{ payable_fen: number }>("SELECT payable_fen FROM orders WHERE id = ?", orderId);
  expect((await notify(fake.wechat.notification({ outTradeNo: paymentId, totalFen: payable_fen }))).status).toBe(204);
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("group-deal refunds through WeChat Pay", () => {
  it("tier differences left PROCESSING complete once, however often WeChat repeats its notification", async () => {
    await campaign("gdc_refundtier0000000000", [{ size: 2, unitPriceFen: 2790 }, { size: 3, unitPriceFen: 2490 }], Date.now() + 86_400_000);
    fake.wechat.refundStatus = "PROCESSING";
    const members = await shoppers(3);
    const started = await json<{ groupId: string; orderId: string }>(await api("/group-deals", members[0]!.token, { campaignId: "gdc_refundtier0000000000", quantity: 2 }));
    const orders = [started.orderId];
    await payWithWechat(members[0]!.token, started.orderId);
    for (const m of members.slice(1)) {
      const joined = await json<{ orderId: string }>(await api(`/group-deals/${started.groupId}/join`, m.token, { quantity: 1 }));
      orders.push(joined.orderId);
      await payWithWechat(m.token, joined.orderId);
    }
    // The third payment filled the group: closed at 3 people, each refunded (27.90 − 24.90) × quantity, at WeChat still PROCESSING.
    const group = await waitFor(() => one<{ status: string; final_unit_price_fen: number }>("SELECT status, final_unit_price_fen FROM group_deals WHERE id = ?", started.groupId), (g) => g.status !== "open");
    expect(group).toEqual({ status: "succeeded", final_unit_price_fen: 2490 });
    const refunds = await all<{ id: string; order_id: string; amount_fen: number; status: string }>(
      "SELECT id, order_id, amount_fen, status FROM refunds WHERE order_id IN (SELECT order_id FROM group_deal_members WHERE group_id = ?) ORDER BY order_id",
      started.groupId,
    );
    expect(refunds.map((r) => r.status)).toEqual(["processing", "processing", "processing"]);
    expect(refunds.map((r) => r.amount_fen).sort((a, b) => a - b)).toEqual([300, 300, 600]);
    for (const r of refunds) expect(fake.wechat.refunds.get(r.id)?.status).toBe("PROCESSING");

    // The bank finishes; WeChat notifies, and notifies again (same bytes, then freshly signed), with the completion cron in between.
    for (const r of refunds) {
      fake.wechat.setRefundStatus(r.id, "SUCCESS");
      const n = fake.wechat.refundNotification({ outRefundNo: r.id });
      expect((await notify(n)).status).toBe(204);
      await worker.scheduled("*/5 * * * *", Date.now() + 10 * 60_000);
      expect((await notify(n)).status).toBe(204);
      expect((await notify(fake.wechat.refundNotification({ outRefundNo: r.id }))).status).toBe(204);
    }
    const after = await all<{ id: string; paid_fen: number; refunded_fen: number; status: string; quantity: number; refunds: number }>(
      `SELECT o.id, o.paid_fen, o.refunded_fen, o.status, m.quantity, (SELECT count(*) FROM refunds r WHERE r.order_id = o.id) AS refunds
       FROM orders o JOIN group_deal_members m ON m.order_id = o.id WHERE m.group_id = ?`,
      started.groupId,
    );
    expect(after).toHaveLength(3);
    for (const o of after) {
      expect(o.status).toBe("paid");
      expect(o.refunds).toBe(1);
      expect(o.paid_fen - o.refunded_fen).toBe(2490 * o.quantity);
    }
    // WeChat was asked for each refund once (the same out_refund_no every time it would be retried).
    expect(refunds.every((r) => fake.wechat.refunds.has(r.id))).toBe(true);
  });

  it("a failed group's full refunds complete once and each order ends refunded once", async () => {
    await campaign("gdc_refundfail0000000000", [{ size: 3, unitPriceFen: 2590 }], Date.now() + 3_000);
    fake.wechat.refundStatus = "PROCESSING";
    const [a, b] = await shoppers(2);
    const started = await json<{ groupId: string; orderId: string }>(await api("/group-deals", a!.token, { campaignId: "gdc_refundfail0000000000", quantity: 1 }));
    await payWithWechat(a!.token, started.orderId);
    const joined = await json<{ orderId: string }>(await api(`/group-deals/${started.groupId}/join`, b!.token, { quantity: 2 }));
    await payWithWechat(b!.token, joined.orderId);
    // Two of three at the deadline: the room's alarm fails the group.
    await waitFor(() => one<{ status: string }>("SELECT status FROM group_deals WHERE id = ?", started.groupId), (g) => g.status === "failed");
    const refunds = await waitFor(
      () => all<{ id: string; order_id: string; amount_fen: number; status: string }>("SELECT id, order_id, amount_fen, status FROM refunds WHERE order_id IN (?, ?) ORDER BY amount_fen", started.orderId, joined.orderId),
      (rs) => rs.length === 2 && rs.every((r) => r.status === "processing"),
    );
    expect(refunds.map((r) => [r.amount_fen, r.status])).toEqual([
      [2590, "processing"],
      [5180, "processing"],
    ]);
    for (const r of refunds) {
      fake.wechat.setRefundStatus(r.id, "SUCCESS");
      const n = fake.wechat.refundNotification({ outRefundNo: r.id });
      for (let i = 0; i < 3; i++) expect((await notify(n)).status).toBe(204);
    }
    for (const orderId of [started.orderId, joined.orderId]) {
      const o = await one<{ status: string; paid_fen: number; refunded_fen: number }>("SELECT status, paid_fen, refunded_fen FROM orders WHERE id = ?", orderId);
      expect(o.status).toBe("refunded");
      expect(o.refunded_fen).toBe(o.paid_fen);
      const events = await all<{ event: string }>("SELECT event FROM order_events WHERE order_id = ? ORDER BY rowid", orderId);
      expect(events.map((e) => e.event)).toEqual(["place", "pay_group", "group_failed", "refund_succeeded"]);
    }
  });
});
