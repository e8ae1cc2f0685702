/**
 * A simulated day (issue 11 item 4): N shoppers, M leaders and K merchants drive the built Worker
 * (Miniflare: real D1, Durable Objects, Queues) through a full cycle, then the day's invariants
 * are checked with SQL.
 *
 * Setup (the actors, their catalogue, a group-deal campaign and a flash sale) is written straight
 * into D1 in batches; the day itself goes through the Worker as clients would: the /api/v1 shopper
 * and leader API (bearer tokens), the merchant and shopper web forms (the same tokens as session
 * cookies), signed sandbox payment notifications (some sent twice), the cron handlers with their
 * scheduled times and the settlement queue (some `order.settle` messages sent again).
 *
 * The only clock moved by hand: after the pickups, `picked_up_at` of the picked-up orders goes back
 * eight days (the after-sales window passes), as the settlement tests write picked-up orders in the
 * past. Group deadlines, unpaid orders and the cut-off pass by running their crons at later times.
 *
 * Used by `npm run simulate` (scripts/simulate.ts, 10,000 orders by default) and, small, by
 * tests/integration/simulated-day.test.ts.
 */
import { createHash } from "node:crypto";
import { signSandboxNotification } from "../../app/modules/payments/providers";
import { settleDue } from "../support/settlement";
import { startWorker, TEST_SANDBOX_SECRET } from "../support/worker";

export interface DayOptions {
  shoppers: number;
  leaders: number;
  merchants: number;
  /** Orders to place in the day (ordinary, group-deal and flash-sale ones together). */
  orders: number;
  seed?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Shoppers who also browse the HTML pages (home, categories, product, flash sale); default 20. */
  browsers?: number;
  log?: (line: string) => void;
}

export interface Invariant {
  name: string;
  pass: boolean;
  detail: string;
}

export interface DayReport {
  invariants: Invariant[];
  counts: Record<string, number>;
  phases: Array<{ name: string; ms: number }>;
  wallMs: number;
  ok: boolean;
  /** Lines the Worker wrote to stderr (console.error, uncaught errors). */
  stderr: string[];
}

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 3_600_000;
const DEMO_MERCHANT = "mch_demofruit00000000000";
const DEMO_POINT = "pkp_demosunshine00000000";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** mulberry32: a small seeded PRNG, so a run can be repeated. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const run = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

/** An id of the app's shape: prefix + 20 of [0-9a-z]. */
const simId = (prefix: string, kind: string, n: number) => `${prefix}_${kind}${String(n).padStart(20 - kind.length, "0")}`;

interface Sku {
  id: string;
  productId: string;
  merchantId: string;
  priceFen: number;
}
interface Actor {
  id: string;
  token: string;
  pointId?: string;
}

export async function simulateDay(opts: DayOptions): Promise<DayReport> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const rnd = prng(opts.seed ?? 20261126);
  const conc = opts.concurrency ?? 16;
  const counts: Record<string, number> = {};
  const bump = (k: string, by = 1) => (counts[k] = (counts[k] ?? 0) + by);
  const phases: Array<{ name: string; ms: number }> = [];
  let phaseStart = Date.now();
  const phase = (name: string) => {
    const ms = Date.now() - phaseStart;
    phases.push({ name, ms });
    log(`[simulate] ${name.padEnd(34)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
    phaseStart = Date.now();
  };

  const worker = await startWorker();
  const d1 = worker.d1;
  try {
    const now = Date.now();
    phase("start the Worker");

    // ── Setup: actors and their catalogue, straight into D1 ─────────────────────────────────────
    const columnCache = new Map<string, string[]>();
    const columns = async (table: string) => {
      if (!columnCache.has(table)) columnCache.set(table, (await d1.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>()).results.map((r) => r.name));
      return columnCache.get(table)!;
    };
    /** INSERT … SELECT cloning rows of `table` matched by `where`, with some columns replaced by SQL expressions. */
    const cloneSql = async (table: string, where: string, set: Record<string, string>) => {
      const cols = await columns(table);
      return `INSERT INTO ${table} (${cols.join(", ")}) SELECT ${cols.map((c) => set[c] ?? c).join(", ")} FROM ${table} WHERE ${where}`;
    };
    const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
    // Rows as multi-row INSERTs with literal values (one statement per 100 rows): binding thousands
    // of statements one by one goes through Miniflare's proxy a round trip each.
    const rows = { users: [] as string[], user_roles: [] as string[], sessions: [] as string[], user_pickup_points: [] as string[] };
    const addUser = (id: string, name: string, role: string, token: string) => {
      rows.users.push(`(${q(id)}, ${q(name)}, 'zh-CN', 'active', ${now}, ${now})`);
      rows.user_roles.push(`(${q(id)}, ${q(role)}, ${now})`);
      rows.sessions.push(`(${q(sha256(token))}, ${q(id)}, ${Math.floor(now / 1000) + 30 * 86_400}, ${now}, 'bearer')`);
    };
    const insertRows = async (head: string, values: string[]) => {
      const statements: string[] = [];
      for (let i = 0; i < values.length; i += 100) statements.push(`${head} VALUES ${values.slice(i, i + 100).join(", ")}`);
      for (let i = 0; i < statements.length; i += 50) await d1.batch(statements.slice(i, i + 50).map((sql) => d1.prepare(sql)));
    };
    const tokenOf = (id: string) => `sim-${id}-token-${"s".repeat(24)}`;

    // Merchants: each a clone of 鲜果坊 with an owner and clones of its products (own SKUs and stock).
    const demoProducts = (await d1.prepare("SELECT id FROM products WHERE merchant_id = ? AND status = 'on_shelf' ORDER BY id LIMIT 5").bind(DEMO_MERCHANT).all<{ id: string }>()).results;
    if (demoProducts.length < 3) throw new Error("the demo merchant has too few active products to clone");
    const merchants: Array<Actor & { merchantId: string }> = [];
    const merchantSql: string[] = [];
    const scarceProducts = new Set<string>();
    for (let k = 1; k <= opts.merchants; k++) {
      const owner = simId("usr", "simm", k);
      const merchantId = simId("mch", "sim", k);
      addUser(owner, `模拟商家${k}`, "merchant", tokenOf(owner));
      merchants.push({ id: owner, token: tokenOf(owner), merchantId });
      merchantSql.push(
        await cloneSql("merchants", `id = ${q(DEMO_MERCHANT)}`, { id: q(merchantId), name: q(`模拟商家${k}`), licence_no_hash: q(`simlicence${k}`), created_by: q(owner) }),
        `INSERT INTO merchant_staff (merchant_id, user_id, staff_role, created_at) VALUES (${q(merchantId)}, ${q(owner)}, 'owner', ${now})`,
      );
      for (const [p, product] of demoProducts.entries()) {
        const productId = simId("prd", `sim${k}p`, p);
        merchantSql.push(await cloneSql("products", `id = ${q(product.id)}`, { id: q(productId), merchant_id: q(merchantId), created_at: String(now), updated_at: String(now) }));
        // The last product of each merchant is scarce (oversell pressure), the others plentiful.
        if (p === demoProducts.length - 1) scarceProducts.add(productId);
        const stock = p === demoProducts.length - 1 ? Math.max(8, Math.ceil(opts.orders / opts.merchants / 25)) : opts.orders * 3;
        merchantSql.push(
          await cloneSql("skus", `product_id = ${q(product.id)}`, { id: `'sku_sim${k}p${p}' || printf('%0${20 - `sim${k}p${p}`.length}d', rowid)`, product_id: q(productId), stock: String(stock), updated_at: String(now) }),
        );
      }
    }
    // Leaders: each runs a pickup point cloned from 阳光花园.
    const leaders: Array<Actor & { pointId: string }> = [];
    for (let m = 1; m <= opts.leaders; m++) {
      const id = simId("usr", "siml", m);
      const pointId = simId("pkp", "sim", m);
      addUser(id, `模拟团长${m}`, "leader", tokenOf(id));
      leaders.push({ id, token: tokenOf(id), pointId });
      merchantSql.push(await cloneSql("pickup_points", `id = ${q(DEMO_POINT)}`, { id: q(pointId), leader_user_id: q(id), name: q(`模拟自提点${m}`), invite_code: q(`SIM${m}`) }));
    }
    // Shoppers, each with a bearer session and one of the leaders' points.
    const shoppers: Actor[] = [];
    for (let s = 1; s <= opts.shoppers; s++) {
      const id = simId("usr", "sims", s);
      const pointId = leaders[(s - 1) % leaders.length]!.pointId;
      addUser(id, `模拟团员${s}`, "shopper", tokenOf(id));
      rows.user_pickup_points.push(`(${q(id)}, ${q(pointId)}, 'chosen', ${now})`);
      shoppers.push({ id, token: tokenOf(id), pointId });
    }
    await insertRows("INSERT INTO users (id, display_name, locale, status, created_at, updated_at)", rows.users);
    await insertRows("INSERT INTO user_roles (user_id, role, created_at)", rows.user_roles);
    await insertRows("INSERT INTO sessions (id, user_id, expires_at, created_at, kind)", rows.sessions);
    for (let i = 0; i < merchantSql.length; i += 200) await d1.batch(merchantSql.slice(i, i + 200).map((s) => d1.prepare(s)));
    await insertRows("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at)", rows.user_pickup_points);
    const allSkus = (
      await d1
        .prepare("SELECT s.id, s.product_id AS productId, p.merchant_id AS merchantId, s.price_fen AS priceFen FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id LIKE 'mch_sim%' AND s.status = 'active' ORDER BY s.id")
        .all<Sku>()
    ).results;
    // Merchant 1's first SKU carries the group-deal campaign, its second the flash sale; the rest are bought from the cart.
    const groupSku = allSkus.find((s) => s.productId === simId("prd", "sim1p", 0))!;
    const flashSku = allSkus.find((s) => s.productId === simId("prd", "sim1p", 1))!;
    const cartSkus = allSkus.filter((s) => s.productId !== groupSku.productId && s.productId !== flashSku.productId);
    const scarceSkus = cartSkus.filter((s) => scarceProducts.has(s.productId));
    const plentySkus = cartSkus.filter((s) => !scarceSkus.includes(s));

    const groupTarget = Math.max(6, Math.round(opts.orders * 0.05));
    const flashStock = Math.max(5, Math.round(opts.orders * 0.03));
    const campaignId = simId("gdc", "sim", 1);
    const flashId = simId("fls", "sim", 1);
    await d1.batch([
      d1
        .prepare(
          `INSERT INTO group_deal_campaigns (id, merchant_id, product_id, sku_id, tiers, duration_minutes, per_user_limit, starts_at, ends_at, leader_only, status, created_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 60, 10, ?, ?, 0, 'approved', ?, ?, ?)`,
        )
        .bind(campaignId, groupSku.merchantId, groupSku.productId, groupSku.id, JSON.stringify([{ size: 3, unitPriceFen: Math.round(groupSku.priceFen * 0.9) }, { size: 5, unitPriceFen: Math.round(groupSku.priceFen * 0.8) }]), now - 60_000, now + 7 * DAY, merchants[0]!.id, now, now),
      // Approval sets the sale's units aside from the SKU's stock (flash-sales/admin.server.ts), in one batch.
      d1
        .prepare(
          `INSERT INTO flash_sales (id, merchant_id, product_id, sku_id, flash_price_fen, stock, shards, per_user_limit, payment_timeout_seconds, early_access_minutes, starts_at, ends_at, status, created_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 1, 1, 900, '{}', ?, ?, 'approved', ?, ?, ?)`,
        )
        .bind(flashId, flashSku.merchantId, flashSku.productId, flashSku.id, Math.round(flashSku.priceFen / 2), flashStock, now - 60_000, now + 6 * HOUR, merchants[0]!.id, now, now),
      d1.prepare("UPDATE skus SET stock = stock - ? WHERE id = ?").bind(flashStock, flashSku.id),
    ]);
    const initialStock = new Map((await d1.prepare("SELECT id, stock FROM skus").all<{ id: string; stock: number }>()).results.map((r) => [r.id, r.stock]));
    counts.shoppers = shoppers.length;
    counts.leaders = leaders.length;
    counts.merchants = merchants.length;
    counts.skus = allSkus.length;
    phase("setup (D1)");

    // ── Clients ─────────────────────────────────────────────────────────────────────────────────
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const track = (what: string, res: Response) => {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) serverErrors.push(`${what} → ${res.status}`);
      return res;
    };
    /**
     * workerd resets a request that waited about 5 s in its queue (docs/benchmarks.md); on a loaded
     * machine a client then retries, as a phone would. Counted, and at most three times.
     */
    const fetchRetrying = async (path: string, init: RequestInit): Promise<Response> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await worker.fetch(path, init);
        } catch (error) {
          if (attempt === 3) throw error;
          bump("connection resets retried");
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    };
    const ip = (i: number) => `198.51.${100 + (i % 100)}.${1 + (i % 250)}`;
    const api = async (path: string, init: { token?: string; body?: unknown; method?: string; key?: string; ip?: string } = {}) => {
      const headers: Record<string, string> = { "CF-Connecting-IP": init.ip ?? "198.51.100.7", "Accept-Language": "zh-CN" };
      if (init.body !== undefined) headers["Content-Type"] = "application/json";
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      if (init.key) headers["Idempotency-Key"] = init.key;
      const method = init.method ?? (init.body === undefined ? "GET" : "POST");
      return track(`${method} /api/v1${path}`, await fetchRetrying(`/api/v1${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }));
    };
    const json = async <T>(res: Response) => (await res.json()) as T;
    /** A browser: the same session token as the `tg_session` cookie. */
    const browser = (actor: Actor, i: number) => {
      const c = worker.client({ ip: ip(i) });
      c.cookies.set("tg_session", actor.token);
      return {
        get: async (path: string) => track(`GET ${path}`, await c.get(path)),
        post: async (path: string, form: Record<string, string>) => track(`POST ${path}`, await c.post(path, form)),
        multipart: async (path: string, form: FormData) => track(`POST ${path}`, await c.postMultipart(path, form)),
      };
    };
    const drain = (res: Response) => res.arrayBuffer().then(() => undefined);

    let trade = 0;
    /** Pays an order through the sandbox: start, then the provider's signed notification (sometimes twice, sometimes at once twice). */
    const pay = async (shopper: Actor, orderId: string, amountFen: number, i: number) => {
      const startedRes = await api(`/orders/${orderId}/payments`, { token: shopper.token, body: { provider: "sandbox" }, ip: ip(i) });
      if (startedRes.status !== 201) {
        bump(`payment start ${startedRes.status}`);
        await drain(startedRes);
        return false;
      }
      const { paymentId } = await json<{ paymentId: string }>(startedRes);
      const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: `SBXSIM${++trade}`, status: "succeeded", amountFen, paidAt: Date.now() }, Date.now());
      const notify = () => fetchRetrying("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body }).then((r) => track("POST notify", r));
      const roll = rnd.next();
      const results = roll < 0.1 ? await Promise.all([notify(), notify()]) : roll < 0.25 ? [await notify(), await notify()] : [await notify()];
      bump("notifications sent", results.length);
      if (results.length > 1) bump("notifications replayed", results.length - 1);
      for (const r of results) if (r.status !== 204) bump(`notification ${r.status}`);
      await Promise.all(results.map(drain));
      bump("payments captured");
      return true;
    };

    // ── Browse ──────────────────────────────────────────────────────────────────────────────────
    const browsers = shoppers.slice(0, Math.min(shoppers.length, opts.browsers ?? 20));
    const pages = ["/", "/categories", `/products/${cartSkus[0]!.productId}`, `/products/${groupSku.productId}`, `/flash-sales/${flashId}`];
    await pool(browsers, conc, async (s, i) => {
      const b = browser(s, i);
      for (const page of pages) {
        const res = await b.get(page);
        if (res.status !== 200) bump(`browse ${page} ${res.status}`);
        await drain(res);
        bump("pages browsed");
      }
      const listed = await api(`/products?page=1`, { token: s.token, ip: ip(i) });
      await drain(listed);
      await drain(await api(`/group-deals?productId=${groupSku.productId}`, { token: s.token, ip: ip(i) }));
      bump("api browsed", 2);
    });
    phase("browse");

    // ── Group deals: groups per pickup point, some reach a tier, some stay short ───────────────
    const byPoint = new Map<string, Actor[]>();
    for (const s of shoppers) byPoint.set(s.pointId!, [...(byPoint.get(s.pointId!) ?? []), s]);
    const groupPlans: Array<{ members: Actor[] }> = [];
    let planned = 0;
    for (let g = 0; planned < groupTarget; g++) {
      const point = leaders[g % leaders.length]!.pointId;
      const people = byPoint.get(point) ?? [];
      if (people.length === 0) continue;
      // Sizes 1–6: 1–2 fail, 3–4 reach the first tier, 5 fills the group, 6 has one member turned away.
      const size = Math.min(people.length, g === 0 ? 2 : g === 1 ? 4 : 1 + rnd.int(6));
      const offset = rnd.int(people.length);
      groupPlans.push({ members: Array.from({ length: size }, (_, i) => people[(offset + i) % people.length]!) });
      planned += size;
    }
    await pool(groupPlans, Math.max(1, Math.floor(conc / 2)), async (plan, gi) => {
      const [starter, ...joiners] = plan.members;
      const startRes = await api("/group-deals", { token: starter!.token, body: { campaignId, quantity: 1 }, key: `sim-group-${gi}`, ip: ip(gi) });
      if (startRes.status !== 201) {
        bump(`group start ${startRes.status}`);
        await drain(startRes);
        return;
      }
      const started = await json<{ groupId: string; orderId: string; payableFen: number }>(startRes);
      bump("groups started");
      bump("orders placed");
      bump("group orders");
      await pay(starter!, started.orderId, started.payableFen, gi);
      for (const [j, member] of joiners.entries()) {
        const res = await api(`/group-deals/${started.groupId}/join`, { token: member.token, body: { quantity: 1, invitedBy: starter!.id }, ip: ip(gi + j) });
        if (res.status !== 201) {
          bump(`group join ${res.status}`);
          await drain(res);
          continue;
        }
        const { orderId, payableFen } = await json<{ orderId: string; payableFen: number }>(res);
        bump("orders placed");
        bump("group orders");
        await pay(member, orderId, payableFen, gi + j);
      }
    });
    phase("group deals");

    // ── Flash sale: twice as many buyers as units, all at once ──────────────────────────────────
    const flashBuyers = Array.from({ length: flashStock * 2 }, (_, i) => shoppers[i % shoppers.length]!);
    const flashOrders: Array<{ shopper: Actor; orderId: string; payableFen: number }> = [];
    await pool(flashBuyers, conc * 2, async (s, i) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await api(`/flash-sales/${flashId}/reservations`, { token: s.token, body: { quantity: 1 }, key: `sim-flash-${i}`, ip: ip(i) });
        if (res.status === 503) {
          bump("flash busy (retried)");
          await drain(res);
          await new Promise((r) => setTimeout(r, 200 + rnd.int(300)));
          continue;
        }
        if (res.status === 201) {
          flashOrders.push({ shopper: s, ...(await json<{ orderId: string; payableFen: number }>(res)) });
          bump("flash reservations");
          bump("orders placed");
        } else {
          const body = await json<{ error: { code: string } }>(res);
          bump(`flash refused ${body.error.code}`);
        }
        return;
      }
    });
    await pool(flashOrders, conc, async (o, i) => {
      if (rnd.chance(0.9)) await pay(o.shopper, o.orderId, o.payableFen, i);
      else bump("flash left unpaid");
    });
    phase("flash sale");

    // ── Ordinary orders through the cart: each shopper one order after the other ───────────────
    const ordinaryTarget = Math.max(0, opts.orders - (counts["orders placed"] ?? 0));
    const perShopper = new Map<Actor, number>();
    for (let i = 0; i < ordinaryTarget; i++) {
      const s = shoppers[i % shoppers.length]!;
      perShopper.set(s, (perShopper.get(s) ?? 0) + 1);
    }
    const paidOrdinary: Array<{ shopper: Actor; orderId: string }> = [];
    let attemptsLeft = ordinaryTarget * 2; // refusals (sold out) are retried with another cart, up to a bound
    await pool([...perShopper], conc, async ([s, n], si) => {
      for (let placed = 0; placed < n && attemptsLeft > 0; attemptsLeft--) {
        const lines = 1 + rnd.int(2);
        for (let l = 0; l < lines; l++) {
          const sku = rnd.chance(0.1) ? rnd.pick(scarceSkus) : rnd.pick(plentySkus);
          const res = await api(`/cart/items/${sku.id}`, { method: "PUT", token: s.token, body: { quantity: 1 + rnd.int(3) }, ip: ip(si) });
          if (res.status !== 200) bump(`cart put ${res.status}`);
          await drain(res);
        }
        const key = `sim-order-${s.id.slice(-8)}-${placed}-${attemptsLeft}`;
        const res = await api("/orders", { token: s.token, body: { couponId: "none" }, key, ip: ip(si) });
        if (res.status !== 201) {
          const body = await json<{ error: { code: string } }>(res);
          bump(`order refused ${body.error.code}`);
          // Empty the cart (what a shopper does on "sold out") and try again.
          const cart = await json<{ lines?: Array<{ skuId: string }> }>(await api("/cart", { token: s.token, ip: ip(si) }));
          for (const item of cart.lines ?? []) await drain(await api(`/cart/items/${item.skuId}`, { method: "PUT", token: s.token, body: { quantity: 0 }, ip: ip(si) }));
          continue;
        }
        const { orderId, payableFen } = await json<{ orderId: string; payableFen: number }>(res);
        placed++;
        bump("orders placed");
        if (bump("ordinary orders") % 1000 === 0) log(`[simulate]   … ${counts["ordinary orders"]} of ${ordinaryTarget} ordinary orders (${((Date.now() - phaseStart) / 1000).toFixed(0)} s)`);
        if (rnd.chance(0.05)) {
          // A double-tapped "place order": the same key answers the same order.
          const again = await api("/orders", { token: s.token, body: { couponId: "none" }, key, ip: ip(si) });
          const replayed = again.status === 200 ? (await json<{ orderId: string }>(again)).orderId : (await drain(again), null);
          bump(replayed === orderId ? "order replays answered the same order" : "order replays answered differently");
        }
        if (rnd.chance(0.92)) {
          if (await pay(s, orderId, payableFen, si)) paidOrdinary.push({ shopper: s, orderId });
        } else bump("ordinary left unpaid");
      }
    });
    phase("ordinary orders and payments");

    // A few shoppers change their minds before the cut-off: a paid order cancelled is refunded.
    const cancelling = paidOrdinary.filter((_, i) => i === 0 || rnd.chance(0.03));
    await pool(cancelling, conc, async (o, i) => {
      const res = await api(`/orders/${o.orderId}/cancel`, { token: o.shopper.token, body: { reason: "changed my mind" }, ip: ip(i) });
      bump(res.status === 200 ? "cancelled after paying" : `cancel ${res.status}`);
      await drain(res);
    });
    phase("cancellations");

    // ── Two hours later: group deadlines passed (the cron's safety net closes them), unpaid orders expire ──
    const later = now + 2 * HOUR;
    const unpaidPastDue = async (at: number) =>
      Number((await d1.prepare("SELECT count(*) AS n FROM orders WHERE status = 'pending_payment' AND pay_by < ?").bind(at).first<{ n: number }>())!.n);
    // The minute cron expires at most 200 unpaid orders a run: tick minute by minute until none is
    // left past its pay-by time, as the real cron would in the minutes after.
    let minute = 0;
    do {
      await worker.scheduled("* * * * *", later + minute * 60_000);
      minute++;
    } while (minute < 2 || (minute < 120 && (await unpaidPastDue(later + minute * 60_000)) > 0));
    counts["expiry cron runs"] = minute;
    await worker.scheduled("*/5 * * * *", Date.now()); // refunds left processing, if any
    phase("group close + unpaid expiry (cron)");

    // ── The cut-off: tomorrow 21:00:30 Shanghai time ─────────────────────────────────────────────
    const shanghaiToday = new Date(now + 8 * HOUR).toISOString().slice(0, 10);
    const cutoffAt = Date.parse(`${shanghaiToday}T13:00:30Z`) + DAY;
    await worker.scheduled("*/2 * * * *", cutoffAt);
    await worker.scheduled("*/2 * * * *", cutoffAt + 120_000); // a second tick changes nothing
    counts["cut-off runs"] = Number((await d1.prepare("SELECT count(*) AS n FROM cutoff_runs").first<{ n: number }>())!.n);
    phase("cut-off (cron)");

    // ── Merchants ship their batches ────────────────────────────────────────────────────────────
    const batches = (await d1.prepare("SELECT id, merchant_id AS merchantId, pickup_point_id AS pointId FROM delivery_batches ORDER BY id").all<{ id: string; merchantId: string; pointId: string }>()).results;
    counts["delivery batches"] = batches.length;
    await pool(batches, conc, async (b, i) => {
      const merchant = merchants.find((m) => m.merchantId === b.merchantId)!;
      const res = await browser(merchant, i).post("/merchant/fulfilment?index", { intent: "ship", batchId: b.id });
      bump(res.status === 200 ? "batches shipped" : `ship ${res.status}`);
      await drain(res);
    });
    phase("shipping");

    // ── Leaders confirm arrival; some batches arrive a unit short ───────────────────────────────
    await pool(batches, conc, async (b, i) => {
      const leader = leaders.find((l) => l.pointId === b.pointId)!;
      const items = (await d1.prepare("SELECT sku_id AS skuId, expected_qty AS qty FROM delivery_batch_items WHERE batch_id = ?").bind(b.id).all<{ skuId: string; qty: number }>()).results;
      const short = i === 0 || rnd.chance(0.15) ? rnd.int(items.length) : -1;
      const body = { items: items.map((it, k) => (k === short && it.qty > 0 ? { skuId: it.skuId, received: it.qty - 1, note: "运输途中压坏" } : { skuId: it.skuId, received: it.qty })) };
      const res = await api(`/leader/arrivals/${b.id}`, { token: leader.token, body, ip: ip(i) });
      if (res.status === 200) {
        const r = await json<{ shortageQty: number; refundIds: string[] }>(res);
        bump("batches arrived");
        bump("units short", r.shortageQty);
        bump("shortage refunds", r.refundIds.length);
      } else {
        bump(`arrival ${res.status}`);
        await drain(res);
      }
    });
    await worker.scheduled("*/5 * * * *", Date.now());
    phase("arrival with shortages");

    // ── Pickups: the shopper shows the code, the leader hands over; some never come ─────────────
    // Each leader opens the point's pickup list (what the hand-over screen shows).
    await pool(leaders, conc, async (l, i) => {
      const res = await api("/leader/pickups", { token: l.token, ip: ip(i) });
      if (res.status !== 200) bump(`pickup list ${res.status}`);
      await drain(res);
    });
    const ready = (await d1.prepare("SELECT id, user_id AS userId, pickup_point_id AS pointId FROM orders WHERE status = 'ready_for_pickup' ORDER BY id").all<{ id: string; userId: string; pointId: string }>()).results;
    const shopperById = new Map(shoppers.map((s) => [s.id, s]));
    await pool(ready, conc, async (o, i) => {
      if (i === 0 || rnd.chance(0.06)) return bump("left uncollected");
      const shopper = shopperById.get(o.userId)!;
      const leader = leaders.find((l) => l.pointId === o.pointId)!;
      const key = `sim-handover-${o.id.slice(4)}`;
      // A quarter show their code (read from their order), the rest are found on the leader's list by order.
      let body: { code: string } | { orderId: string } = { orderId: o.id };
      if (rnd.chance(0.25)) {
        const view = await json<{ order: { pickupCode: string } }>(await api(`/orders/${o.id}`, { token: shopper.token, ip: ip(i) }));
        body = { code: view.order.pickupCode };
        bump("handed over by code");
      }
      const res = await api("/leader/pickups", { token: leader.token, body, key, ip: ip(i + 1) });
      bump(res.status === 201 ? "picked up" : `handover ${res.status}`);
      await drain(res);
      if (rnd.chance(0.05)) {
        // The leader's phone sends the hand-over again (flaky network): the replay changes nothing.
        const again = await api("/leader/pickups", { token: leader.token, body, key, ip: ip(i + 1) });
        bump(again.status === 200 ? "handover replays" : `handover replay ${again.status}`);
        await drain(again);
      }
    });
    phase("pickups");

    // ── After-sales: a few shoppers ask for a refund, the merchant approves a unit or refuses ───
    const pickedUp = (
      await d1
        .prepare(
          `SELECT o.id, o.user_id AS userId, min(l.merchant_id) AS merchantId, min(l.id) AS lineId FROM orders o JOIN order_lines l ON l.order_id = o.id
           WHERE o.status = 'picked_up' AND o.flash_sale_id IS NULL GROUP BY o.id HAVING count(DISTINCT l.merchant_id) = 1 ORDER BY o.id`,
        )
        .all<{ id: string; userId: string; merchantId: string; lineId: string }>()
    ).results;
    const afterSales = pickedUp.filter((_, i) => i < 2 || rnd.chance(0.04));
    await pool(afterSales, conc, async (o, i) => {
      const shopper = shopperById.get(o.userId)!;
      const fd = new FormData();
      fd.append("intent", "after-sales");
      fd.append("reason", "damaged");
      fd.append("note", "有一个压坏了");
      const asked = await browser(shopper, i).multipart(`/orders/${o.id}`, fd);
      await drain(asked);
      if (asked.status !== 302) return bump(`after-sales request ${asked.status}`);
      bump("after-sales requests");
      const refund = await d1.prepare("SELECT id FROM refunds WHERE order_id = ? AND status = 'requested'").bind(o.id).first<{ id: string }>();
      const merchant = browser(merchants.find((m) => m.merchantId === o.merchantId)!, i + 7);
      const decision: Record<string, string> = i === 0 || (i > 1 && rnd.chance(0.75))
        ? { intent: "approve", refundId: refund!.id, "lines[0].lineId": o.lineId, "lines[0].quantity": "1" }
        : { intent: "reject", refundId: refund!.id, reason: "商品完好，不支持退货" };
      const res = await merchant.post(`/merchant/orders/${o.id}`, decision);
      bump(res.status === 302 ? `after-sales ${decision.intent === "approve" ? "approved" : "rejected"}` : `after-sales ${decision.intent} ${res.status}`);
      await drain(res);
    });
    await worker.scheduled("*/5 * * * *", Date.now());
    phase("after-sales");

    // ── A week later: the after-sales window has passed; settlement through cron + queue ─────────
    await d1.prepare("UPDATE orders SET picked_up_at = picked_up_at - ? WHERE status = 'picked_up' AND picked_up_at IS NOT NULL").bind(8 * DAY).run();
    counts["settlement cron runs"] = (await settleDue(worker, { timeoutMs: Math.max(60_000, opts.orders * 150) })).cronRuns;
    phase("settlement (cron + queue)");

    // Redelivery: some order.settle messages arrive again; the ledger must not move.
    const ledgerBefore = Number((await d1.prepare("SELECT count(*) AS n FROM ledger_entries").first<{ n: number }>())!.n);
    const settled = (await d1.prepare("SELECT id FROM orders WHERE settled_at IS NOT NULL ORDER BY id").all<{ id: string }>()).results;
    const redeliver = settled.filter(() => rnd.chance(0.1));
    const queue = await worker.queueProducer();
    for (let i = 0; i < redeliver.length; i += 50) {
      await queue.sendBatch(redeliver.slice(i, i + 50).flatMap((o) => [{ body: { v: 1, kind: "order.settle", key: `settle:${o.id}`, orderId: o.id } }, { body: { v: 1, kind: "order.settle", key: `settle:${o.id}`, orderId: o.id } }]));
    }
    counts["settle messages redelivered"] = redeliver.length * 2;
    await worker.scheduled("*/5 * * * *", Date.now());
    await new Promise((r) => setTimeout(r, 3000));
    const ledgerAfter = Number((await d1.prepare("SELECT count(*) AS n FROM ledger_entries").first<{ n: number }>())!.n);
    phase("redelivered settle messages");

    // ── Invariants ──────────────────────────────────────────────────────────────────────────────
    const one = async <T>(sql: string, ...args: unknown[]) => (await d1.prepare(sql).bind(...args).first<T>())!;
    const all = async <T>(sql: string, ...args: unknown[]) => (await d1.prepare(sql).bind(...args).all<T>()).results;
    const n = async (sql: string, ...args: unknown[]) => Number((await one<{ n: number | null }>(sql, ...args)).n ?? 0);
    const invariants: Invariant[] = [];
    const check = (name: string, pass: boolean, detail: string) => invariants.push({ name, pass, detail });

    const byStatus = await all<{ status: string; n: number }>("SELECT status, count(*) AS n FROM orders WHERE user_id LIKE 'usr_sims%' GROUP BY status ORDER BY status");
    const statusText = byStatus.map((s) => `${s.status} ${s.n}`).join(", ");
    const orderCount = byStatus.reduce((t, s) => t + s.n, 0);
    const unexpected = await n(
      `SELECT count(*) AS n FROM orders o WHERE user_id LIKE 'usr_sims%' AND NOT (status IN ('completed', 'cancelled', 'refunded')
         OR (status = 'ready_for_pickup' AND settled_at IS NULL AND NOT EXISTS (SELECT 1 FROM pickup_handovers h WHERE h.order_id = o.id)))`,
    );
    const openGroups = await all<{ id: string; paid: number; deadline: number; members: string }>(
      "SELECT g.id, g.paid_count AS paid, g.deadline_at AS deadline, (SELECT group_concat(m.status || ':' || o.status) FROM group_deal_members m JOIN orders o ON o.id = m.order_id WHERE m.group_id = g.id) AS members FROM group_deals g WHERE g.campaign_id = ? AND g.status NOT IN ('succeeded', 'failed')",
      campaignId,
    );
    check(
      "every order and group terminal or expected",
      unexpected === 0 && orderCount > 0 && openGroups.length === 0,
      `${orderCount} orders: ${statusText}; ${unexpected} unexpected (only uncollected orders may stay ready_for_pickup); groups still open ${openGroups.length}${openGroups.length ? ` (${openGroups.map((g) => `${g.id} paid ${g.paid} deadline ${new Date(g.deadline).toISOString()} members ${g.members}`).join("; ")})` : ""}`,
    );

    const stockRows = await all<{ id: string; stock: number; held: number }>(
      `SELECT s.id, s.stock, coalesce((SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE l.sku_id = s.id AND o.flash_sale_id IS NULL AND o.status NOT IN ('cancelled', 'expired')
            AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = 'group_failed')), 0) AS held
       FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id LIKE 'mch_sim%'`,
    );
    const drift = stockRows.filter((r) => initialStock.get(r.id)! !== r.stock + r.held);
    const sold = stockRows.reduce((t, r) => t + r.held, 0);
    check("stock conserved per SKU", drift.length === 0, `${stockRows.length} SKUs, ${sold} units held by orders; ${drift.length} SKUs off${drift.length ? `: ${drift.slice(0, 3).map((r) => `${r.id} initial ${initialStock.get(r.id)} ≠ ${r.stock} + ${r.held}`).join("; ")}` : ""}`);

    const flash = (await json<{ sale: { counts: { stock: number; sold: number; reserved: number; remaining: number } } }>(await api(`/flash-sales/${flashId}`))).sale.counts;
    const flashHeld = await n(`SELECT sum(l.quantity) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.flash_sale_id = ? AND o.status NOT IN ('cancelled', 'expired', 'pending_payment')`, flashId);
    counts["flash units sold"] = flash.sold;
    check(
      "flash-sale stock = sold + reserved + remaining",
      flash.stock === flashStock && flash.sold + flash.reserved + flash.remaining === flash.stock && flash.sold === flashHeld && flash.reserved === 0,
      `stock ${flash.stock} = sold ${flash.sold} + reserved ${flash.reserved} + remaining ${flash.remaining}; paid flash orders hold ${flashHeld}; ${flashBuyers.length} buyers`,
    );

    const negative = await n("SELECT count(*) AS n FROM skus WHERE stock < 0");
    const overfull = await n("SELECT count(*) AS n FROM group_deals g WHERE (SELECT count(*) FROM group_deal_members m WHERE m.group_id = g.id AND m.status = 'paid') > g.capacity");
    const flashOverLimit = await n(`SELECT count(*) AS n FROM (SELECT o.user_id, sum(l.quantity) AS q FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.flash_sale_id = ? AND o.status NOT IN ('cancelled', 'expired') GROUP BY o.user_id) WHERE q > 1`, flashId);
    check("no oversell", negative === 0 && overfull === 0 && flash.sold <= flashStock && flashOverLimit === 0, `SKUs below zero ${negative}; groups past capacity ${overfull}; flash sold ${flash.sold} ≤ ${flashStock}; flash buyers over their limit ${flashOverLimit}`);

    const unbalanced = await n("SELECT count(*) AS n FROM (SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(debit_fen) <> sum(credit_fen))");
    const totals = await one<{ d: number; c: number; t: number }>("SELECT coalesce(sum(debit_fen), 0) AS d, coalesce(sum(credit_fen), 0) AS c, count(DISTINCT transaction_id) AS t FROM ledger_entries");
    check("ledger balanced", unbalanced === 0 && totals.d === totals.c, `${totals.t} transactions, ${unbalanced} unbalanced; Σ debits ${totals.d} fen = Σ credits ${totals.c} fen`);

    const captured = await n("SELECT sum(p.amount_fen) AS n FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.status = 'succeeded' AND o.user_id LIKE 'usr_sims%'");
    const refunded = await n("SELECT sum(r.amount_fen) AS n FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.status = 'succeeded' AND o.user_id LIKE 'usr_sims%'");
    const clearing = await n("SELECT sum(debit_fen) - sum(credit_fen) AS n FROM ledger_entries WHERE account = 'clearing:payments'");
    const unsettledNet = await n(
      `SELECT sum(coalesce((SELECT sum(amount_fen) FROM payments p WHERE p.order_id = o.id AND p.status = 'succeeded'), 0)
                - coalesce((SELECT sum(amount_fen) FROM refunds r WHERE r.order_id = o.id AND r.status = 'succeeded'), 0)) AS n
       FROM orders o WHERE o.user_id LIKE 'usr_sims%' AND o.settled_at IS NULL`,
    );
    const orderMismatch = await n(
      `SELECT count(*) AS n FROM orders o WHERE o.user_id LIKE 'usr_sims%' AND (o.paid_fen <> coalesce((SELECT sum(amount_fen) FROM payments p WHERE p.order_id = o.id AND p.status = 'succeeded'), 0)
         OR o.refunded_fen <> coalesce((SELECT sum(amount_fen) FROM refunds r WHERE r.order_id = o.id AND r.status = 'succeeded'), 0)
         OR (o.status IN ('cancelled', 'refunded') AND o.paid_fen <> o.refunded_fen))`,
    );
    counts["captured fen"] = captured;
    counts["refunded fen"] = refunded;
    check(
      "ledger = payments − refunds (to the fen)",
      clearing + unsettledNet === captured - refunded && orderMismatch === 0,
      `captured ${captured} − refunded ${refunded} = ${captured - refunded} fen; settled in the ledger ${clearing} + held by unsettled (uncollected) orders ${unsettledNet}; orders whose paid/refunded disagree with their payments/refunds ${orderMismatch}`,
    );

    const doubleCharged = await n("SELECT count(*) AS n FROM (SELECT order_id FROM payments WHERE status = 'succeeded' GROUP BY order_id HAVING count(*) > 1)");
    const doublePaidEvents = await n("SELECT count(*) AS n FROM (SELECT order_id FROM order_events WHERE event IN ('pay', 'pay_group') GROUP BY order_id HAVING count(*) > 1)");
    const overpaid = await n("SELECT count(*) AS n FROM orders WHERE user_id LIKE 'usr_sims%' AND paid_fen > payable_fen");
    check(
      "no double charge",
      doubleCharged === 0 && doublePaidEvents === 0 && overpaid === 0,
      `${counts["notifications replayed"] ?? 0} notifications replayed; orders with two captured payments ${doubleCharged}, paid twice on the timeline ${doublePaidEvents}, paid over their price ${overpaid}`,
    );

    const settleTwice = await n("SELECT count(*) AS n FROM (SELECT order_id FROM ledger_transactions WHERE kind = 'order.settle' GROUP BY order_id HAVING count(*) > 1)");
    const unsettledDone = await n("SELECT count(*) AS n FROM orders WHERE user_id LIKE 'usr_sims%' AND status IN ('completed', 'refunded') AND settled_at IS NULL");
    const deadLetters = await n("SELECT count(*) AS n FROM dead_letters");
    counts["orders settled"] = await n("SELECT count(*) AS n FROM orders WHERE user_id LIKE 'usr_sims%' AND settled_at IS NOT NULL");
    check(
      "settlement applied once per order",
      settleTwice === 0 && unsettledDone === 0 && ledgerAfter === ledgerBefore && deadLetters === 0,
      `${counts["orders settled"]} settled; ${redeliver.length * 2} messages redelivered; ledger entries ${ledgerBefore} → ${ledgerAfter}; settled twice ${settleTwice}; completed/refunded but unsettled ${unsettledDone}; dead letters ${deadLetters}`,
    );

    const stderr = [...worker.stderr];
    check("no server errors", serverErrors.length === 0 && stderr.length === 0, `${[...statuses.values()].reduce((a, b) => a + b, 0)} requests (${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}×${c}`).join(", ")}); 5xx ${serverErrors.length}; Worker stderr lines ${stderr.length}`);

    counts.orders = orderCount;
    counts.payments = await n("SELECT count(*) AS n FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.user_id LIKE 'usr_sims%' AND p.status = 'succeeded'");
    counts.refunds = await n("SELECT count(*) AS n FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.user_id LIKE 'usr_sims%' AND r.status = 'succeeded'");
    for (const g of await all<{ status: string; n: number }>("SELECT status, count(*) AS n FROM group_deals WHERE campaign_id = ? GROUP BY status", campaignId)) counts[`groups ${g.status}`] = g.n;
    counts.requests = [...statuses.values()].reduce((a, b) => a + b, 0);
    phase("invariants");
    return { invariants, counts, phases, wallMs: Date.now() - started, ok: invariants.every((i) => i.pass), stderr: [...stderr, ...serverErrors] };
  } finally {
    await worker.dispose();
  }
}

/** The report as text: the invariants table, then the counts. */
export function formatReport(r: DayReport): string {
  const width = Math.max(...r.invariants.map((i) => i.name.length));
  const lines = ["", "Invariant".padEnd(width) + "  Result  Numbers", "-".repeat(width + 2 + 6 + 2 + 40)];
  for (const i of r.invariants) lines.push(`${i.name.padEnd(width)}  ${i.pass ? "PASS" : "FAIL"}    ${i.detail}`);
  lines.push("", "Counts:");
  for (const [k, v] of Object.entries(r.counts).sort()) lines.push(`  ${k.padEnd(40)} ${v.toLocaleString("en-US")}`);
  lines.push("", `Wall time ${(r.wallMs / 1000).toFixed(1)} s — ${r.ok ? "ALL INVARIANTS HOLD" : "INVARIANTS FAILED"}`);
  return lines.join("\n");
}

