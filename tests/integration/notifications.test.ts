/**
 * Issue #5 item 4: in-app notices and Web Push. The Worker pushes to a local push service
 * stand-in (tests/support/fake-push-service.ts) that verifies the VAPID JWT and decrypts each
 * message with http_ece, as a browser's push service and the browser would.
 *
 * One demo world, in order: subscriptions (validation, upsert, delete, API); a paid order tells
 * its leader; the cut-off, shipping and arrival tell the leader and the merchant; the leader tells
 * the waiting customers once; push failures (410, repeated errors); the inboxes; and a Worker
 * without VAPID settings (push off, inbox only).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakePushService, type FakePushService, type FakeSubscription } from "../support/fake-push-service";
import { startWorker, TEST_VAPID, type Client, type TestWorker } from "../support/worker";

const SUNSHINE = "pkp_demosunshine00000000"; // 阳光花园便利店, leader1 张团长, 08:00–21:00
const LAKESIDE = "pkp_demolakeside00000000"; // leader2
const STRAWBERRY = "sku_demostrawberry000001"; // 鲜果坊, ¥39.90
const LEADER1 = "usr_demoleader0100000000";
const LEADER2 = "usr_demoleader0200000000";
const FRUIT_MERCHANT = "usr_demomerchant01000000";

let worker: TestWorker;
let push: FakePushService;

beforeAll(async () => {
  push = await startFakePushService(TEST_VAPID.VAPID_PUBLIC_KEY);
  worker = await startWorker({ outbound: push.outbound });
});
afterAll(async () => {
  await worker?.dispose();
  await push?.close();
});
afterEach(() => {
  // The failures this file provokes on purpose are logged as warnings.
  worker.expectNoServerErrors([/web push to .* answered 500/]);
});

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const noticesOf = (userId: string) => all<{ kind: string; data: string; link: string | null; read_at: number | null }>("SELECT kind, data, link, read_at FROM notifications WHERE user_id = ? ORDER BY created_at, rowid", userId);

let ipSeq = 10;
/** Signs in with the demo password (staff and shopper1) or, for a phone number, a code from the outbox. */
async function signIn(who: string, w: TestWorker = worker): Promise<Client> {
  const c = w.client({ ip: `198.18.7.${ipSeq++}` });
  const res = who.includes("@") ? await c.post("/login", { intent: "password", email: who, password: "demo-pass-2026" }) : await c.signInWithPhone(w, who);
  expect(res.status, `sign-in ${who}`).toBe(302);
  return c;
}
const SHOPPER_A = "13800000102"; // 阿强, usr_demoshopper020000000
const SHOPPER_B = "13800000106"; // 孙老师, usr_demoshopper060000000

function subscribeForm(sub: FakeSubscription) {
  return { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth };
}

async function subscribe(c: Client, sub: FakeSubscription) {
  const res = await c.post("/me/push", subscribeForm(sub));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ subscribed: true });
}

/** A shopper buys one strawberry punnet at Sunshine and pays in the sandbox; returns the order id. */
async function buyAndPay(c: Client): Promise<string> {
  await c.post("/pickup", { pickupPointId: SUNSHINE });
  await c.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "1" });
  const html = await (await c.get("/checkout?coupon=none")).text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  const placed = await c.post("/checkout", { coupon: field("coupon"), provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
  expect(placed.status).toBe(302);
  const paymentId = placed.headers.get("location")!.split("/").pop()!;
  const paid = await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" });
  expect(paid.status).toBe(302);
  return (await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId)).order_id;
}

const devices: Record<string, FakeSubscription> = {};
const clients: Record<string, Client> = {};
const orders: Record<string, string> = {};

describe("push subscriptions", () => {
  it("need a signed-in user", async () => {
    const anonymous = worker.client({ ip: "198.18.7.1" });
    const res = await anonymous.post("/me/push", subscribeForm(push.subscription()));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });

  it("are validated field by field: an https endpoint and keys of the right lengths on P-256", async () => {
    clients.shopperA = await signIn(SHOPPER_A);
    const good = subscribeForm(push.subscription());
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...good, endpoint: "not a url" }, "endpoint"],
      [{ ...good, endpoint: "http://push.example.com/abc" }, "endpoint"],
      [{ ...good, endpoint: "http://127.0.0.1:8080/abc" }, "endpoint"], // not even to this machine
      [{ ...good, endpoint: "ftp://127.0.0.1/abc" }, "endpoint"],
      [{ ...good, endpoint: "https://user:pw@push.example.com/abc" }, "endpoint"],
      [{ ...good, endpoint: `https://push.example.com/${"a".repeat(1100)}` }, "endpoint"],
      [{ ...good, p256dh: good.p256dh.slice(0, 40) }, "p256dh"],
      [{ ...good, p256dh: `A${good.p256dh.slice(1)}` }, "p256dh"], // not an uncompressed point (0x04)
      [{ ...good, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url") }, "p256dh"], // not on the curve
      [{ ...good, p256dh: "B!@#" }, "p256dh"],
      [{ ...good, auth: Buffer.alloc(15).toString("base64url") }, "auth"],
      [{ endpoint: good.endpoint, p256dh: good.p256dh }, "auth"],
    ];
    for (const [form, field] of cases) {
      const res = await clients.shopperA.post("/me/push", form);
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBe(400);
      const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
      expect(Object.keys(body.error.fields)).toEqual([field]);
      expect(body.error.fields[field]![0]).toMatch(/_invalid$|^required$|^invalid_type$/);
    }
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM push_subscriptions")).n).toBe(0);
    // An https endpoint is fine (a real push service's).
    const https = await clients.shopperA.post("/me/push", { ...good, endpoint: "https://fcm.googleapis.com/fcm/send/abc:def" });
    expect(https.status).toBe(200);
    expect((await clients.shopperA.request("/me/push", { method: "DELETE", body: new URLSearchParams({ endpoint: "https://fcm.googleapis.com/fcm/send/abc:def" }), headers: { Origin: clients.shopperA.origin } })).status).toBe(200);
    expect((await clients.shopperA.get("/me/push")).status).toBe(405);
  });

  it("upsert by endpoint: the same browser under another account moves to it; delete only removes one's own", async () => {
    const shared = push.subscription();
    await subscribe(clients.shopperA!, shared);
    await subscribe(clients.shopperA!, shared); // twice: still one row
    expect((await all("SELECT id FROM push_subscriptions WHERE endpoint = ?", shared.endpoint)).length).toBe(1);
    clients.shopperB = await signIn(SHOPPER_B);
    await subscribe(clients.shopperB, shared);
    const row = await one<{ user_id: string; failures: number }>("SELECT user_id, failures FROM push_subscriptions WHERE endpoint = ?", shared.endpoint);
    expect(row.user_id).toBe("usr_demoshopper060000000");
    const del = (c: Client) => c.request("/me/push", { method: "DELETE", body: new URLSearchParams({ endpoint: shared.endpoint }), headers: { Origin: c.origin } });
    expect(await (await del(clients.shopperA!)).json()).toEqual({ subscribed: false, removed: false });
    expect(await (await del(clients.shopperB)).json()).toEqual({ subscribed: false, removed: true });
    expect((await all("SELECT id FROM push_subscriptions WHERE endpoint = ?", shared.endpoint)).length).toBe(0);
  });

  it("the REST API: config, register (PushSubscription JSON) and delete, with JSON validation errors", async () => {
    const api = (path: string, init: RequestInit & { token?: string } = {}) =>
      worker.fetch(`/api/v1${path}`, {
        ...init,
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.18.7.200", ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}) },
      });
    expect(await (await api("/push/config")).json()).toEqual({ vapidPublicKey: TEST_VAPID.VAPID_PUBLIC_KEY });
    const signIn = await api("/auth/sign-in", { method: "POST", body: JSON.stringify({ method: "password", email: "shopper1@demo.tuangou.test", password: "demo-pass-2026" }) });
    const { token } = (await signIn.json()) as { token: string };
    const sub = push.subscription();
    expect((await api("/push/subscriptions", { method: "POST", body: JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys }) })).status).toBe(401);
    const bad = await api("/push/subscriptions", { method: "POST", token, body: JSON.stringify({ endpoint: sub.endpoint, keys: { p256dh: "x", auth: sub.keys.auth } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toEqual({ "keys.p256dh": ["p256dh_invalid"] });
    const ok = await api("/push/subscriptions", { method: "POST", token, body: JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys, expirationTime: null }) });
    expect(ok.status).toBe(200);
    expect((await one<{ user_id: string }>("SELECT user_id FROM push_subscriptions WHERE endpoint = ?", sub.endpoint)).user_id).toBe("usr_demoshopper010000000");
    const gone = await api("/push/subscriptions", { method: "DELETE", token, body: JSON.stringify({ endpoint: sub.endpoint }) });
    expect(await gone.json()).toEqual({ subscribed: false, removed: true });
  });
});

describe("notices and pushes for the day's events", () => {
  beforeAll(async () => {
    clients.leader1 = await signIn("leader1@demo.tuangou.test");
    clients.leader2 = await signIn("leader2@demo.tuangou.test");
    clients.merchant = await signIn("fruit@demo.tuangou.test");
    for (const [name, c] of [
      ["leader1", clients.leader1],
      ["leader2", clients.leader2],
      ["merchant", clients.merchant],
      ["shopperA", clients.shopperA!],
    ] as const) {
      devices[name] = push.subscription();
      await subscribe(c, devices[name]!);
    }
    // The merchant reads English: its notices render in its own language.
    await worker.d1.prepare("UPDATE users SET locale = 'en' WHERE id = ?").bind(FRUIT_MERCHANT).run();
  });

  it("a paid order tells its pickup point's leader, in-app and by an encrypted, VAPID-signed push", async () => {
    orders.A = await buyAndPay(clients.shopperA!);
    const [notice] = await noticesOf(LEADER1);
    expect(notice).toMatchObject({ kind: "leader.new_order", link: "/leader", read_at: null });
    expect(JSON.parse(notice!.data)).toEqual({ orderId: orders.A, amount: "¥39.90", count: 1 });
    const [received] = await push.waitFor(devices.leader1!.id);
    expect(received!.problem).toBeNull();
    expect(received!.answered).toBe(201);
    expect(received!.payload).toEqual({ title: "新订单", body: "收到一笔新订单：1 件商品，实付 ¥39.90。", url: "/leader", tag: "new-order" });
    expect(received!.jwt).toMatchObject({ aud: push.origin(), sub: TEST_VAPID.VAPID_SUBJECT });
    // One record padded to the whole 4096 bytes, so the length says nothing about the notice.
    expect(received!.headers).toMatchObject({ "content-encoding": "aes128gcm", "content-length": "4096", ttl: "21600", urgency: "normal", topic: "leader-new-order" });
    const sub = await one<{ failures: number; last_sent_at: number | null }>("SELECT failures, last_sent_at FROM push_subscriptions WHERE endpoint = ?", devices.leader1!.endpoint);
    expect(sub.failures).toBe(0);
    expect(sub.last_sent_at).toBeGreaterThan(Date.now() - 60_000);
    // Nobody else was told.
    expect(await noticesOf(LEADER2)).toEqual([]);
    expect(await noticesOf("usr_demoshopper020000000")).toEqual([]);
    orders.B = await buyAndPay(clients.shopperB!);
    await push.waitFor(devices.leader1!.id, 2);
    // Paid a day ago: before today's cut-off whatever the time of day now.
    await worker.d1.prepare("UPDATE orders SET paid_at = paid_at - 86400000 WHERE id IN (?, ?)").bind(orders.A, orders.B).run();
    for (const d of ["leader2", "merchant", "shopperA"]) expect(push.pushesTo(devices[d]!.id), d).toEqual([]);
  });

  it("shipping tells the point's leader; the leader's arrival confirmation tells the merchant's staff (with the shortage)", async () => {
    const admin = await signIn("admin@demo.tuangou.test");
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect((await admin.post("/admin/fulfilment", { intent: "run-cutoff", businessDate: today })).status).toBe(200);
    const batch = await one<{ id: string; delivery_date: string }>(
      "SELECT id, delivery_date FROM delivery_batches WHERE pickup_point_id = ? AND merchant_id = 'mch_demofruit00000000000'",
      SUNSHINE,
    );
    expect((await clients.merchant!.post("/merchant/fulfilment?index", { intent: "ship", batchId: batch.id })).status).toBe(200);
    const shipped = (await noticesOf(LEADER1)).filter((n) => n.kind === "leader.batch_shipped");
    expect(shipped).toHaveLength(1);
    expect(JSON.parse(shipped[0]!.data)).toEqual({ batchId: batch.id, merchant: "鲜果坊", date: batch.delivery_date, count: 2 });
    const pushes = await push.waitFor(devices.leader1!.id, 3);
    expect(pushes[2]!.payload).toEqual({
      title: "商家已发货",
      body: `鲜果坊 已发出 ${batch.delivery_date} 的货（2 单），到货后请在“到货”页清点确认。`,
      url: "/leader/arrivals",
      tag: `shipped-${batch.id}`,
    });
    expect(await noticesOf(LEADER2)).toEqual([]);

    // leader2 cannot confirm leader1's batch; leader1 confirms with one punnet short.
    const form = (received: number) => ({ intent: "confirm-arrival", batchId: batch.id, "items[0].skuId": STRAWBERRY, "items[0].received": String(received), "items[0].note": "压坏 1 盒" });
    expect((await clients.leader2!.post("/leader/arrivals", form(1))).status).toBe(404);
    expect((await clients.leader1!.post("/leader/arrivals", form(1))).status).toBe(200);
    const arrived = await noticesOf(FRUIT_MERCHANT);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toMatchObject({ kind: "merchant.batch_arrived", link: `/merchant/fulfilment/batches/${batch.id}` });
    expect(JSON.parse(arrived[0]!.data)).toEqual({ batchId: batch.id, point: "阳光花园便利店", date: batch.delivery_date, count: 1 });
    const [m] = await push.waitFor(devices.merchant!.id);
    expect(m!.problem).toBeNull();
    expect(m!.payload).toEqual({
      title: "Delivery checked in",
      body: `阳光花园便利店 has checked in the ${batch.delivery_date} delivery: 1 item short, and the orders concerned have been refunded.`,
      url: `/merchant/fulfilment/batches/${batch.id}`,
      tag: `arrived-${batch.id}`,
    });
    // The SMS to the merchant's contact phone still goes out.
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM outbox_messages WHERE body LIKE '%已到货%'")).n).toBe(1);
    // The shortage hit the newest order (B): refunded in full; A waits for collection.
    const statuses = await all<{ id: string; status: string }>("SELECT id, status FROM orders WHERE id IN (?, ?)", orders.A, orders.B);
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({ [orders.A!]: "ready_for_pickup", [orders.B!]: "refunded" });
  });

  it("notify customers: only the leader's own point, once per order, on the order's timeline, with a push to the customer", async () => {
    // A second order ready at Sunshine: shopper B buys again, and it goes through the same day's cycle by hand.
    orders.C = await buyAndPay(clients.shopperB!);
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES ('oev_testcycle000000000001', ?, 'arrive', 'paid', 'ready_for_pickup', 'system', ?)").bind(orders.C, Date.now()),
      worker.d1.prepare("UPDATE orders SET status = 'ready_for_pickup' WHERE id = ?").bind(orders.C),
    ]);

    expect((await clients.shopperA!.post("/leader/notify-customers", {})).status).toBe(403);
    expect((await clients.leader2!.post("/leader/notify-customers", { pickupPointId: SUNSHINE })).status).toBe(404);
    const lakeside = await clients.leader2!.post("/leader/notify-customers", { pickupPointId: LAKESIDE, redirectTo: "/leader" });
    expect(lakeside.status).toBe(302);
    expect(lakeside.headers.get("location")).toBe("/leader?notified=0");
    expect((await all("SELECT id FROM notifications WHERE kind = 'order.ready_for_pickup'")).length).toBe(0);
    expect((await clients.leader1!.get("/leader/notify-customers")).status).toBe(405);

    const told = await clients.leader1!.post("/leader/notify-customers", { redirectTo: "/leader/arrivals" });
    expect(told.status).toBe(302);
    expect(told.headers.get("location")).toBe("/leader/arrivals?notified=2");
    const ready = await all<{ user_id: string; data: string; link: string }>("SELECT user_id, data, link FROM notifications WHERE kind = 'order.ready_for_pickup' ORDER BY user_id");
    expect(ready.map((r) => [r.user_id, r.link])).toEqual([
      ["usr_demoshopper020000000", `/orders/${orders.A}`],
      ["usr_demoshopper060000000", `/orders/${orders.C}`],
    ]);
    expect(JSON.parse(ready[0]!.data)).toEqual({ orderId: orders.A, point: "阳光花园便利店", open: "08:00", close: "21:00" });
    const events = await all<{ order_id: string; from_status: string; to_status: string; actor_type: string; actor_id: string }>(
      "SELECT order_id, from_status, to_status, actor_type, actor_id FROM order_events WHERE event = 'notify_ready' ORDER BY order_id",
    );
    expect(events).toHaveLength(2);
    for (const e of events) expect(e).toMatchObject({ from_status: "ready_for_pickup", to_status: "ready_for_pickup", actor_type: "leader", actor_id: LEADER1 });
    const [p] = await push.waitFor(devices.shopperA!.id);
    expect(p!.problem).toBeNull();
    expect(p!.payload).toEqual({ title: "商品已到自提点", body: "你的订单已到 阳光花园便利店，请在 08:00–21:00 凭取货码取货。", url: `/orders/${orders.A}`, tag: `ready-${orders.A}` });
    expect(p!.headers.urgency).toBe("high");
    // The shopper's order page shows it on the timeline.
    expect(await (await clients.shopperA!.get(`/orders/${orders.A}`)).text()).toContain("团长已通知你取货");

    // Again: nobody is told twice; a foreign redirect target falls back to the leader's home.
    const again = await clients.leader1!.post("/leader/notify-customers", { redirectTo: "https://evil.example/" });
    expect(again.headers.get("location")).toBe("/leader?notified=0");
    expect((await all("SELECT id FROM notifications WHERE kind = 'order.ready_for_pickup'")).length).toBe(2);
    expect((await all("SELECT id FROM order_events WHERE event = 'notify_ready'")).length).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(push.pushesTo(devices.shopperA!.id)).toHaveLength(1);
  });
});

describe("push failures", () => {
  it("410 from the push service deletes the subscription; other errors count, and five in a row delete it", async () => {
    const base = push.pushesTo(devices.leader1!.id).length;
    push.setStatus(devices.leader1!.id, 500);
    await buyAndPay(clients.shopperA!);
    await push.waitFor(devices.leader1!.id, base + 1);
    await expect.poll(async () => (await one<{ failures: number }>("SELECT failures FROM push_subscriptions WHERE endpoint = ?", devices.leader1!.endpoint)).failures).toBe(1);
    // A success resets the count.
    push.setStatus(devices.leader1!.id, 201);
    await buyAndPay(clients.shopperA!);
    await push.waitFor(devices.leader1!.id, base + 2);
    await expect.poll(async () => (await one<{ failures: number }>("SELECT failures FROM push_subscriptions WHERE endpoint = ?", devices.leader1!.endpoint)).failures).toBe(0);
    // Four failures already, a fifth: gone.
    push.setStatus(devices.leader1!.id, 500);
    await worker.d1.prepare("UPDATE push_subscriptions SET failures = 4 WHERE endpoint = ?").bind(devices.leader1!.endpoint).run();
    await buyAndPay(clients.shopperA!);
    await push.waitFor(devices.leader1!.id, base + 3);
    await expect.poll(async () => (await all("SELECT id FROM push_subscriptions WHERE endpoint = ?", devices.leader1!.endpoint)).length).toBe(0);

    // A browser that dropped its subscription: the service answers 410, and it is deleted at once.
    const dropped = push.subscription(410);
    await subscribe(clients.leader1!, dropped);
    await buyAndPay(clients.shopperA!);
    await push.waitFor(dropped.id);
    await expect.poll(async () => (await all("SELECT id FROM push_subscriptions WHERE endpoint = ?", dropped.endpoint)).length).toBe(0);
    // The notices themselves are all in the inbox.
    expect((await noticesOf(LEADER1)).filter((n) => n.kind === "leader.new_order")).toHaveLength(7);
  });
});

describe("inboxes", () => {
  it("show only the reader's notices, newest first, unread emphasised; mark all read", async () => {
    const leaderPage = await (await clients.leader1!.get("/leader/notifications")).text();
    expect(leaderPage).toContain("收到一笔新订单");
    expect(leaderPage).toContain("商家已发货");
    expect(leaderPage).not.toContain("商品已到自提点");
    expect(leaderPage).toContain("8 条未读");
    expect(leaderPage.indexOf("收到一笔新订单")).toBeLessThan(leaderPage.indexOf("商家已发货")); // the latest new orders come first
    expect(leaderPage).toContain('data-read="false"');
    expect(leaderPage).toContain('href="/leader/arrivals"');
    expect(leaderPage).toContain('data-push-state="checking"');

    const shopperPage = await (await clients.shopperA!.get("/me/notifications")).text();
    expect(shopperPage).toContain("商品已到自提点");
    expect(shopperPage).toContain(`href="/orders/${orders.A}"`);
    expect(shopperPage).not.toContain("收到一笔新订单");
    expect(shopperPage).toContain("1 条未读");
    expect(await (await clients.shopperA!.get("/me")).text()).toMatch(/消息通知[\s\S]*1 条未读/);

    const leader2Page = await (await clients.leader2!.get("/leader/notifications")).text();
    expect(leader2Page).toContain("暂无消息");
    expect(leader2Page).not.toContain('data-testid="inbox-item"');
    expect((await clients.shopperA!.get("/leader/notifications")).status).toBe(403);

    const marked = await clients.leader1!.post("/leader/notifications", { intent: "mark-all-read" });
    expect(marked.status).toBe(200);
    expect(await marked.text()).toContain("已将 8 条消息标为已读");
    expect((await all("SELECT id FROM notifications WHERE user_id = ? AND read_at IS NULL", LEADER1)).length).toBe(0);
    // Another reader's unread notices are untouched.
    expect((await all("SELECT id FROM notifications WHERE read_at IS NULL AND user_id <> ?", LEADER1)).length).toBe(3);
    expect((await clients.leader1!.post("/leader/notifications", { intent: "nope" })).status).toBe(400);
  });

  it("page by 20 with a cursor; a bad cursor is a 400", async () => {
    const t0 = Date.now() - 86_400_000;
    await worker.d1.batch(
      Array.from({ length: 25 }, (_, i) =>
        worker.d1
          .prepare("INSERT INTO notifications (id, user_id, kind, data, link, created_at) VALUES (?, ?, 'leader.new_order', ?, '/leader', ?)")
          .bind(`ntf_page${String(i).padStart(16, "0")}`, LEADER2, JSON.stringify({ orderId: `ord_${i}`, amount: `¥${i}.00`, count: i + 1 }), t0 + i * 1000),
      ),
    );
    const first = await (await clients.leader2!.get("/leader/notifications")).text();
    expect(first.match(/data-testid="inbox-item"/g)).toHaveLength(20);
    expect(first).toContain("实付 ¥24.00");
    expect(first).not.toContain("实付 ¥4.00");
    const cursor = /href="\/leader\/notifications\?before=([^"]+)"/.exec(first)?.[1];
    expect(decodeURIComponent(cursor!)).toBe(`${t0 + 5000}.ntf_page${"5".padStart(16, "0")}`);
    const second = await (await clients.leader2!.get(`/leader/notifications?before=${cursor}`)).text();
    expect(second.match(/data-testid="inbox-item"/g)).toHaveLength(5);
    expect(second).toContain("实付 ¥4.00");
    expect(second).toContain("回到最新消息");
    expect(second).not.toContain("更早的消息");
    expect((await clients.leader2!.get("/leader/notifications?before=yesterday")).status).toBe(400);
  });
});

describe("without VAPID settings", () => {
  let plain: TestWorker;
  beforeAll(async () => {
    plain = await startWorker({ vars: { VAPID_PUBLIC_KEY: "", VAPID_PRIVATE_KEY: "", VAPID_SUBJECT: "" } });
  });
  afterAll(async () => {
    await plain?.dispose();
  });

  it("push is off: notices stay in-app, nothing is sent, and the page says push is unavailable", async () => {
    const leader = await signIn("leader1@demo.tuangou.test", plain);
    const device = push.subscription();
    expect((await leader.post("/me/push", subscribeForm(device))).status).toBe(200);
    const shopper = await signIn("shopper1@demo.tuangou.test", plain);
    await shopper.post("/pickup", { pickupPointId: SUNSHINE });
    await shopper.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "1" });
    const html = await (await shopper.get("/checkout?coupon=none")).text();
    const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
    const placed = await shopper.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
    await shopper.post(`/pay/sandbox/${placed.headers.get("location")!.split("/").pop()}`, { outcome: "succeeded" });
    const rows = await plain.d1.prepare("SELECT kind FROM notifications WHERE user_id = ?").bind(LEADER1).all<{ kind: string }>();
    expect(rows.results).toEqual([{ kind: "leader.new_order" }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(push.pushesTo(device.id)).toEqual([]);
    const page = await (await leader.get("/leader/notifications")).text();
    expect(page).toContain('data-push-state="unavailable"');
    expect(page).toContain("本站暂未开通推送通知");
    const config = await plain.fetch("/api/v1/push/config");
    expect(await config.json()).toEqual({ vapidPublicKey: null });
    plain.expectNoServerErrors();
  });
});
