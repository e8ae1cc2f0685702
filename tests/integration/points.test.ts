/**
 * Issue 10, points (on top of issue 9's settlement): an order's points arrive with its settlement,
 * at the shopper's level multiplier, once however often the message comes; a refund after
 * settlement takes back exactly the points of the refunded yuan; points past their validity
 * expire once, oldest first; the shopper's Me card and /me/points show the level, its progress
 * and perks, the balance and the history.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertLedgerOrders, type LedgerOrderSpec } from "../support/ledger-orders";
import { settleDue } from "../support/settlement";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const DAY = 24 * 60 * 60 * 1000;
const FRUIT = "mch_demofruit00000000000";
// Two shoppers the other demo data leaves alone: one made silver by a big order, one normal.
const SILVER = "usr_demoshopper070000000";
const NORMAL = "usr_demoshopper080000000";

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const testid = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];

/** Signs a demo shopper in by phone code (their phone is 138000001 + the two digits of their id). */
async function signInAs(userId: string, ip: string): Promise<Client> {
  const c = worker.client({ ip });
  const phone = `138000001${userId.slice(15, 17)}`;
  expect((await c.post("/login", { intent: "request-code", channel: "sms", phone })).status).toBeLessThan(400);
  expect((await c.post("/login", { intent: "verify-code", channel: "sms", phone, code: await worker.latestCode(phone) })).status).toBe(302);
  return c;
}

describe("points", () => {
  const now = Date.now();
  const id = (name: string) => `ord_points${name}`.padEnd(24, "0");
  let sku: { skuId: string; productId: string; merchantId: string; categoryId: string };
  const order = (name: string, userId: string, payableFen: number, pickedDaysAgo: number): LedgerOrderSpec => ({
    id: id(name),
    userId,
    pointId: "pkp_demosunshine00000000",
    status: "picked_up",
    createdAt: now - (pickedDaysAgo + 1) * DAY,
    pickedUpAt: now - pickedDaysAgo * DAY,
    rates: { platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 },
    lines: [{ ...sku, payableFen }],
  });

  it("arrive with the settlement at the level's multiplier, once", async () => {
    sku = await one("SELECT s.id AS skuId, p.id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = ? ORDER BY s.id LIMIT 1", FRUIT);
    // ¥600.00 in the last 12 months makes SILVER a silver member (threshold ¥500.00, 1.2×) before the next order settles.
    await insertLedgerOrders(worker, [order("big", SILVER, 60_000, 3), order("s1", SILVER, 3990, 9), order("n1", NORMAL, 3990, 9)]);
    await settleDue(worker);
    expect(await one("SELECT kind, points, multiplier_pct FROM points_entries WHERE order_id = ?", id("s1"))).toEqual({ kind: "earn", points: 46, multiplier_pct: 120 }); // 39 × 1.2
    expect(await one("SELECT kind, points, multiplier_pct FROM points_entries WHERE order_id = ?", id("n1"))).toEqual({ kind: "earn", points: 39, multiplier_pct: 100 });
    // The big order is still inside its window: no points yet.
    expect(await one("SELECT count(*) AS n FROM points_entries WHERE order_id = ?", id("big"))).toEqual({ n: 0 });
    // Delivered again: nothing more.
    const queue = await worker.queueProducer();
    await queue.send({ v: 1, kind: "order.settle", key: `settle:${id("s1")}`, orderId: id("s1") });
    await new Promise((r) => setTimeout(r, 2000));
    expect(await one("SELECT count(*) AS n, sum(points) AS total FROM points_entries WHERE user_id = ?", SILVER)).toEqual({ n: 1, total: 46 });
  });

  it("a refund after settlement takes back the refunded yuan's points at the multiplier first used", async () => {
    await worker.d1.batch([
      worker.d1.prepare("UPDATE order_lines SET refunded_fen = 1990, refunded_qty = 1 WHERE order_id = ?").bind(id("s1")),
      worker.d1.prepare("UPDATE orders SET refunded_fen = 1990 WHERE id = ?").bind(id("s1")),
      worker.d1
        .prepare("INSERT INTO refunds (id, order_id, kind, amount_fen, reason, lines, status, created_at, updated_at) VALUES ('rfd_pointslate0000000000', ?, 'after_sales', 1990, 'late', '[]', 'succeeded', ?, ?)")
        .bind(id("s1"), Date.now(), Date.now()),
    ]);
    await settleDue(worker, { until: async () => (await one<{ n: number }>("SELECT count(*) AS n FROM points_entries WHERE key = 'points:refund:rfd_pointslate0000000000'")).n === 1 });
    // Net ¥20.00 → 20 × 1.2 = 24 points: 22 taken back.
    expect(await one("SELECT kind, points FROM points_entries WHERE key = 'points:refund:rfd_pointslate0000000000'")).toEqual({ kind: "adjust", points: -22 });
  });

  it("expire once, oldest first, and the pages show level, progress, perks, balance and history", async () => {
    // A lot earned 366 days ago (expired yesterday), 10 of whose points were already taken back.
    const earned = now - 366 * DAY;
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO points_entries (id, user_id, kind, points, key, multiplier_pct, expires_at, created_at) VALUES ('pnt_pointsold0000000000', ?, 'earn', 80, 'test:old-lot', 100, ?, ?)").bind(NORMAL, earned + 365 * DAY, earned),
      worker.d1.prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at) VALUES ('pnt_pointsold0000000001', ?, 'adjust', -10, 'test:old-adjust', ?)").bind(NORMAL, earned + DAY),
    ]);
    await worker.scheduled("*/5 * * * *", now);
    await worker.scheduled("*/5 * * * *", now + 5 * 60_000);
    expect((await worker.d1.prepare("SELECT points FROM points_entries WHERE user_id = ? AND kind = 'expire'").bind(NORMAL).all()).results).toEqual([{ points: -70 }]);
    expect(await one("SELECT sum(points) AS n FROM points_entries WHERE user_id = ?", NORMAL)).toEqual({ n: 39 });

    const silver = await signInAs(SILVER, "203.0.113.81");
    const me = await (await silver.get("/me")).text();
    expect(testid(me, "me-level")).toBe("白银会员");
    expect(testid(me, "me-points")).toBe("积分 24");
    const page = await (await silver.get("/me/points")).text();
    expect(testid(page, "member-level")).toBe("白银会员");
    expect(testid(page, "points-balance")).toBe("24");
    expect(page).toContain("积分 1.2 倍");
    expect(page).toContain("限时抢购提前 10 分钟开抢");
    expect(testid(page, "member-next")).toMatch(/^再消费 ¥\d[\d,]*\.\d\d 升级为黄金会员，积分 1.5 倍$/);
    expect(page).toContain("退款扣回");
    expect((await worker.fetch("/me/points")).status).toBe(302);
  });
});
