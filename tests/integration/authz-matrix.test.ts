/**
 * Issue 11, item 1 — the authorisation matrix. Every page route of the build's route manifest (its
 * loader as a GET, its action as a form POST) and every operation of the OpenAPI document, for each
 * of seven actors, against a policy table; then object-level probes (IDOR) on every id-bearing path:
 * the owner gets the object, another actor of the same role gets 403/404 and none of it.
 *
 * New routes are covered automatically: a route or operation the policy tables below do not
 * classify fails the first test. Classify it there (README, "Testing").
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptField, lookupHash } from "../../app/lib/field-crypto.server";
import { ADMIN_ROLE_DEFAULTS, type AdminPermission } from "../../app/auth/permissions";
import { priceCart } from "../../app/modules/pricing";
import { insertLedgerOrders } from "../support/ledger-orders";
import { apiOperations, fillPattern, inPool, pageRoutes, type ApiOperation, type PageRoute } from "../support/route-inventory";
import { startWorker, TEST_SECRETS, type Client, type TestWorker } from "../support/worker";

const ACTORS = ["anonymous", "shopper", "leader", "merchant", "admin", "otherLeader", "otherMerchant"] as const;
type Actor = (typeof ACTORS)[number];

// ─── Policy ────────────────────────────────────────────────────────────────────────────────────
/**
 * Who may use a route: `public` (anyone, signed in or not), `user` (any signed-in user; anonymous
 * visitors are sent to /login?redirectTo=…), a role (`leader`, `merchant`: others signed in get
 * 403), `admin` (the admin role and the route's permission — the actor is the super admin), or
 * `nobody` (404 for everyone, e.g. the catch-all).
 */
type Who = "public" | "user" | "leader" | "merchant" | "admin" | "nobody";
interface PageRule {
  get?: Who;
  post?: Who;
  /** Statuses an allowed GET may answer (default [200]). */
  getOk?: number[];
  /** Statuses an allowed POST with an empty form may answer (default: any 2xx/3xx/4xx but 401/403). */
  postOk?: number[];
  /**
   * For a path that names one object: the actors who own the sample object (the GET answers them);
   * every other actor the role allows gets 403 or 404 — the object-level (IDOR) check.
   */
  getOwners?: Actor[];
  /** Why this route is not checked here (covered elsewhere). */
  skip?: string;
}

const ROLE: Record<Exclude<Who, "public" | "user" | "nobody">, Actor[]> = {
  leader: ["leader", "otherLeader"],
  merchant: ["merchant", "otherMerchant"],
  admin: ["admin"],
};

/** Exceptions by route id (checked first). */
const PAGE_EXCEPTIONS: Record<string, PageRule> = {
  "routes/$": { get: "nobody", post: "nobody" },
  "routes/api.v1.$": { skip: "the API: every operation of the OpenAPI document is checked below" },
  "routes/logout": { get: "public", post: "public", getOk: [302, 303], postOk: [302, 303] },
  "routes/_auth.login": { get: "public", post: "public", getOk: [200, 302] },
  "routes/_auth.signup": { get: "public", post: "public", getOk: [200, 302] },
  // No OAuth provider is configured in the test Worker: both answer 404 to everyone.
  "routes/_auth.auth.callback.$provider": { get: "public", getOk: [404] },
  "routes/auth.$provider": { get: "public", getOk: [404] },
  "routes/dev.outbox": { get: "public" },
  "routes/beacon": { get: "public", post: "public", getOk: [405] },
  "routes/preferences": { get: "public", post: "public", getOk: [302, 303, 405] },
  "routes/r.$code": { get: "public", getOk: [303] },
  "routes/s.$code": { get: "public", getOk: [303] },
  "routes/images.$": { get: "public" },
  "routes/review-photos.$reviewId.$file": { get: "public", getOk: [404] },
  "routes/products.$id.poster[.svg]": { get: "public" },
  "routes/_shop.join.merchant.$token": { get: "user", post: "user", getOk: [200, 404] },
  "routes/_shop.checkout": { get: "user", post: "user", getOk: [200, 302, 303] },
  // Action-only routes: GET answers 405 to everyone (before any guard; there is nothing to read).
  "routes/me.push": { get: "public", post: "user", getOk: [405] },
  "routes/leader.notify-customers": { get: "public", post: "leader", getOk: [405] },
  // One object each: only its owner reads it.
  "routes/pay.sandbox.$paymentId": { get: "user", post: "user", getOwners: ["shopper"] },
  "routes/_shop.orders.$id": { get: "user", post: "user", getOwners: ["shopper"] },
  "routes/_shop.orders.$id_.review.$lineId": { get: "user", post: "user", getOwners: ["shopper"] },
  "routes/leader.arrivals.photo.$batchId.$skuId": { get: "leader", getOwners: ["leader"] },
  "routes/merchant.fulfilment.batches.$batchId": { get: "merchant", getOwners: ["merchant"] },
  "routes/merchant.fulfilment.batches.$batchId.photo.$skuId": { get: "merchant", getOwners: ["merchant"] },
  "routes/merchant.orders.$id": { get: "merchant", post: "merchant", getOwners: ["merchant"] },
  "routes/merchant.products.$id": { get: "merchant", post: "merchant", getOwners: ["merchant"] },
};

/**
 * The admin permission each admin route's loader (get) and action (post) asks for ("any-admin":
 * the admin role alone). The super admin holds them all; a sub-admin — the reviewer — is checked
 * too: allowed exactly when their sub-role's set has the permission, else 403.
 */
const ADMIN_PERMS: Record<string, { get?: AdminPermission | "any-admin"; post?: AdminPermission | "any-admin" }> = {
  "routes/admin": { get: "any-admin" },
  "routes/admin._index": { get: "any-admin" },
  "routes/admin.analytics": { get: "read:analytics:any" },
  "routes/admin.analytics[.csv]": { get: "read:analytics:any" },
  "routes/admin.audit": { get: "read:audit-log:any" },
  "routes/admin.audit[.csv]": { get: "read:audit-log:any" },
  "routes/admin.coupons": { get: "manage:coupons:any", post: "manage:coupons:any" },
  "routes/admin.dead-letters": { get: "read:finance:any", post: "manage:payouts:any" },
  "routes/admin.flash-sales": { get: "review:product:any", post: "review:product:any" },
  "routes/admin.fulfilment": { get: "run:cutoff:any", post: "run:cutoff:any" },
  "routes/admin.group-deals": { get: "review:product:any", post: "review:product:any" },
  "routes/admin.leaders": { get: "review:leader:any", post: "review:leader:any" },
  "routes/admin.leaders_.$id.photo": { get: "review:leader:any" },
  "routes/admin.member-products": { get: "read:settings:any", post: "update:settings:any" },
  "routes/admin.merchants": { get: "read:merchant:any", post: "review:merchant:any" },
  "routes/admin.merchants_.$id.licence": { get: "review:merchant:any" },
  "routes/admin.products": { get: "review:product:any", post: "review:product:any" },
  "routes/admin.reconciliation": { get: "read:finance:any", post: "manage:payouts:any" },
  "routes/admin.reconciliation[.csv]": { get: "read:finance:any" },
  "routes/admin.reviews": { get: "moderate:review:any", post: "moderate:review:any" },
  "routes/admin.roles": { get: "manage:admin-roles:any", post: "manage:admin-roles:any" },
  "routes/admin.settings": { get: "read:settings:any", post: "update:settings:any" },
  "routes/admin.settings_.history": { get: "read:settings:any" },
  "routes/admin.users": { get: "read:user:any", post: "update:user-roles:any" },
  // The action's permission follows the intent; without one it is the page's own.
  "routes/admin.users_.$id": { get: "read:user:any", post: "read:user:any" },
  "routes/admin.withdrawals": { get: "read:finance:any", post: "manage:payouts:any" },
};
const REVIEWER_PERMISSIONS: ReadonlySet<string> = new Set(ADMIN_ROLE_DEFAULTS.reviewer);

/** Rules by route-id prefix, first match wins. */
const PAGE_PREFIXES: Array<[RegExp, PageRule]> = [
  [/^routes\/admin(\.|_|$)/, { get: "admin", post: "admin" }],
  [/^routes\/leader(\.|$)/, { get: "leader", post: "leader" }],
  [/^routes\/merchant(\.|$)/, { get: "merchant", post: "merchant" }],
  [/^routes\/_shop\.(me|orders)(\.|_|$)/, { get: "user", post: "user" }],
  // Browsing is public; buying, joining and claiming need an account.
  [/^routes\/_shop\.(products\.\$id|groups\.\$id|flash-sales\.\$id|coupons)$/, { get: "public", post: "user" }],
];

/**
 * The public storefront, by id: a new shop route is not public until it is listed here (the first
 * test fails on it), so a page that forgot its guard is never waved through as "public".
 */
for (const id of ["root", "routes/_shop", "routes/_shop._index", "routes/_shop.categories", "routes/_shop.search", "routes/_shop.flash-sales._index", "routes/_shop.products.$id_.reviews", "routes/_shop.products.$id_.share"]) {
  PAGE_EXCEPTIONS[id] = { get: "public" };
}
// Guests keep a cart and choose a pickup point (in cookies); an invite code sets the point.
for (const id of ["routes/_shop.cart", "routes/_shop.pickup", "routes/_shop.join.$code"]) PAGE_EXCEPTIONS[id] = { get: "public", post: "public" };

function pageRule(id: string): PageRule | undefined {
  return PAGE_EXCEPTIONS[id] ?? PAGE_PREFIXES.find(([re]) => re.test(id))?.[1];
}

/** API operations by operationId: who may call, and a body that passes validation (so the role check is what answers). */
interface ApiRule {
  who: Exclude<Who, "admin" | "nobody">;
  body?: unknown;
  /** Statuses an allowed call may answer (default: anything but 401/403/5xx). */
  ok?: number[];
}
const API_POLICY: Record<string, ApiRule> = {
  // Public catalogue and sign-in.
  requestSignInCode: { who: "public" },
  signIn: { who: "public" },
  paymentNotify: { who: "public", ok: [400] },
  listPickupPoints: { who: "public" },
  listCategories: { who: "public" },
  listProducts: { who: "public" },
  getProduct: { who: "public", ok: [200] },
  listProductReviews: { who: "public", ok: [200] },
  listGroupDeals: { who: "public" },
  getGroupDeal: { who: "public" },
  listFlashSales: { who: "public" },
  getFlashSale: { who: "public" },
  getPushConfig: { who: "public" },
  listClaimableCoupons: { who: "public" },
  // Any signed-in user (their own cart, orders, coupons, groups).
  signOut: { who: "user", ok: [204] },
  getMe: { who: "user", ok: [200] },
  choosePickupPoint: { who: "user" },
  getCart: { who: "user", ok: [200] },
  setCartItem: { who: "user" },
  quoteCart: { who: "user" },
  placeOrder: { who: "user" },
  listOrders: { who: "user", ok: [200] },
  getOrder: { who: "user" },
  cancelOrder: { who: "user" },
  startPayment: { who: "user" },
  reviewOrderLine: { who: "user" },
  startGroupDeal: { who: "user" },
  joinGroupDeal: { who: "user" },
  listMyGroupDeals: { who: "user", ok: [200] },
  reserveFlashSale: { who: "user" },
  claimCoupon: { who: "user" },
  listMyCoupons: { who: "user", ok: [200] },
  savePushSubscription: { who: "user" },
  deletePushSubscription: { who: "user" },
  // The leader app: the bearer's own pickup point.
  getLeaderToday: { who: "leader", ok: [200] },
  getLeaderPickupList: { who: "leader", ok: [200] },
  lookupPickupCode: { who: "leader" },
  handOverPickup: { who: "leader", body: { code: "99999999" }, ok: [404] },
  confirmArrival: { who: "leader", body: { items: [{ skuId: "sku_00000000000000000000", received: 0 }] } },
};

// ─── World ─────────────────────────────────────────────────────────────────────────────────────
let worker: TestWorker;
type Extra = "otherShopper" | "reviewer";
const page = {} as Record<Actor | Extra, Client>;
const token = {} as Record<Actor | Extra, string | null>;
let routes: PageRoute[];
let operations: ApiOperation[];
/** Sample ids owned by the "home" actors (shopper 02, leader1's point, fruit@). */
const s: Record<string, string> = {};
const summary: string[] = [];
/** Checks that end the actor's session (sign-out, log-out): run by the last test. */
const endingChecks: Check[] = [];

const SHOPPER = "usr_demoshopper020000000";
const OTHER_SHOPPER = "usr_demoshopper060000000";
const FRUIT = "mch_demofruit00000000000";
const BABY = "mch_demobaby000000000000";
const SUNSHINE = "pkp_demosunshine00000000";
const LAKESIDE = "pkp_demolakeside00000000";
const ORDER = "ord_authzmatrixa00000001";
const BATCH_DATE = "2026-01-02";
const RECON_RUN = "rcn_authzmatrix000000001";
const OTHER_ORDER = "ord_authzmatrixb00000001";
const ACCOUNTS: Record<Exclude<Actor, "anonymous"> | Extra, { email: string; phone: string }> = {
  shopper: { email: "authz-shopper02@demo.tuangou.test", phone: "13800000102" },
  otherShopper: { email: "authz-shopper06@demo.tuangou.test", phone: "13800000106" },
  leader: { email: "leader1@demo.tuangou.test", phone: "13800000021" },
  otherLeader: { email: "leader2@demo.tuangou.test", phone: "13800000022" },
  merchant: { email: "fruit@demo.tuangou.test", phone: "13800000011" },
  otherMerchant: { email: "baby@demo.tuangou.test", phone: "13800000012" },
  admin: { email: "admin@demo.tuangou.test", phone: "13800000000" },
  /** A sub-admin (审核专员, the reviewer sub-role), for the admin routes' permissions. */
  reviewer: { email: "reviewer@demo.tuangou.test", phone: "13800000001" },
};

async function api(path: string, init: { method?: string; token?: string | null; body?: unknown; ip?: string } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": init.ip ?? "198.51.100.200", "Accept-Language": "zh-CN" };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  return worker.fetch(`/api/v1${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

async function one<T>(sql: string, ...binds: unknown[]): Promise<T> {
  const row = await worker.d1.prepare(sql).bind(...binds).first<T>();
  if (!row) throw new Error(`No sample row for: ${sql}`);
  return row;
}

beforeAll(async () => {
  worker = await startWorker();
  // The two shoppers get an email and the demo password, so the API signs them in as it does the
  // others (a second phone code within the resend interval would be refused).
  for (const who of ["shopper", "otherShopper"] as const) {
    await worker.d1
      .prepare("UPDATE users SET email = ?, email_verified_at = ?, password_hash = (SELECT password_hash FROM users WHERE id = 'usr_demoadmin00000000000') WHERE id = ?")
      .bind(ACCOUNTS[who].email, Date.now(), who === "shopper" ? SHOPPER : OTHER_SHOPPER)
      .run();
  }
  const ids = Object.keys(ACCOUNTS) as Array<keyof typeof ACCOUNTS>;
  page.anonymous = worker.client({ ip: "198.51.100.99" });
  token.anonymous = null;
  await Promise.all(
    ids.map(async (who, i) => {
      const { email, phone } = ACCOUNTS[who];
      const ip = `198.51.100.${10 + i}`;
      const c = worker.client({ ip });
      const signedIn = await c.signInWithPhone(worker, phone);
      if (signedIn.status !== 302) throw new Error(`${who} could not sign in: ${signedIn.status}`);
      page[who] = c;
      const res = await api("/auth/sign-in", { method: "POST", body: { method: "password", email, password: "demo-pass-2026" }, ip });
      if (res.status !== 200) throw new Error(`${who} API sign-in: ${res.status} ${await res.text()}`);
      token[who] = ((await res.json()) as { token: string }).token;
    }),
  );

  routes = pageRoutes();
  const doc = await (await api("/openapi.json")).json();
  operations = apiOperations(doc as never);

  // Sample objects, each owned by the home actor of its role: a collected order of shopper 02 at
  // leader1's point with a 鲜果坊 line (its payment, pickup code and a line to review), and the
  // mirror image — an order of shopper 06 at leader2's point with a 宝宝优选 line.
  const sku = (merchantId: string) =>
    one<{ id: string; productId: string; categoryId: string }>(
      "SELECT s.id, p.id AS productId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = ? ORDER BY p.id, s.id LIMIT 1",
      merchantId,
    );
  const [fruit, baby] = await Promise.all([sku(FRUIT), sku(BABY)]);
  const now = Date.now();
  const rates = { platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 };
  const placed = now - 2 * 86_400_000;
  await insertLedgerOrders(worker, [
    { id: ORDER, userId: SHOPPER, pointId: SUNSHINE, status: "picked_up", createdAt: placed, pickedUpAt: now - 3_600_000, rates, lines: [{ skuId: fruit.id, productId: fruit.productId, merchantId: FRUIT, categoryId: fruit.categoryId, payableFen: 2990 }] },
    { id: OTHER_ORDER, userId: OTHER_SHOPPER, pointId: LAKESIDE, status: "picked_up", createdAt: placed, pickedUpAt: now - 3_600_000, rates, lines: [{ skuId: baby.id, productId: baby.productId, merchantId: BABY, categoryId: baby.categoryId, payableFen: 4590 }] },
  ]);
  // The orders' price breakdowns, as checkout stores them (the order page shows its lines from it).
  for (const [id, k, merchantId, fen] of [[ORDER, fruit, FRUIT, 2990], [OTHER_ORDER, baby, BABY, 4590]] as const) {
    const breakdown = priceCart({ now: placed, lines: [{ lineId: k.id, skuId: k.id, productId: k.productId, merchantId, categoryId: k.categoryId, quantity: 1, unitPriceFen: fen }] });
    await worker.d1.prepare("UPDATE orders SET pricing = ?, pricing_version = ? WHERE id = ?").bind(JSON.stringify(breakdown), breakdown.rulesVersion, id).run();
  }
  s.order = ORDER;
  s.payment = `pay_${ORDER.slice(4)}`;
  s.reviewOrder = ORDER;
  s.reviewLine = `oli_${ORDER.slice(4, 20)}l000`;
  s.otherOrder = OTHER_ORDER;
  s.otherLine = `oli_${OTHER_ORDER.slice(4, 20)}l000`;
  s.merchantOrder = ORDER;
  s.product = fruit.productId;
  s.sku = fruit.id;
  s.otherProduct = baby.productId;
  // Its pickup code, stored as checkout stores one (encrypted, and hashed per point).
  s.pickupCode = "70000001";
  s.otherPickupCode = "71000001";
  const secrets = { ...TEST_SECRETS };
  const setCode = async (orderId: string, point: string, code: string) =>
    worker.d1
      .prepare("UPDATE orders SET pickup_code_enc = ?, pickup_code_hash = ? WHERE id = ?")
      .bind(await encryptField(secrets, "pickup_code", code), await lookupHash(secrets, `pickup:${point}`, code), orderId);
  // The applicant's photo of leader1's point and fruit@'s licence (private images the admin reviews),
  // and a reconciliation run (its CSV).
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
  await Promise.all([
    worker.images.put("applications/authz/point.jpg", jpeg, { httpMetadata: { contentType: "image/jpeg" } }),
    worker.images.put("applications/authz/licence.jpg", jpeg, { httpMetadata: { contentType: "image/jpeg" } }),
  ]);
  await worker.d1.batch([
    await setCode(ORDER, SUNSHINE, s.pickupCode),
    await setCode(OTHER_ORDER, LAKESIDE, s.otherPickupCode),
    worker.d1.prepare("UPDATE pickup_points SET photo_key = 'applications/authz/point.jpg' WHERE id = ?").bind(SUNSHINE),
    worker.d1.prepare("UPDATE merchants SET licence_image_key = 'applications/authz/licence.jpg' WHERE id = ?").bind(FRUIT),
    worker.d1
      .prepare("INSERT INTO reconciliation_runs (id, business_date, trigger, orders_checked, transactions_checked, differences, created_at) VALUES (?, ?, 'manual', 0, 0, 0, ?)")
      .bind(RECON_RUN, BATCH_DATE, Date.now()),
  ]);
  s.inviteCode = (await one<{ code: string }>("SELECT invite_code AS code FROM pickup_points WHERE id = ?", SUNSHINE)).code;
  s.group = (await one<{ id: string }>("SELECT id FROM group_deals ORDER BY id LIMIT 1")).id;
  s.flashSale = (await one<{ id: string }>("SELECT id FROM flash_sales ORDER BY id LIMIT 1")).id;
  s.couponTemplate = (await one<{ id: string }>("SELECT id FROM coupon_templates WHERE claimable = 1 ORDER BY id LIMIT 1")).id;
  s.review = "rev_authzmatrix000000001"; // no review photos in the seed: a well-formed id that is not there
  // A shipped delivery batch of fruit@ to leader1's point, with a shortage photo (private, in R2).
  s.batch = "dlb_authzmatrix000000001";
  await worker.d1.batch([
    worker.d1
      .prepare("INSERT INTO delivery_batches (id, merchant_id, pickup_point_id, delivery_date, status, cutoff_at, shipped_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'shipped', ?, ?, ?, ?)")
      .bind(s.batch, FRUIT, SUNSHINE, BATCH_DATE, now, now, now, now),
    worker.d1
      .prepare("INSERT INTO delivery_batch_items (batch_id, sku_id, product_id, title, spec, expected_qty, shortage_photo_key) VALUES (?, ?, ?, '草莓', '默认', 1, ?)")
      .bind(s.batch, s.sku, s.product, `shortages/${s.batch}/${s.sku}.jpg`),
  ]);
  await worker.images.put(`shortages/${s.batch}/${s.sku}.jpg`, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), { httpMetadata: { contentType: "image/jpeg" } });
}, 120_000);
afterAll(() => worker?.dispose());

/** CPU seconds used so far by this process and by its workerd children (Linux /proc). */
function cpuSeconds(): { node: number; workerd: number } {
  const usage = process.cpuUsage();
  let workerd = 0;
  try {
    const tick = 100; // USER_HZ
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (stat.includes("(workerd)") && Number(fields[1]) === process.pid) workerd += (Number(fields[11]) + Number(fields[12])) / tick;
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return { node: (usage.user + usage.system) / 1e6, workerd };
}

/** Sample values for a page route's params (route id + param name). */
function pageParams(r: PageRoute): Record<string, string> {
  const byRoute: Record<string, Record<string, string>> = {
    "routes/$": { "*": "no-such-page" },
    "routes/images.$": { "*": `products/${s.product}/1.svg` },
    "routes/_auth.auth.callback.$provider": { provider: "wechat" },
    "routes/auth.$provider": { provider: "wechat" },
    "routes/_shop.flash-sales.$id": { id: s.flashSale! },
    "routes/_shop.groups.$id": { id: s.group! },
    "routes/_shop.join.$code": { code: s.inviteCode! },
    "routes/_shop.join.merchant.$token": { token: "no-such-invitation-token" },
    "routes/_shop.orders.$id": { id: s.order! },
    "routes/_shop.orders.$id_.review.$lineId": { id: s.reviewOrder!, lineId: s.reviewLine! },
    "routes/admin.leaders_.$id.photo": { id: SUNSHINE },
    "routes/admin.merchants_.$id.licence": { id: FRUIT },
    "routes/admin.users_.$id": { id: SHOPPER },
    "routes/leader.arrivals.photo.$batchId.$skuId": { batchId: s.batch!, skuId: s.sku! },
    "routes/merchant.fulfilment.batches.$batchId": { batchId: s.batch! },
    "routes/merchant.fulfilment.batches.$batchId.photo.$skuId": { batchId: s.batch!, skuId: s.sku! },
    "routes/merchant.orders.$id": { id: s.merchantOrder! },
    "routes/merchant.products.$id": { id: s.product! },
    "routes/pay.sandbox.$paymentId": { paymentId: s.payment! },
    "routes/r.$code": { code: s.inviteCode! },
    "routes/s.$code": { code: "nosuchcode" },
    "routes/review-photos.$reviewId.$file": { reviewId: s.review!, file: "1.jpg" },
    "routes/_shop.products.$id": { id: s.product! },
    "routes/_shop.products.$id_.reviews": { id: s.product! },
    "routes/_shop.products.$id_.share": { id: s.product! },
    "routes/products.$id.poster[.svg]": { id: s.product! },
  };
  const values = byRoute[r.id];
  if (!values && r.params.length) throw new Error(`No sample ids for ${r.id} (${r.pattern}): add them to pageParams`);
  return values ?? {};
}

/** Query strings some loaders need (a day's sheet, a reconciliation run). */
const PAGE_QUERY: Record<string, string> = {
  "routes/merchant.fulfilment.delivery": `?date=${BATCH_DATE}`,
  "routes/merchant.fulfilment.export": `?date=${BATCH_DATE}&sheet=picking`,
  "routes/merchant.fulfilment.picking": `?date=${BATCH_DATE}`,
  "routes/admin.reconciliation[.csv]": `?run=${RECON_RUN}`,
};

function apiParams(op: ApiOperation): Record<string, string> {
  const idOf: Record<string, string> = { orders: s.order!, "group-deals": s.group!, "flash-sales": s.flashSale!, products: s.product! };
  const id = idOf[op.path.split("/")[1] ?? ""];
  if (op.params.includes("id") && !id) throw new Error(`No sample id for ${op.key}: add one to apiParams`);
  return {
    ...(id ? { id } : {}),
    lineId: s.reviewLine!,
    skuId: s.sku!,
    templateId: s.couponTemplate!,
    code: s.pickupCode!,
    batchId: s.batch!,
    provider: "sandbox",
  };
}

function allowed(who: Who, actor: Actor): boolean {
  if (who === "public") return true;
  if (who === "nobody") return false;
  if (who === "user") return actor !== "anonymous";
  return ROLE[who].includes(actor);
}

interface Check {
  label: string;
  run: () => Promise<string | null>;
  /** Run after every other check (it ends the actor's session). */
  last?: boolean;
}

const loginRedirect = (path: string) => `/login?redirectTo=${encodeURIComponent(path)}`;

/**
 * Remix's single-fetch URL for a route module: `<path>.data` ("/_root.data" for "/"), for a GET
 * narrowed to that one route's loader with `_routes` (so a layout's own loader is checked, not
 * only its child's), for a POST with `?index` when the action is an index route's.
 */
function dataUrl(url: string, routeId: string, method: "GET" | "POST", index: boolean): string {
  const [path = "/", query = ""] = url.split("?");
  const search = new URLSearchParams(query);
  if (method === "GET") search.set("_routes", routeId);
  else if (index) search.set("index", "");
  const file = path === "/" ? "/_root.data" : `${path}.data`;
  return `${file}${search.size ? `?${search}`.replace(/index=(&|$)/, "index$1") : ""}`;
}

/**
 * The status and Location a browser would get. A single-fetch answer carries a redirect in its body
 * (HTTP 202 with a `SingleFetchRedirect`), so read it from there.
 */
async function outcome(res: Response): Promise<{ status: number; location: string | null }> {
  if (res.status === 202 && (res.headers.get("content-type") ?? "").startsWith("text/x-script")) {
    const body = await res.text();
    const m = /"redirect","([^"]*)","status",(\d{3})/.exec(body);
    if (m) return { status: Number(m[2]), location: JSON.parse(`"${m[1]}"`) as string };
    return { status: 202, location: null };
  }
  await res.arrayBuffer(); // read to the end: a cancelled body makes workerd log a broken pipe
  return { status: res.status, location: res.headers.get("location") };
}

/** null when the answer is what the policy expects, else a one-line description of the mismatch. */
function judge(got: { status: number; location: string | null }, path: string, who: Who, actor: Actor, ok: number[] | null, owners?: Actor[]): string | null {
  const { status: st, location: loc } = got;
  const said = `${st}${loc ? ` → ${loc}` : ""}`;
  if (who === "nobody") return st === 404 ? null : `expected 404, got ${said}`;
  if (allowed(who, actor) && owners && !owners.includes(actor)) return st === 403 || st === 404 ? null : `expected 403/404 (not the owner), got ${said}`;
  if (allowed(who, actor)) {
    if (ok) return ok.includes(st) ? null : `expected ${ok.join("/")}, got ${said}`;
    return st >= 500 || st === 401 || st === 403 ? `expected access, got ${said}` : null;
  }
  if (actor === "anonymous") return (st === 302 || st === 303) && loc === loginRedirect(path) ? null : `expected the sign-in redirect, got ${said}`;
  return st === 403 ? null : `expected 403, got ${said}`;
}

describe("authorisation matrix", () => {
  it("classifies every route of the manifest and every operation of the OpenAPI document", () => {
    const unclassifiedPages = routes.filter((r) => (r.hasLoader || r.hasAction) && !pageRule(r.id)).map((r) => r.id);
    const unclassifiedOps = operations.filter((o) => !API_POLICY[o.operationId]).map((o) => `${o.key} (${o.operationId})`);
    expect(unclassifiedPages, "page routes missing from PAGE_EXCEPTIONS / PAGE_PREFIXES").toEqual([]);
    expect(unclassifiedOps, "API operations missing from API_POLICY").toEqual([]);
    // A rule for a route with a loader must say who may GET it, and for one with an action who may POST.
    const incomplete = routes.filter((r) => {
      const rule = pageRule(r.id);
      return rule && !rule.skip && ((r.hasLoader && !rule.get) || (r.hasAction && !rule.post));
    });
    expect(incomplete.map((r) => r.id)).toEqual([]);
    // Every admin route says which permission it needs (and nothing else claims one).
    const adminIds = routes.filter((r) => /^routes\/admin(\.|_|$)/.test(r.id) && (r.hasLoader || r.hasAction)).map((r) => r.id);
    expect(adminIds.filter((id) => !ADMIN_PERMS[id]), "admin routes missing from ADMIN_PERMS").toEqual([]);
    expect(Object.keys(ADMIN_PERMS).filter((id) => !adminIds.includes(id)), "ADMIN_PERMS entries for no admin route").toEqual([]);
    const undeclared = routes.filter((r) => ADMIN_PERMS[r.id] && ((r.hasLoader && !ADMIN_PERMS[r.id]!.get) || (r.hasAction && !ADMIN_PERMS[r.id]!.post)));
    expect(undeclared.map((r) => r.id)).toEqual([]);
    // The document and the policy agree on which operations need a token.
    const mismatched = operations.filter((o) => o.bearer !== (API_POLICY[o.operationId]!.who !== "public")).map((o) => o.key);
    expect(mismatched).toEqual([]);
    // …and on which need a role (the router checks it before reading the body).
    const roleOf = (rule: ApiRule) => (rule.who === "leader" || rule.who === "merchant" ? rule.who : undefined);
    const roleMismatch = operations.filter((o) => o.role !== roleOf(API_POLICY[o.operationId]!)).map((o) => `${o.key}: ${o.role ?? "none"}`);
    expect(roleMismatch).toEqual([]);
    // Policy entries for routes that no longer exist are dead weight.
    const stale = [...Object.keys(PAGE_EXCEPTIONS).filter((id) => !routes.some((r) => r.id === id)), ...Object.keys(API_POLICY).filter((id) => !operations.some((o) => o.operationId === id))];
    expect(stale).toEqual([]);
  });

  it("every route × 7 actors answers as the policy says", async () => {
    const started = Date.now();
    const checks: Check[] = [];
    let pageChecks = 0;
    for (const r of routes) {
      const rule = pageRule(r.id);
      if (!rule || rule.skip) continue;
      const base = fillPattern(r.pattern, pageParams(r)) + (PAGE_QUERY[r.id] ?? "");
      for (const actor of ACTORS) {
        if (r.hasLoader && rule.get) {
          const who = rule.get;
          pageChecks++;
          checks.push({
            label: `${actor} GET ${base} [${r.id}]`,
            run: async () => judge(await outcome(await page[actor].get(dataUrl(base, r.id, "GET", r.index))), base, who, actor, rule.getOk ?? (allowed(who, actor) ? [200] : null), rule.getOwners),
          });
        }
        if (r.hasAction && rule.post) {
          const who = rule.post;
          pageChecks++;
          checks.push({
            label: `${actor} POST ${base}${r.index ? "?index" : ""} [${r.id}]`,
            last: r.id === "routes/logout",
            run: async () => {
              const got = await outcome(await page[actor].post(dataUrl(base, r.id, "POST", r.index), {}));
              return judge(got, base, who, actor, rule.postOk ?? null);
            },
          });
        }
      }
    }
    // The sub-admin on every admin route: their sub-role's permissions decide.
    let subAdminChecks = 0;
    for (const r of routes) {
      const perms = ADMIN_PERMS[r.id];
      if (!perms) continue;
      const base = fillPattern(r.pattern, pageParams(r)) + (PAGE_QUERY[r.id] ?? "");
      for (const [method, perm, has] of [["GET", perms.get, r.hasLoader], ["POST", perms.post, r.hasAction]] as const) {
        if (!has || !perm) continue;
        const may = perm === "any-admin" || REVIEWER_PERMISSIONS.has(perm);
        subAdminChecks++;
        checks.push({
          label: `reviewer ${method} ${base} [${r.id}, ${perm}]`,
          run: async () => {
            const res = method === "GET" ? await page.reviewer.get(dataUrl(base, r.id, "GET", r.index)) : await page.reviewer.post(dataUrl(base, r.id, "POST", r.index), {});
            const { status } = await outcome(res);
            if (!may) return status === 403 ? null : `expected 403 (the reviewer lacks ${perm}), got ${status}`;
            return status === 401 || status === 403 || status >= 500 ? `expected access (${perm}), got ${status}` : null;
          },
        });
      }
    }
    let apiChecks = 0;
    for (const op of operations) {
      const rule = API_POLICY[op.operationId]!;
      const path = fillPattern(op.path, apiParams(op));
      for (const actor of ACTORS) {
        apiChecks++;
        checks.push({
          label: `${actor} ${op.method} /api/v1${path} [${op.operationId}]`,
          last: op.operationId === "signOut",
          run: async () => {
            const res = await api(path, { method: op.method, token: token[actor], body: op.hasBody ? (rule.body ?? {}) : undefined });
            const st = res.status;
            if (!allowed(rule.who, actor)) {
              if (actor === "anonymous") return st === 401 && /Bearer/.test(res.headers.get("www-authenticate") ?? "") ? null : `expected 401 with WWW-Authenticate, got ${st}`;
              return st === 403 ? null : `expected 403, got ${st} ${await res.text()}`;
            }
            if (rule.ok) return rule.ok.includes(st) ? null : `expected ${rule.ok.join("/")}, got ${st} ${await res.text()}`;
            return st >= 500 || st === 401 || st === 403 ? `expected access, got ${st} ${await res.text()}` : null;
          },
        });
      }
    }
    endingChecks.push(...checks.filter((c) => c.last));
    const cpuBefore = cpuSeconds();
    const timed = await inPool(
      checks.filter((c) => !c.last),
      8,
      async (c) => {
        const t0 = Date.now();
        const problem = await c.run();
        return { c, problem, ms: Date.now() - t0 };
      },
    );
    // AUTHZ_TIMINGS=1 prints where the time goes (per actor and method, and CPU seconds of this
    // process and the Worker's workerd), for keeping the file fast on a busy machine.
    if (process.env.AUTHZ_TIMINGS) {
      const cpuAfter = cpuSeconds();
      console.log(`CPU during the matrix: test process ${(cpuAfter.node - cpuBefore.node).toFixed(1)} s, workerd ${(cpuAfter.workerd - cpuBefore.workerd).toFixed(1)} s`);
      const by = new Map<string, { n: number; ms: number }>();
      for (const x of timed) {
        const k = `${x.c.label.split(" ")[0]} ${x.c.label.split(" ")[1]} ${x.c.label.includes("/api/v1") ? "api" : "page"}`;
        const e = by.get(k) ?? { n: 0, ms: 0 };
        by.set(k, { n: e.n + 1, ms: e.ms + x.ms });
      }
      console.log([...by].map(([k, v]) => `${k}: ${v.n} checks, ${v.ms} ms total`).join("\n"));
    }
    const failures = timed.filter((x) => x.problem);
    const pageRoutesChecked = routes.filter((r) => pageRule(r.id) && !pageRule(r.id)!.skip && (r.hasLoader || r.hasAction)).length;
    summary.push(
      `authz matrix: ${pageRoutesChecked} page routes (${pageChecks / ACTORS.length} loader/action entries) + ${operations.length} API operations × ${ACTORS.length} actors = ${pageChecks + apiChecks} checks, + ${subAdminChecks} sub-admin permission checks, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(summary.at(-1));
    expect(failures.map((f) => `${f.c.label}: ${f.problem}`)).toEqual([]);
    // The payment callback called without a signature is refused, and says so in the log.
    worker.expectNoServerErrors([/payment notification from sandbox rejected: missing X-Sandbox-\* signature headers/]);
  }, 300_000);
  it("object-level probes (IDOR): the owner gets the object, another actor of the same role gets 403/404 and none of it", async () => {
    const started = Date.now();
    type Probe = { label: string; expect: number[]; req: () => Promise<Response>; leak?: string };
    const get = (who: keyof typeof page, path: string) => () => page[who].get(path);
    const post = (who: keyof typeof page, path: string, form: Record<string, string>) => () => page[who].post(path, form);
    const call = (who: keyof typeof token, method: string, path: string, body?: unknown) => () => api(path, { method, token: token[who], body });
    const DENIED = [403, 404];
    const probes: Probe[] = [
      // A shopper's order, its payment and its lines: pages.
      { label: "shopper reads own order page", expect: [200], req: get("shopper", `/orders/${ORDER}`) },
      { label: "another shopper reads it", expect: DENIED, req: get("otherShopper", `/orders/${ORDER}`), leak: s.pickupCode },
      { label: "shopper reads another shopper's order", expect: DENIED, req: get("shopper", `/orders/${OTHER_ORDER}`), leak: s.otherPickupCode },
      { label: "leader of the order's point reads the shopper's order page", expect: DENIED, req: get("leader", `/orders/${ORDER}`), leak: s.pickupCode },
      { label: "another shopper cancels it (form)", expect: DENIED, req: post("otherShopper", `/orders/${ORDER}`, { intent: "cancel", reason: "" }) },
      { label: "another shopper asks for a refund on it (form)", expect: DENIED, req: post("otherShopper", `/orders/${ORDER}`, { intent: "after-sales", reason: "damaged", note: "" }) },
      { label: "another shopper pays it (form)", expect: DENIED, req: post("otherShopper", `/orders/${ORDER}`, { intent: "pay", provider: "sandbox" }) },
      { label: "another shopper opens its sandbox payment", expect: DENIED, req: get("otherShopper", `/pay/sandbox/${s.payment}`) },
      { label: "another shopper settles its sandbox payment", expect: DENIED, req: post("otherShopper", `/pay/sandbox/${s.payment}`, { outcome: "success" }) },
      { label: "another shopper opens the review form of its line", expect: DENIED, req: get("otherShopper", `/orders/${ORDER}/review/${s.reviewLine}`) },
      { label: "another shopper reviews its line (form)", expect: DENIED, req: post("otherShopper", `/orders/${ORDER}/review/${s.reviewLine}`, { rating: "1", body: "不是我的订单" }) },
      // …and the API.
      { label: "API: shopper reads own order", expect: [200], req: call("shopper", "GET", `/orders/${ORDER}`) },
      { label: "API: another shopper reads it", expect: DENIED, req: call("otherShopper", "GET", `/orders/${ORDER}`), leak: ORDER },
      { label: "API: the point's leader reads it as a shopper", expect: DENIED, req: call("leader", "GET", `/orders/${ORDER}`), leak: ORDER },
      { label: "API: fruit@ (a merchant on the order) reads it as a shopper", expect: DENIED, req: call("merchant", "GET", `/orders/${ORDER}`), leak: ORDER },
      { label: "API: another shopper cancels it", expect: DENIED, req: call("otherShopper", "POST", `/orders/${ORDER}/cancel`, {}) },
      { label: "API: another shopper pays it", expect: DENIED, req: call("otherShopper", "POST", `/orders/${ORDER}/payments`, { provider: "sandbox" }) },
      { label: "API: another shopper reviews its line", expect: DENIED, req: call("otherShopper", "POST", `/orders/${ORDER}/lines/${s.reviewLine}/review`, { rating: 1, body: "不是我的订单" }) },
      { label: "API: the owner's line under another's order id", expect: DENIED, req: call("shopper", "POST", `/orders/${OTHER_ORDER}/lines/${s.reviewLine}/review`, { rating: 5 }) },
      // A leader's pickup codes, arrivals and shortage photos.
      { label: "API: leader looks up a code of their point", expect: [200], req: call("leader", "GET", `/leader/pickups/${s.pickupCode}`) },
      { label: "API: another leader looks it up", expect: DENIED, req: call("otherLeader", "GET", `/leader/pickups/${s.pickupCode}`), leak: ORDER },
      { label: "API: leader looks up another point's code", expect: DENIED, req: call("leader", "GET", `/leader/pickups/${s.otherPickupCode}`), leak: OTHER_ORDER },
      { label: "API: another leader hands it over by code", expect: DENIED, req: call("otherLeader", "POST", "/leader/pickups", { code: s.pickupCode }), leak: ORDER },
      { label: "API: another leader hands it over by order id", expect: DENIED, req: call("otherLeader", "POST", "/leader/pickups", { orderId: ORDER }), leak: ORDER },
      { label: "API: another leader confirms the arrival of leader1's batch", expect: DENIED, req: call("otherLeader", "POST", `/leader/arrivals/${s.batch}`, { items: [{ skuId: s.sku, received: 0 }] }) },
      { label: "leader opens their shortage photo", expect: [200], req: get("leader", `/leader/arrivals/photo/${s.batch}/${s.sku}`) },
      { label: "another leader opens it", expect: DENIED, req: get("otherLeader", `/leader/arrivals/photo/${s.batch}/${s.sku}`) },
      { label: "another leader confirms leader1's batch (form)", expect: DENIED, req: post("otherLeader", "/leader/arrivals", { intent: "confirm-arrival", batchId: s.batch!, "items[0].skuId": s.sku!, "items[0].received": "0" }) },
      { label: "another leader hands leader1's order over (form)", expect: DENIED, req: post("otherLeader", "/leader/handover", { intent: "lookup", code: s.pickupCode! }), leak: ORDER },
      // A merchant's orders, products, batches.
      { label: "fruit@ reads its merchant order", expect: [200], req: get("merchant", `/merchant/orders/${ORDER}`) },
      { label: "baby@ reads fruit@'s merchant order", expect: DENIED, req: get("otherMerchant", `/merchant/orders/${ORDER}`), leak: s.pickupCode },
      { label: "fruit@ reads baby@'s merchant order", expect: DENIED, req: get("merchant", `/merchant/orders/${OTHER_ORDER}`) },
      { label: "baby@ reads its own", expect: [200], req: get("otherMerchant", `/merchant/orders/${OTHER_ORDER}`) },
      { label: "baby@ decides on fruit@'s merchant order (form)", expect: DENIED, req: post("otherMerchant", `/merchant/orders/${ORDER}`, { intent: "approve", refundId: "rfd_00000000000000000000" }) },
      { label: "baby@ edits fruit@'s product", expect: DENIED, req: get("otherMerchant", `/merchant/products/${s.product}`) },
      { label: "baby@ saves fruit@'s product (form)", expect: DENIED, req: post("otherMerchant", `/merchant/products/${s.product}`, { intent: "delist" }) },
      { label: "fruit@ edits baby@'s product", expect: DENIED, req: get("merchant", `/merchant/products/${s.otherProduct}`) },
      { label: "baby@ opens fruit@'s delivery batch", expect: DENIED, req: get("otherMerchant", `/merchant/fulfilment/batches/${s.batch}`) },
      { label: "baby@ opens fruit@'s shortage photo", expect: DENIED, req: get("otherMerchant", `/merchant/fulfilment/batches/${s.batch}/photo/${s.sku}`) },
      { label: "baby@ ships fruit@'s batch (form)", expect: DENIED, req: post("otherMerchant", "/merchant/fulfilment?index", { intent: "ship", batchId: s.batch! }) },
    ];
    const results = await inPool(probes, 8, async (p) => {
      const res = await p.req();
      const body = await res.text();
      const problems: string[] = [];
      if (!p.expect.includes(res.status)) problems.push(`expected ${p.expect.join("/")}, got ${res.status}${res.headers.get("location") ? ` → ${res.headers.get("location")}` : ""} ${body.slice(0, 160)}`);
      if (p.leak && DENIED.includes(res.status) && body.includes(p.leak)) problems.push(`the refusal shows ${p.leak}`);
      return problems.length ? `${p.label}: ${problems.join("; ")}` : null;
    });
    // Reviews: the other shopper reviews their own line (a 宝宝优选 product); fruit@ cannot reply to
    // it, baby@ can.
    const reviewed = await api(`/orders/${OTHER_ORDER}/lines/${s.otherLine}/review`, { method: "POST", token: token.otherShopper, body: { rating: 4, body: "宝宝很喜欢。" } });
    expect(reviewed.status).toBe(201);
    const reviewId = ((await reviewed.json()) as { reviewId: string }).reviewId;
    const foreignReply = await page.merchant.post("/merchant/reviews", { intent: "reply", reviewId, reply: "不是我家的商品" });
    expect(foreignReply.status, "fruit@ replies to baby@'s review").toBe(404);
    expect(await foreignReply.text()).not.toContain("宝宝很喜欢");
    expect((await one<{ reply: string | null }>("SELECT reply FROM reviews WHERE id = ?", reviewId)).reply).toBeNull();
    expect((await page.otherMerchant.post("/merchant/reviews", { intent: "reply", reviewId, reply: "谢谢支持！" })).status).toBe(200);
    expect((await one<{ reply: string | null }>("SELECT reply FROM reviews WHERE id = ?", reviewId)).reply).toBe("谢谢支持！");
    // Coupons: a shopper's quote cannot spend another shopper's coupon.
    const foreignCoupon = (await one<{ id: string }>("SELECT id FROM user_coupons WHERE user_id = ? AND status = 'available' ORDER BY id LIMIT 1", OTHER_SHOPPER)).id;
    expect((await api(`/cart/items/${s.sku}`, { method: "PUT", token: token.shopper, body: { quantity: 2 } })).status).toBe(200);
    const quote = await api("/cart/quote", { method: "POST", token: token.shopper, body: { couponId: foreignCoupon } });
    expect(quote.status).toBe(200);
    const quoted = (await quote.json()) as { selectedCouponId?: string | null; breakdown: { totals: { couponFen: number } } };
    expect(quoted.selectedCouponId ?? null).not.toBe(foreignCoupon);
    expect(quoted.breakdown.totals.couponFen).toBe(0);
    expect((await api("/me/pickup-point", { method: "PUT", token: token.shopper, body: { pickupPointId: SUNSHINE } })).status).toBe(200);
    const foreignOrder = await api("/orders", { method: "POST", token: token.shopper, body: { couponId: foreignCoupon } });
    const refused = (await foreignOrder.json()) as { error: { code: string; fields?: Record<string, string[]> } };
    expect([foreignOrder.status, refused.error.fields], JSON.stringify(refused)).toEqual([409, { couponId: ["coupon_invalid"] }]);
    expect(await one<{ status: string; n: number }>("SELECT status, (SELECT count(*) FROM orders WHERE user_id = ?) AS n FROM user_coupons WHERE id = ?", SHOPPER, foreignCoupon)).toEqual({ status: "available", n: 1 });

    // Nothing the probes tried changed the owners' objects.
    const orders = await worker.d1.prepare("SELECT id, status FROM orders WHERE id IN (?, ?) ORDER BY id").bind(ORDER, OTHER_ORDER).all<{ id: string; status: string }>();
    expect(orders.results).toEqual([
      { id: ORDER, status: "picked_up" },
      { id: OTHER_ORDER, status: "picked_up" },
    ]);
    const batch = await worker.d1.prepare("SELECT status, arrived_at FROM delivery_batches WHERE id = ?").bind(s.batch).first();
    expect(batch).toEqual({ status: "shipped", arrived_at: null });
    const sideEffects = await worker.d1
      .prepare("SELECT (SELECT count(*) FROM reviews WHERE order_id = ?) AS reviews, (SELECT count(*) FROM refunds WHERE order_id = ?) AS refunds, (SELECT count(*) FROM payments WHERE order_id = ?) AS payments")
      .bind(ORDER, ORDER, ORDER)
      .first();
    expect(sideEffects).toEqual({ reviews: 0, refunds: 0, payments: 1 });
    summary.push(`IDOR: ${probes.length} object-level probes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(summary.at(-1));
    expect(results.filter(Boolean)).toEqual([]);
    worker.expectNoServerErrors();
  }, 60_000);

  it("sign-out and log-out, last (they end the sessions the other checks use)", async () => {
    const failures = (await inPool(endingChecks, 8, async (c) => ({ c, problem: await c.run() }))).filter((x) => x.problem);
    expect(endingChecks.length).toBe(2 * ACTORS.length);
    expect(failures.map((f) => `${f.c.label}: ${f.problem}`)).toEqual([]);
    // Signed out for real: the same cookie and token no longer open anything.
    expect((await outcome(await page.shopper.get(dataUrl("/orders", "routes/_shop.orders._index", "GET", true)))).location).toBe(loginRedirect("/orders"));
    expect((await api("/me", { token: token.shopper })).status).toBe(401);
    worker.expectNoServerErrors();
  });
});
