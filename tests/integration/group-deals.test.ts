import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signSandboxNotification } from "../../app/modules/payments/providers";
import { startWorker, TEST_SANDBOX_SECRET, type TestWorker } from "../support/worker";

/**
 * Group deals (issue 7, ADR 017) against the built Worker: real D1, real GroupDealRoom Durable
 * Objects (SQLite storage, alarms, WebSockets) and the sandbox payment provider.
 */
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const APPLE_SKU = "sku_demoapple00000000001"; // ¥29.90, 鲜果坊
const APPLE = "prd_demoapple00000000000";
const FRUIT = "mch_demofruit00000000000";
const SUNSHINE = "pkp_demosunshine00000000";
const LAKESIDE = "pkp_demolakeside00000000";
const TIERS = [
  { size: 3, unitPriceFen: 2590 },
  { size: 5, unitPriceFen: 2290 },
];

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;

let campaignSeq = 0;
async function campaign(over: { tiers?: typeof TIERS; durationMinutes?: number; endsAt?: number; perUserLimit?: number; leaderOnly?: boolean } = {}) {
  const id = `gdc_test${String(++campaignSeq).padStart(16, "0")}`;
  const now = Date.now();
  await worker.d1
    .prepare(
      `INSERT INTO group_deal_campaigns (id, merchant_id, product_id, sku_id, tiers, duration_minutes, per_user_limit, starts_at, ends_at, leader_only, status, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'approved', 'usr_demomerchant01000000', ?, ?)`,
    )
    .bind(id, FRUIT, APPLE, APPLE_SKU, JSON.stringify(over.tiers ?? TIERS), over.durationMinutes ?? 24 * 60, over.perUserLimit ?? 2, now - 60_000, over.endsAt ?? now + 7 * 86_400_000, over.leaderOnly ? 1 : 0, now, now)
    .run();
  return id;
}

let userSeq = 0;
/** Signed-in shoppers with a pickup point, made straight in D1 (a bearer session each). */
async function shoppers(n: number, point = SUNSHINE): Promise<Array<{ id: string; token: string }>> {
  const now = Date.now();
  const made = Array.from({ length: n }, () => {
    const k = ++userSeq;
    return { id: `usr_gdtest${String(k).padStart(14, "0")}`, token: `gd-test-token-${k}-${"x".repeat(24)}` };
  });
  const statements = made.flatMap((u) => [
    worker.d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, ?, 'zh-CN', 'active', ?, ?)").bind(u.id, `拼友${u.id.slice(-4)}`, now, now),
    worker.d1.prepare("INSERT INTO user_roles (user_id, role, created_at) VALUES (?, 'shopper', ?)").bind(u.id, now),
    worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'bearer')").bind(sha256(u.token), u.id, Math.floor(now / 1000) + 86_400, now),
    worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, ?, 'chosen', ?)").bind(u.id, point, now),
  ]);
  for (let i = 0; i < statements.length; i += 400) await worker.d1.batch(statements.slice(i, i + 400));
  return made;
}

function api(path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.90", ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return worker.fetch(`/api/v1${path}`, { method: init.body === undefined ? "GET" : "POST", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}
const json = async <T>(res: Response) => (await res.json()) as T;

let tradeSeq = 0;
async function pay(token: string, orderId: string) {
  const started = await json<{ paymentId: string }>(await api(`/orders/${orderId}/payments`, { token, body: { provider: "sandbox" } }));
  const { payable_fen: amountFen } = await one<{ payable_fen: number }>("SELECT payable_fen FROM orders WHERE id = ?", orderId);
  const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId: started.paymentId, providerTradeNo: `SBXGD${++tradeSeq}`, status: "succeeded", amountFen, paidAt: Date.now() }, Date.now());
  const res = await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body });
  expect(res.status).toBe(204);
  return { paymentId: started.paymentId, signed };
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("group deals (拼团)", () => {
  it("starts, invites, joins, drops the price for everyone at the next tier, closes when full and refunds each the difference once", async () => {
    const cid = await campaign();
    const [starter, ...friends] = await shoppers(5);
    const started = await api("/group-deals", { token: starter!.token, body: { campaignId: cid, quantity: 2 }, headers: { "Idempotency-Key": "gd-start-0001" } });
    expect(started.status).toBe(201);
    const { groupId, orderId, payableFen } = await json<{ groupId: string; orderId: string; payableFen: number }>(started);
    expect(payableFen).toBe(2 * 2590);
    // A retry with the same key is the same group and order.
    const again = await api("/group-deals", { token: starter!.token, body: { campaignId: cid, quantity: 2 }, headers: { "Idempotency-Key": "gd-start-0001" } });
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({ groupId, orderId, payableFen });
    await pay(starter!.token, orderId);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId)).status).toBe("awaiting_group");

    const orders: Record<string, string> = { [starter!.id]: orderId };
    for (const [i, f] of friends.entries()) {
      const res = await api(`/group-deals/${groupId}/join`, { token: f.token, body: { quantity: 1, invitedBy: starter!.id } });
      expect(res.status).toBe(201);
      const joined = await json<{ orderId: string; payableFen: number }>(res);
      expect(joined.payableFen).toBe(2590);
      orders[f.id] = joined.orderId;
      if (i < 3) {
        await pay(f.token, joined.orderId);
        const view = await json<{ group: { status: string; paidCount: number; currentTier: { size: number } | null; next: { needed: number } | null } }>(await api(`/group-deals/${groupId}`));
        expect(view.group.paidCount).toBe(i + 2);
        expect(view.group.status).toBe("open");
        if (i === 1) expect(view.group.currentTier?.size).toBe(3); // three paid: the first tier
      }
    }
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM group_deal_members WHERE group_id = ? AND invited_by = ?", groupId, starter!.id)).n).toBe(4);
    // The fifth member's payment fills the top tier: the room closes the group at once.
    await pay(friends[3]!.token, orders[friends[3]!.id]!);
    const group = await waitFor(
      () => one<{ status: string; reached_size: number; final_unit_price_fen: number }>("SELECT status, reached_size, final_unit_price_fen FROM group_deals WHERE id = ?", groupId),
      (g) => g.status !== "open",
    );
    expect(group).toMatchObject({ status: "succeeded", reached_size: 5, final_unit_price_fen: 2290 });
    const rows = await all<{ id: string; status: string; paid_fen: number; refunded_fen: number; quantity: number }>(
      "SELECT o.id, o.status, o.paid_fen, o.refunded_fen, m.quantity FROM orders o JOIN group_deal_members m ON m.order_id = o.id WHERE m.group_id = ?",
      groupId,
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r.status).toBe("paid"); // into the normal cycle: the next cut-off takes it
      expect(r.paid_fen - r.refunded_fen).toBe(2290 * r.quantity);
      expect(r.refunded_fen).toBe(300 * r.quantity);
    }
    const refundRows = await all<{ order_id: string; kind: string; status: string; amount_fen: number }>(
      "SELECT order_id, kind, status, amount_fen FROM refunds WHERE order_id IN (SELECT order_id FROM group_deal_members WHERE group_id = ?)",
      groupId,
    );
    expect(refundRows).toHaveLength(5);
    expect(refundRows.every((r) => r.kind === "group_price_difference" && r.status === "succeeded")).toBe(true);
    // The line carries the refund too (commission and merchant income read lines).
    const line = await one<{ refunded_fen: number; payable_fen: number }>("SELECT refunded_fen, payable_fen FROM order_lines WHERE order_id = ?", orderId);
    expect(line).toEqual({ refunded_fen: 600, payable_fen: 5180 });
    // The starter sees the final charge and the refund.
    const mine = await json<{ group: { mine: { finalChargeFen: number; refunds: Array<{ amountFen: number; status: string }> } } }>(await api(`/group-deals/${groupId}`, { token: starter!.token }));
    expect(mine.group.mine.finalChargeFen).toBe(4580);
    expect(mine.group.mine.refunds).toEqual([{ kind: "group_price_difference", amountFen: 600, status: "succeeded" }]);

    // Closing again (the cron's safety net, or an alarm firing twice) changes nothing.
    const before = await one<{ n: number; s: number }>("SELECT count(*) AS n, sum(amount_fen) AS s FROM refunds");
    await worker.scheduled("* * * * *", Date.now());
    expect(await one("SELECT count(*) AS n, sum(amount_fen) AS s FROM refunds")).toEqual(before);
    // A member who cancels before the cut-off gets back what is still held: the reached price, not the difference again.
    const friendOrder = orders[friends[0]!.id]!;
    const cancelled = await api(`/orders/${friendOrder}/cancel`, { token: friends[0]!.token, body: {} });
    expect(cancelled.status).toBe(200);
    expect(await all("SELECT kind, amount_fen, status FROM refunds WHERE order_id = ? ORDER BY created_at, kind", friendOrder)).toEqual([
      { kind: "group_price_difference", amount_fen: 300, status: "succeeded" },
      { kind: "cancellation", amount_fen: 2290, status: "succeeded" },
    ]);
    expect(await one("SELECT paid_fen, refunded_fen FROM orders WHERE id = ?", friendOrder)).toEqual({ paid_fen: 2590, refunded_fen: 2590 });
    // A sixth person is refused: the group has closed.
    const [late] = await shoppers(1);
    const refused = await api(`/group-deals/${groupId}/join`, { token: late!.token, body: { quantity: 1 } });
    expect(refused.status).toBe(409);
    expect((await json<{ error: { code: string } }>(refused)).error.code).toBe("group_closed");
  });

  it("200 people join one 5-seat group at once: exactly 5 get a seat, everyone else is told it is full", async () => {
    const cid = await campaign({ tiers: [{ size: 2, unitPriceFen: 2790 }, { size: 5, unitPriceFen: 2490 }] });
    const [starter] = await shoppers(1);
    const { groupId } = await json<{ groupId: string }>(await api("/group-deals", { token: starter!.token, body: { campaignId: cid, quantity: 1 } }));
    const crowd = await shoppers(200);
    const stockBefore = (await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", APPLE_SKU)).stock;
    const answers = await Promise.all(crowd.map((u) => api(`/group-deals/${groupId}/join`, { token: u.token, body: { quantity: 1 } })));
    const codes = await Promise.all(answers.map(async (r) => (r.status === 201 ? "joined" : (await json<{ error: { code: string } }>(r)).error.code)));
    expect(codes.filter((c) => c === "joined")).toHaveLength(4); // the starter holds the fifth seat
    expect(codes.filter((c) => c === "group_full")).toHaveLength(196);
    expect(answers.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM group_deal_members WHERE group_id = ? AND status <> 'left'", groupId)).n).toBe(5);
    expect((await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", APPLE_SKU)).stock).toBe(stockBefore - 4);
    // The same user twice is refused too, and a cancelled member's seat goes back to the room.
    const member = crowd[codes.indexOf("joined")]!;
    const twice = await api(`/group-deals/${groupId}/join`, { token: member.token, body: { quantity: 1 } });
    expect((await json<{ error: { code: string } }>(twice)).error.code).toBe("already_member");
    const { order_id } = await one<{ order_id: string }>("SELECT order_id FROM group_deal_members WHERE group_id = ? AND user_id = ?", groupId, member.id);
    expect((await api(`/orders/${order_id}/cancel`, { token: member.token, body: {} })).status).toBe(200);
    const next = crowd[codes.indexOf("group_full")]!;
    expect((await api(`/group-deals/${groupId}/join`, { token: next.token, body: { quantity: 1 } })).status).toBe(201);
  });

  it("a group below the first tier at its deadline fails: every member refunded in full, orders refunded, stock back", async () => {
    const cid = await campaign({ endsAt: Date.now() + 4_000 }); // the group's deadline is the campaign's end
    const [alone, unpaid] = await shoppers(2);
    const { groupId, orderId } = await json<{ groupId: string; orderId: string }>(await api("/group-deals", { token: alone!.token, body: { campaignId: cid, quantity: 2 } }));
    await pay(alone!.token, orderId);
    const { orderId: unpaidOrder } = await json<{ orderId: string }>(await api(`/group-deals/${groupId}/join`, { token: unpaid!.token, body: { quantity: 1 } }));
    const stock = (await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", APPLE_SKU)).stock;
    // The room's alarm closes it at the deadline.
    const group = await waitFor(() => one<{ status: string }>("SELECT status FROM group_deals WHERE id = ?", groupId), (g) => g.status !== "open", 20_000);
    expect(group.status).toBe("failed");
    const order = await waitFor(() => one<{ status: string; refunded_fen: number; paid_fen: number }>("SELECT status, refunded_fen, paid_fen FROM orders WHERE id = ?", orderId), (o) => o.status === "refunded");
    expect(order).toMatchObject({ status: "refunded", refunded_fen: 5180, paid_fen: 5180 });
    expect((await one<{ status: string; cancel_reason: string }>("SELECT status, cancel_reason FROM orders WHERE id = ?", unpaidOrder))).toEqual({ status: "cancelled", cancel_reason: "group_closed" });
    expect((await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", APPLE_SKU)).stock).toBe(stock + 3);
    const refundRows = await all<{ kind: string; amount_fen: number; status: string }>("SELECT kind, amount_fen, status FROM refunds WHERE order_id = ?", orderId);
    expect(refundRows).toEqual([{ kind: "group_failed", amount_fen: 5180, status: "succeeded" }]);
    const events = await all<{ event: string }>("SELECT event FROM order_events WHERE order_id = ? ORDER BY rowid", orderId);
    expect(events.map((e) => e.event)).toEqual(["place", "pay_group", "group_failed", "refund_succeeded"]);
    // A payment for the cancelled member's order arriving now is refunded, never joins.
    const { paymentId, signed } = await (async () => {
      const started = await json<{ paymentId: string }>(await api(`/orders/${unpaidOrder}/payments`, { token: unpaid!.token, body: { provider: "sandbox" } }));
      return { paymentId: started.paymentId, signed: null };
    })().catch(() => ({ paymentId: null, signed: null }));
    expect(paymentId ?? null).toBeNull(); // a cancelled order cannot start a payment
    expect(signed).toBeNull();
  });

  it("a payment that lands after the group closed is refunded as a late payment", async () => {
    const cid = await campaign({ tiers: [{ size: 2, unitPriceFen: 2790 }] });
    const [a, b, c] = await shoppers(3);
    const { groupId, orderId } = await json<{ groupId: string; orderId: string }>(await api("/group-deals", { token: a!.token, body: { campaignId: cid, quantity: 1 } }));
    await pay(a!.token, orderId);
    const { orderId: bOrder } = await json<{ orderId: string }>(await api(`/group-deals/${groupId}/join`, { token: b!.token, body: { quantity: 1 } }));
    // c starts paying while b's seat is held; the group is full (capacity 2) so c cannot join.
    expect((await api(`/group-deals/${groupId}/join`, { token: c!.token, body: { quantity: 1 } })).status).toBe(409);
    const started = await json<{ paymentId: string }>(await api(`/orders/${bOrder}/payments`, { token: b!.token, body: { provider: "sandbox" } }));
    // The group closes before b's money arrives (deadline passed: the cron's safety net).
    await worker.d1.prepare("UPDATE group_deals SET deadline_at = ? WHERE id = ?").bind(Date.now() - 120_000, groupId).run();
    await worker.scheduled("* * * * *", Date.now());
    expect((await one<{ status: string }>("SELECT status FROM group_deals WHERE id = ?", groupId)).status).toBe("failed");
    const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId: started.paymentId, providerTradeNo: `SBXGD${++tradeSeq}`, status: "succeeded", amountFen: 2790, paidAt: Date.now() }, Date.now());
    expect((await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body })).status).toBe(204);
    expect(await all("SELECT kind, amount_fen, status FROM refunds WHERE order_id = ?", bOrder)).toEqual([{ kind: "late_payment", amount_fen: 2790, status: "succeeded" }]);
    // The provider repeating its notification changes nothing.
    expect((await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body })).status).toBe(204);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM refunds WHERE order_id = ?", bOrder)).n).toBe(1);
  });

  it("refuses clearly: leader-only groups of another point, over the per-user limit, unknown and switched off", async () => {
    const cid = await campaign({ leaderOnly: true, perUserLimit: 2 });
    const [sunny] = await shoppers(1);
    const [lakeside] = await shoppers(1, LAKESIDE);
    const { groupId } = await json<{ groupId: string }>(await api("/group-deals", { token: sunny!.token, body: { campaignId: cid, quantity: 1 } }));
    const other = await api(`/group-deals/${groupId}/join`, { token: lakeside!.token, body: { quantity: 1 } });
    expect(other.status).toBe(403);
    expect((await json<{ error: { code: string } }>(other)).error.code).toBe("not_same_point");
    // Per-user limit across the campaign's groups: 1 held + 2 more = 3 > 2.
    const second = await api("/group-deals", { token: sunny!.token, body: { campaignId: cid, quantity: 2 } });
    expect(second.status).toBe(409);
    expect((await json<{ error: { code: string } }>(second)).error.code).toBe("over_user_limit");
    const tooMany = await api("/group-deals", { token: sunny!.token, body: { campaignId: cid, quantity: 3 } });
    expect(tooMany.status).toBe(400);
    const bad = await api("/group-deals", { token: sunny!.token, body: { campaignId: "nope", quantity: 0 } });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { fields: Record<string, string[]> } }>(bad)).error.fields).toMatchObject({ campaignId: ["campaign_invalid"], quantity: ["quantity_invalid"] });
    expect((await api("/group-deals/grp_00000000000000000000")).status).toBe(404);
    expect((await api("/group-deals", { body: { campaignId: cid, quantity: 1 } })).status).toBe(401);
    await worker.d1.prepare("UPDATE settings SET value = 'false' WHERE key = 'feature.group_deals'").run();
    await worker.d1.prepare("INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES ('feature.group_deals', 'false', 0)").run();
    const off = await api("/group-deals", { token: lakeside!.token, body: { campaignId: cid, quantity: 1 } });
    expect(off.status).toBe(403);
    await worker.d1.prepare("UPDATE settings SET value = 'true' WHERE key = 'feature.group_deals'").run();
  });
});
