/**
 * Session and web security, across the whole app (issue 11): the routes come from the build's own
 * route manifest and the API's operations from its OpenAPI document, so a new page, action or
 * endpoint is covered without editing this file. The Worker is served over https (Secure,
 * __Host- cookies and HSTS) with the edge cache on (so cached pages are checked too).
 * auth.test.ts keeps the single-flow checks (fixation, renewal, sign-out everywhere, code limits).
 */
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newInviteCode } from "../../app/modules/leaders/invite-code";
import { startOAuthStandin, type OAuthStandin } from "../support/oauth-standin";
import { pageRoutes, readBrowserManifest } from "../support/route-inventory";
import { Client, startWorker, type TestWorker } from "../support/worker";

const ORIGIN = "https://shop.example";
const PASSWORD = "demo-pass-2026";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

let worker: TestWorker;
let provider: OAuthStandin;
const as: Record<"admin" | "merchant" | "leader" | "shopper", Client> = {} as never;

beforeAll(async () => {
  // Sign-in providers configured (a stand-in served by the test), so their start and callback
  // routes answer for real and set their transaction cookie.
  provider = await startOAuthStandin();
  worker = await startWorker({
    origin: ORIGIN,
    vars: {
      EDGE_CACHE_TTL: "60",
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_ALLOW_INSECURE: "true",
      WECHAT_APP_ID: provider.wechatAppId,
      WECHAT_APP_SECRET: provider.wechatAppSecret,
      WECHAT_OPEN_BASE: provider.wechatOpenBase,
      WECHAT_API_BASE: provider.wechatApiBase,
    },
  });
  const signIn = async (email: string, ip: string) => {
    const c = worker.client({ ip });
    const res = await c.post("/login", { intent: "password", email, password: PASSWORD });
    expect(res.status, email).toBe(302);
    return c;
  };
  as.admin = await signIn("admin@demo.tuangou.test", "192.0.2.1");
  as.merchant = await signIn("fruit@demo.tuangou.test", "192.0.2.2");
  as.leader = await signIn("leader1@demo.tuangou.test", "192.0.2.3");
  as.shopper = worker.client({ ip: "192.0.2.4" });
  expect((await as.shopper.signInWithPhone(worker, "13800000101")).status).toBe(302);
});
afterAll(async () => {
  await worker?.dispose();
  await provider?.close();
});
afterEach(() => worker.expectNoServerErrors());

// ---------------------------------------------------------------------------------------------
// Routes from the build

/** Every URL pattern the build serves as a page (pathless layouts folded into their children). */
function buildRoutes(): Array<{ id: string; path: string; hasAction: boolean; index: boolean }> {
  const byPath = new Map<string, { id: string; path: string; hasAction: boolean; index: boolean }>();
  for (const r of pageRoutes()) {
    if (!r.hasPath && !r.index) continue;
    const prev = byPath.get(r.pattern);
    byPath.set(r.pattern, { id: r.id, path: r.pattern, hasAction: r.hasAction || (prev?.hasAction ?? false), index: r.index || (prev?.index ?? false) });
  }
  return [...byPath.values()];
}

/** Seeded ids for the dynamic segments; anything else gets a well-formed id that matches nothing (a 404 probe). */
function resolvePath(pattern: string): string {
  const seeded: Record<string, string> = {
    "/flash-sales/:id": "/flash-sales/fls_demooil0000000000000",
    "/groups/:id": "/groups/grp_demoapple00000000000",
    "/join/:code": "/join/SUNNY888",
    "/orders/:id": "/orders/ord_demogroupapple000001",
    "/admin/leaders/:id/photo": "/admin/leaders/pkp_demosunshine00000000/photo",
    "/admin/merchants/:id/licence": "/admin/merchants/mch_demofruit00000000000/licence",
    "/admin/users/:id": "/admin/users/usr_demoleader0100000000",
    "/merchant/orders/:id": "/merchant/orders/ord_demogroupapple000001",
    "/pay/sandbox/:paymentId": "/pay/sandbox/pay_demogroupapple000001",
    "/r/:code": "/r/SUNNY888",
    "/images/*": "/images/products/prd_demostrawberry000000/1.svg",
    "/*": "/no-such-page",
  };
  if (seeded[pattern]) return seeded[pattern]!;
  return pattern
    .replace(/\/products\/:id/, "/products/prd_demoapple00000000000")
    .replace(/:provider/, "oidc")
    .replace(/:(\w+)/g, (_, name: string) => `${name.toLowerCase()}_0000000000000000000000`)
    .replace(/\*$/, "nothing-here");
}

/** Who requests a page: the role its area needs (the shop's personal pages: a shopper). */
function clientFor(p: string): Client {
  if (p.startsWith("/admin")) return as.admin;
  if (p.startsWith("/merchant")) return as.merchant;
  if (p.startsWith("/leader")) return as.leader;
  return as.shopper;
}

// ---------------------------------------------------------------------------------------------
// What every response must carry

const seenCookies = new Set<string>();
const nonces = new Set<string>();

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

/**
 * The security headers of a Worker response (and the nonce of an HTML document). Reads the body to
 * its end and returns it (a cancelled body makes workerd log a broken pipe).
 */
async function expectWorkerHeaders(res: Response, label: string): Promise<string> {
  const h = res.headers;
  const text = await res.text();
  expect(res.status, `${label}: status`).toBeLessThan(500);
  expect(h.get("x-content-type-options"), label).toBe("nosniff");
  expect(h.get("x-frame-options"), label).toBe("DENY");
  expect(h.get("referrer-policy"), label).toBe("strict-origin-when-cross-origin");
  expect(h.get("permissions-policy"), label).toMatch(/microphone=\(\)/);
  expect(h.get("cross-origin-opener-policy"), label).toBe("same-origin");
  expect(h.get("strict-transport-security"), label).toMatch(/max-age=(\d{8,}|[3-9]\d{7}); includeSubDomains/);
  const csp = h.get("content-security-policy");
  expect(csp, label).toBeTruthy();
  const d = directives(csp!);
  if (d.get("default-src")?.[0] === "'none'") {
    // A file's own locked-down policy (images, posters): nothing loads or runs, sandboxed; framing
    // is refused by X-Frame-Options above.
    expect(d.has("sandbox"), label).toBe(true);
    expect(d.has("script-src"), label).toBe(false);
    expectCookies(res, label);
    return text;
  }
  expect(d.get("frame-ancestors"), label).toEqual(["'none'"]);
  expect(d.get("object-src"), label).toEqual(["'none'"]);
  expect(d.get("base-uri"), label).toEqual(["'self'"]);
  expect(d.get("form-action"), label).toEqual(["'self'"]);
  expect(d.get("default-src"), label).toEqual(["'self'"]);
  const script = d.get("script-src") ?? [];
  expect(script, label).not.toContain("'unsafe-inline'");
  expect(script, label).not.toContain("'unsafe-eval'");
  expect(script.filter((s) => s === "*" || /^https?:$/.test(s)), label).toEqual([]);
  expectCookies(res, label);
  if ((h.get("content-type") ?? "").startsWith("text/html")) {
    const nonce = script.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce, `${label}: nonce`).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonces.has(nonce!), `${label}: nonce reused`).toBe(false);
    nonces.add(nonce!);
    const html = text;
    // Every script element carries this response's nonce (nothing runs without it).
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    for (const tag of scripts) expect(tag, label).toContain(`nonce="${nonce}"`);
    // No inline event handlers, which a nonce cannot allow.
    expect(html.match(/<[a-z][^>]*\son[a-z]+\s*=/gi) ?? [], label).toEqual([]);
  }
  return text;
}

const HTTP_ONLY_EXEMPT = new Set(["__Host-tg_lng", "__Host-tg_text"]); // language and text size: nothing secret, read by nobody but the server

/** Every Set-Cookie: __Host- (so Secure, Path=/, host-only), SameSite, HttpOnly. */
function expectCookies(res: Response, label: string) {
  for (const c of res.headers.getSetCookie()) {
    const name = c.slice(0, c.indexOf("="));
    seenCookies.add(name);
    const attrs = c.split(";").slice(1).map((a) => a.trim().toLowerCase());
    expect(attrs, `${label}: ${c}`).toContain("secure");
    expect(attrs, `${label}: ${c}`).toContain("path=/");
    expect(attrs.some((a) => a === "samesite=lax" || a === "samesite=strict"), `${label}: ${c}`).toBe(true);
    expect(attrs.some((a) => a.startsWith("domain=")), `${label}: ${c}`).toBe(false);
    if (!HTTP_ONLY_EXEMPT.has(name)) expect(attrs, `${label}: ${c}`).toContain("httponly");
    expect(name, label).toMatch(/^__Host-/);
  }
}

function expectPrivate(res: Response, label: string) {
  const cc = res.headers.get("cache-control") ?? "";
  expect(cc, `${label}: Cache-Control`).toMatch(/\bprivate\b/);
  expect(cc, `${label}: Cache-Control`).toMatch(/\bno-store\b/);
  expect(cc, label).not.toMatch(/\bpublic\b|s-maxage/);
}

/** Reads bodies to their end (the statuses are what a burst test checks; an unread body holds its socket). */
async function drain(responses: Response[]) {
  await Promise.all(responses.map((r) => (r.bodyUsed ? null : r.arrayBuffer().catch(() => null))));
}

/** Runs the requests a few at a time (the Worker is concurrent; the machine is small). */
async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

/** A fingerprint of every row of every table: a refused request must change none of them. */
async function databaseFingerprint(): Promise<Map<string, string>> {
  const { results } = await worker.d1
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name")
    .all<{ name: string }>();
  const dumps = await worker.d1.batch(results.map((t) => worker.d1.prepare(`SELECT * FROM "${t.name}"`)));
  return new Map(results.map((t, i) => [t.name, createHash("sha256").update(JSON.stringify(dumps[i]!.results)).digest("hex")]));
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([t, h]) => before.get(t) !== h).map(([t]) => t);
}

async function apiOperations(): Promise<Array<{ method: string; path: string; auth: boolean; providerCallback: boolean }>> {
  const res = await worker.fetch("/api/v1/openapi.json");
  const doc = JSON.parse(await expectWorkerHeaders(res, "openapi.json")) as { paths: Record<string, Record<string, { security?: unknown[]; "x-provider-callback"?: unknown }>> };
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.entries(ops)
      .filter(([m]) => ["get", "post", "put", "patch", "delete"].includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), path: p, auth: (op.security?.length ?? 0) > 0, providerCallback: Boolean(op["x-provider-callback"]) })),
  );
}

function apiPath(p: string): string {
  return `/api/v1${p.replace(/\{(\w+)\}/g, (_, name: string) => (name === "provider" ? "sandbox" : `${name.toLowerCase()}_0000000000000000000000`))}`;
}

// ---------------------------------------------------------------------------------------------

describe("security headers on every response", () => {
  const routes = buildRoutes().filter((r) => r.path !== "/api/v1/*");

  it("the manifest names every page (a sanity check on the enumeration)", () => {
    expect(routes.length).toBeGreaterThan(90);
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(["/", "/login", "/admin/users/:id", "/merchant/products/:id", "/leader/handover", "/me"]));
  });

  it("every page, anonymous and signed in with the role its area needs; signed-in pages are private, no-store", async () => {
    let pages = 0;
    await inBatches(routes, 6, async (r) => {
      const p = resolvePath(r.path);
      // Anonymous: the shop's pages (the consoles only redirect to /login, checked once below).
      if (!/^\/(admin|merchant|leader)(\/|$)/.test(p)) {
        const anon = await worker.client({ ip: "192.0.2.50" }).get(p, { "User-Agent": BROWSER_UA });
        await expectWorkerHeaders(anon, `anonymous GET ${p}`);
      }
      const signed = await clientFor(p).get(p, { "User-Agent": BROWSER_UA });
      await expectWorkerHeaders(signed, `signed-in GET ${p}`);
      if (signed.status === 200 && !p.startsWith("/images/")) expectPrivate(signed, `signed-in GET ${p}`);
      if (signed.status === 200) pages++;
    });
    // Most pages really rendered (not a sea of redirects and 404s).
    expect(pages).toBeGreaterThan(70);
  }, 120_000);

  it("single-fetch .data responses, signed in and anonymous", async () => {
    for (const [client, p] of [
      [as.shopper, "/_root.data"],
      [as.shopper, "/me.data"],
      [as.shopper, "/orders.data"],
      [as.admin, "/admin/users.data"],
      [as.merchant, "/merchant/products.data"],
      [as.leader, "/leader/handover.data"],
      [as.shopper, "/products/prd_demoapple00000000000.data"],
    ] as const) {
      const res = await client.get(p);
      expect(res.status, p).toBe(200);
      await expectWorkerHeaders(res, `GET ${p}`);
      expectPrivate(res, `signed-in GET ${p}`);
    }
    const anon = await worker.client().get("/products/prd_demoapple00000000000.data");
    expect(anon.status).toBe(200);
    await expectWorkerHeaders(anon, "anonymous .data");
  }, 60_000);

  it("pages from the edge cache get a fresh nonce; signed-in catalogue pages never come from it", async () => {
    const p = "/products/prd_demotomato0000000000"; // a page no other test here has cached
    const first = await worker.client({ ip: "192.0.2.51" }).get(p);
    await expectWorkerHeaders(first, "anonymous product (miss)");
    expect(first.headers.get("x-edge-cache")).toBe("MISS");
    let second = await worker.client({ ip: "192.0.2.52" }).get(p);
    for (let i = 0; i < 20 && second.headers.get("x-edge-cache") !== "HIT"; i++) {
      await second.text();
      await new Promise((r) => setTimeout(r, 100));
      second = await worker.client({ ip: "192.0.2.52" }).get(p);
    }
    expect(second.headers.get("x-edge-cache")).toBe("HIT");
    const html = await expectWorkerHeaders(second, "anonymous product (hit)");
    expect(html).toContain("nonce=");
    const signed = await as.shopper.get(p);
    expect(signed.headers.get("x-edge-cache")).toBeNull();
    await expectWorkerHeaders(signed, "signed-in product");
    expectPrivate(signed, "signed-in product");
  });

  it("error responses, refusals and redirects", async () => {
    const client = worker.client({ ip: "192.0.2.53" });
    const cases: Array<[string, Promise<Response>, number]> = [
      ["404 page", client.get("/no/such/page"), 404],
      ["400 form", client.post("/preferences", { locale: "klingon" }), 400],
      ["403 cross-site", client.post("/login", { intent: "password" }, { Origin: "https://evil.example" }), 403],
      ["405 beacon GET", client.get("/beacon"), 405],
      ["415 page action", client.request("/login", { method: "POST", body: "{}", headers: { Origin: ORIGIN, "Content-Type": "application/json" } }), 415],
      ["302 guard", client.get("/admin"), 302],
      ["302 logout", worker.client({ ip: "192.0.2.54" }).post("/logout", {}), 302],
      ["403 role", as.shopper.get("/admin/users"), 403],
      ["404 api", client.get("/api/v1/nothing"), 404],
      ["405 api", client.request("/api/v1/me", { method: "DELETE" }), 405],
      ["415 api", client.request("/api/v1/auth/code", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }), 415],
      ["400 api", client.request("/api/v1/auth/code", { method: "POST", body: "{", headers: { "Content-Type": "application/json" } }), 400],
      ["401 api", client.get("/api/v1/me"), 401],
      ["304 image", client.get("/images/products/prd_demostrawberry000000/1.svg", { "If-None-Match": "*" }), 304],
    ];
    for (const [label, pending, status] of cases) {
      const res = await pending;
      expect(res.status, label).toBe(status);
      await expectWorkerHeaders(res, label);
    }
  });

  it("every /api/v1 GET operation", async () => {
    const token = await bearer("reviewer@demo.tuangou.test", "192.0.2.60");
    const ops = (await apiOperations()).filter((o) => o.method === "GET");
    expect(ops.length).toBeGreaterThan(15);
    await inBatches(ops, 6, async (o) => {
      const res = await worker.fetch(apiPath(o.path), { headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": "192.0.2.61" } });
      await expectWorkerHeaders(res, `GET ${o.path}`);
      if (o.auth && res.status === 200) expect(res.headers.get("cache-control"), o.path).toMatch(/no-store/);
    });
  });

  it("static assets, manifests, the service worker and the offline page", async () => {
    for (const p of [readBrowserManifest().entry.module, "/icons/icon-192.png", "/manifest.webmanifest", "/leader.webmanifest", "/sw.js", "/offline.html"]) {
      const res = await worker.fetch(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
      if (p === "/offline.html") {
        const d = directives(res.headers.get("content-security-policy") ?? "");
        expect(d.get("frame-ancestors"), p).toEqual(["'none'"]);
        expect(d.get("script-src") ?? ["(none)"], p).not.toContain("'unsafe-inline'");
        expect(res.headers.get("x-frame-options"), p).toBe("DENY");
      }
      await res.text();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("cookies", () => {
  it("every cookie the app sets is __Host- (Secure, Path=/, host-only), SameSite, and HttpOnly unless it is a display preference", async () => {
    const guest = worker.client({ ip: "192.0.2.70" });
    const sku = (await worker.d1.prepare("SELECT id FROM skus WHERE product_id = 'prd_demoapple00000000000' LIMIT 1").first<{ id: string }>())!.id;
    const steps: Array<[string, () => Promise<Response>]> = [
      ["preferences", () => guest.post("/preferences", { locale: "en", textSize: "large", returnTo: "/" })],
      ["guest cart", () => guest.post("/cart", { intent: "add", skuId: sku, quantity: "1", returnTo: "/cart" })],
      ["pickup point", () => guest.post("/pickup", { pickupPointId: "pkp_demosunshine00000000", returnTo: "/" })],
      ["leader link", () => guest.get("/r/SUNNY888")],
      ["page view", () => guest.post("/beacon", { p: "/" }, { "User-Agent": BROWSER_UA })],
      ["share page", () => as.shopper.get("/products/prd_demoapple00000000000/share", { "User-Agent": BROWSER_UA })],
      ["OIDC start", () => guest.get("/auth/oidc")],
      ["WeChat start", () => guest.get("/auth/wechat")],
    ];
    for (const [label, step] of steps) await expectWorkerHeaders(await step(), label);
    const share = await worker.d1.prepare("SELECT code FROM share_codes LIMIT 1").first<{ code: string }>();
    expect(share).toBeTruthy();
    await expectWorkerHeaders(await guest.get(`/s/${share!.code}`), "share link");
    const signIn = await guest.post("/login", { intent: "password", email: "leader3@demo.tuangou.test", password: PASSWORD });
    expect(signIn.status).toBe(302);
    await expectWorkerHeaders(signIn, "sign-in");
    await expectWorkerHeaders(await guest.post("/logout", {}), "sign-out");
    expect([...seenCookies].sort()).toEqual(
      expect.arrayContaining(["__Host-tg_session", "__Host-tg_oauth", "__Host-tg_cart", "__Host-tg_dev", "__Host-tg_lng", "__Host-tg_pickup", "__Host-tg_ref", "__Host-tg_share", "__Host-tg_text", "__Host-tg_vid"]),
    );
  });

  it("reads the __Host- copy of a small cookie and ignores a plain one a sibling subdomain could plant", async () => {
    const guest = worker.client({ ip: "192.0.2.72" });
    await guest.post("/preferences", { locale: "en", textSize: "normal", returnTo: "/" });
    expect(guest.cookies.get("__Host-tg_lng")).toBe("en");
    expect(await (await guest.get("/")).text()).toContain('lang="en"');
    // A planted plain tg_lng=zh-CN beside it changes nothing…
    const planted = await guest.get("/", { Cookie: `${guest.cookieHeader()}; tg_lng=zh-CN` });
    expect(await planted.text()).toContain('lang="en"');
    // …and alone it is not the visitor's choice either (the language then comes from Accept-Language).
    const alone = await worker.fetch("/", { headers: { Cookie: "tg_lng=en", "Accept-Language": "zh-CN" } });
    expect(await alone.text()).toContain('lang="zh-CN"');
  });
});

// ---------------------------------------------------------------------------------------------

async function bearer(email: string, ip: string): Promise<string> {
  const res = await worker.fetch("/api/v1/auth/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify({ method: "password", email, password: PASSWORD }),
  });
  expect(res.status, email).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe("tokens and codes", () => {
  it("50 sessions (web cookies and API tokens): distinct, ≥ 120 bits, stored only as SHA-256 and nowhere in clear", async () => {
    const tokens: string[] = [];
    await inBatches(
      Array.from({ length: 25 }, (_, i) => i),
      5,
      async (i) => {
        const c = worker.client({ ip: `198.18.0.${i + 1}` });
        const res = await c.post("/signup", { displayName: `熵${i}`, email: `entropy-${i}@example.test`, password: "entropy-pass-1" });
        expect(res.status).toBe(302);
        tokens.push(c.cookies.get("__Host-tg_session")!);
      },
    );
    const accounts = ["reviewer@demo.tuangou.test", "finance@demo.tuangou.test", "ops@demo.tuangou.test"];
    await inBatches(
      Array.from({ length: 25 }, (_, i) => i),
      5,
      async (i) => {
        tokens.push(await bearer(accounts[i % 3]!, `198.18.1.${i + 1}`));
      },
    );
    expect(tokens).toHaveLength(50);
    expect(new Set(tokens).size).toBe(50);
    // Lowercase base32 (5 bits a character), 40 characters: 200 bits from the CSPRNG.
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{40}$/);
    expect(40 * 5).toBeGreaterThanOrEqual(120);
    const { results } = await worker.d1.prepare("SELECT * FROM sessions").all<Record<string, unknown>>();
    const ids = new Set(results.map((r) => r.id));
    for (const t of tokens) expect(ids.has(createHash("sha256").update(t).digest("hex"))).toBe(true);
    const dump = JSON.stringify(results);
    for (const t of tokens) expect(dump.includes(t)).toBe(false);
    // Nor anywhere else in the database (audit log, outbox, analytics …).
    const { results: tables } = await worker.d1
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .all<{ name: string }>();
    const everything = (await worker.d1.batch(tables.map((t) => worker.d1.prepare(`SELECT * FROM "${t.name}"`)))).map((r) => JSON.stringify(r.results)).join("\n");
    expect(tokens.filter((t) => everything.includes(t))).toEqual([]);
  }, 90_000);

  it("pickup codes are stored encrypted with a keyed hash, unique per pickup point", async () => {
    const rows = await worker.d1.prepare("SELECT pickup_point_id, pickup_code_enc, pickup_code_hash FROM orders").all<{ pickup_point_id: string; pickup_code_enc: string; pickup_code_hash: string }>();
    expect(rows.results.length).toBeGreaterThan(0);
    for (const r of rows.results) {
      expect(r.pickup_code_enc).toMatch(/^v1\.k\d+\./);
      expect(r.pickup_code_enc).not.toMatch(/\b\d{8}\b/);
      expect(r.pickup_code_hash).not.toMatch(/^\d{8}$/);
    }
    const index = await worker.d1.prepare("PRAGMA index_info('orders_pickup_code_uq')").all<{ name: string }>();
    expect(index.results.map((c) => c.name)).toEqual(["pickup_point_id", "pickup_code_hash"]);
    const unique = await worker.d1.prepare("SELECT \"unique\" AS u FROM pragma_index_list('orders') WHERE name = 'orders_pickup_code_uq'").first<{ u: number }>();
    expect(unique!.u).toBe(1);
  });

  it("share codes, leader invite codes and merchant staff invitations are random and long enough", async () => {
    // Share codes: 10 Crockford base32 characters (50 bits), one per shopper.
    const shares = await inBatchesCollect(["13800000102", "13800000103", "13800000104"], async (phone, i) => {
      const c = worker.client({ ip: `198.18.2.${i + 1}` });
      await c.signInWithPhone(worker, phone);
      const res = await c.get("/products/prd_demoapple00000000000/share");
      expect(res.status).toBe(200);
      await res.text();
    });
    expect(shares).toBe(3);
    const codes = (await worker.d1.prepare("SELECT code FROM share_codes").all<{ code: string }>()).results.map((r) => r.code);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{10}$/);
    // Leader invite codes: 8 characters of a 32-letter alphabet (40 bits), uniform.
    const invites = Array.from({ length: 2000 }, () => newInviteCode());
    for (const c of invites) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(invites).size).toBe(2000);
    const letters = new Set(invites.join(""));
    expect(letters.size).toBe(32);
    // Merchant staff invitations: 32 random bytes in the link, only their SHA-256 stored.
    const created = await as.merchant.post("/merchant/staff", { intent: "invite", note: "安全测试" });
    expect(created.status).toBeLessThan(400);
    const html = await created.text();
    const token = /\/join\/merchant\/([A-Za-z0-9_-]+)/.exec(html)?.[1];
    expect(token, "invitation link on the page").toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await worker.d1.prepare("SELECT token_hash FROM merchant_invitations ORDER BY created_at DESC LIMIT 1").first<{ token_hash: string }>();
    expect(stored!.token_hash).toBe(createHash("sha256").update(token!).digest("hex"));
    const anyClear = await worker.d1.prepare("SELECT count(*) AS n FROM merchant_invitations WHERE token_hash = ? OR note = ?").bind(token, token).first<{ n: number }>();
    expect(anyClear!.n).toBe(0);
  });
});

async function inBatchesCollect<T>(items: T[], each: (item: T, i: number) => Promise<void>): Promise<number> {
  let n = 0;
  for (const [i, item] of items.entries()) {
    await each(item, i);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------

describe("cross-site request refusal across every action", () => {
  it("refuses every page action posted with a foreign Origin or none, cookie-authenticated, and writes nothing", async () => {
    const actions = buildRoutes().filter((r) => r.hasAction && r.path !== "/api/v1/*");
    expect(actions.length).toBeGreaterThan(50);
    const before = await databaseFingerprint();
    const types = [
      (body: URLSearchParams) => ({ body, type: "application/x-www-form-urlencoded" }),
      (body: URLSearchParams) => {
        const f = new FormData();
        for (const [k, v] of body) f.set(k, v);
        return { body: f, type: undefined };
      },
      (body: URLSearchParams) => ({ body: body.toString(), type: "text/plain" }),
    ];
    const refusals: string[] = [];
    await inBatches(actions, 6, async (r) => {
      const p = resolvePath(r.path);
      const client = clientFor(p);
      const form = new URLSearchParams({ intent: "delete", id: "x", name: "csrf", quantity: "1" });
      const targets = [p, `${p === "/" ? "/_root" : p}.data${r.index ? "?index" : ""}`];
      const tries: Array<[string, string | undefined]> = [
        [targets[0]!, "https://evil.example"],
        [targets[1]!, actions.indexOf(r) % 2 ? "null" : undefined],
      ];
      for (const [i, [target, origin]] of tries.entries()) {
        const { body, type } = types[(actions.indexOf(r) + i) % types.length]!(form);
        const headers: Record<string, string> = { ...(origin ? { Origin: origin } : {}), ...(type ? { "Content-Type": type } : {}) };
        const res = await client.request(target, { method: "POST", body, headers });
        if (res.status !== 403) refusals.push(`${target} Origin=${origin}: ${res.status}`);
        await expectWorkerHeaders(res, `cross-site POST ${target}`);
      }
    });
    expect(refusals).toEqual([]);
    expect(changedTables(before, await databaseFingerprint())).toEqual([]);
    // The same posts from this site reach the app (the refusal above was the Origin's doing); the
    // single-fetch form runs just the action, no page render.
    await inBatches(
      actions.filter((r) => r.path !== "/logout"),
      6,
      async (r) => {
        const p = resolvePath(r.path);
        const res = await clientFor(p).post(`${p === "/" ? "/_root" : p}.data${r.index ? "?index" : ""}`, { intent: "csrf-probe" });
        expect(res.status, `same-site POST ${p}`).not.toBe(403);
        expect(res.status, `same-site POST ${p}`).toBeLessThan(500);
        await res.text();
      },
    );
  }, 90_000);

  it("refuses every cookie-authenticated /api/v1 write from another origin; bearer calls are judged by their token", async () => {
    const ops = (await apiOperations()).filter((o) => o.method !== "GET");
    expect(ops.length).toBeGreaterThan(10);
    const cookie = as.shopper.cookieHeader();
    expect(cookie).toContain("__Host-tg_session=");
    const before = await databaseFingerprint();
    const wrong: string[] = [];
    await inBatches(ops, 6, async (o) => {
      for (const origin of ["https://evil.example", undefined]) {
        const res = await worker.fetch(apiPath(o.path), {
          method: o.method,
          headers: { Cookie: cookie, "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.80", ...(origin ? { Origin: origin } : {}) },
          body: "{}",
        });
        const body = await expectWorkerHeaders(res, `cross-site ${o.method} ${o.path}`);
        const refused = res.status === 403 && body.includes("forbidden_origin");
        // A provider's callback authenticates by signature, never by cookie: it is not refused by Origin.
        if (refused === o.providerCallback) wrong.push(`${o.method} ${o.path} Origin=${origin}: ${res.status}`);
      }
    });
    expect(wrong).toEqual([]);
    expect(changedTables(before, await databaseFingerprint())).toEqual([]);
    // The provider callback turned the unsigned posts away, and says so in the log.
    worker.expectNoServerErrors([/payment notification from sandbox rejected: missing X-Sandbox-\* signature headers/]);
    const token = await bearer("ops@demo.tuangou.test", "192.0.2.81");
    const withToken = await worker.fetch("/api/v1/auth/sign-out", { method: "POST", headers: { Authorization: `Bearer ${token}`, Origin: "https://evil.example" } });
    expect(withToken.status).toBe(204);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

describe("rate limits are exact under concurrency", () => {
  const statuses = (rs: Response[]) => rs.map((r) => r.status);
  const count = (xs: number[], s: number) => xs.filter((x) => x === s).length;

  /** The JSON API shares the limits with the pages and answers without rendering one. */
  const apiPost = (p: string, ip: string, body: unknown) =>
    worker.fetch(`/api/v1${p}`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip }, body: JSON.stringify(body) });

  it("sign-in codes per IP: 30 an hour, across numbers, channels, the pages and the API", async () => {
    const ip = "198.51.100.210";
    const results = await Promise.all(
      Array.from({ length: 34 }, (_, i) =>
        i % 8 === 0
          ? worker.client({ ip }).post("/login", { intent: "request-code", channel: "email", email: `burst-${i}@example.test` })
          : apiPost("/auth/code", ip, { channel: "email", email: `burst-${i}@example.test` }),
      ),
    );
    await drain(results);
    expect(count(statuses(results), 200) + count(statuses(results), 202)).toBe(30);
    expect(count(statuses(results), 429)).toBe(4);
    const sent = await worker.d1.prepare("SELECT count(*) AS n FROM outbox_messages WHERE recipient LIKE 'burst-%@example.test'").first<{ n: number }>();
    expect(sent!.n).toBe(30);
  }, 60_000);

  it("sign-ups per IP: 10 an hour", async () => {
    const ip = "198.51.100.211";
    const results = await Promise.all(
      Array.from({ length: 13 }, (_, i) => worker.client({ ip }).post("/signup", { displayName: `并发${i}`, email: `signup-burst-${i}@example.test`, password: "burst-pass-123" })),
    );
    expect(count(statuses(results), 302)).toBe(10);
    expect(count(statuses(results), 429)).toBe(3);
    const made = await worker.d1.prepare("SELECT count(*) AS n FROM users WHERE email LIKE 'signup-burst-%'").first<{ n: number }>();
    expect(made!.n).toBe(10);
  });

  it("password sign-in per account: 10 in 15 minutes, across IPs, the pages and the API", async () => {
    const results = await Promise.all(
      Array.from({ length: 13 }, (_, i) =>
        i % 4 === 0
          ? worker.client({ ip: `198.51.102.${i + 1}` }).post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: `wrong-${i}-pass` })
          : apiPost("/auth/sign-in", `198.51.102.${i + 1}`, { method: "password", email: "leader2@demo.tuangou.test", password: `wrong-${i}-pass` }),
      ),
    );
    await drain(results);
    expect(count(statuses(results), 400) + count(statuses(results), 401)).toBe(10);
    expect(count(statuses(results), 429)).toBe(3);
    const right = await worker.client({ ip: "198.51.102.99" }).post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: PASSWORD });
    expect(right.status).toBe(429);
  });

  it("sign-in attempts per IP: 60 in 15 minutes, across accounts, the pages and the API", async () => {
    const ip = "198.51.100.212";
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        i % 8 === 0
          ? worker.client({ ip }).post("/login", { intent: "verify-code", channel: "sms", phone: `1390000${String(2000 + i)}`, code: "000000" })
          : apiPost("/auth/sign-in", ip, { method: "code", channel: "sms", phone: `1390000${String(2000 + i)}`, code: "000000" }),
      ),
    );
    await drain(results);
    expect(count(statuses(results), 400) + count(statuses(results), 401)).toBe(60);
    expect(count(statuses(results), 429)).toBe(4);
  }, 60_000);

  it("password changes per account: 10 in 15 minutes", async () => {
    const c = worker.client({ ip: "198.51.100.213" });
    expect((await c.post("/login", { intent: "password", email: "leader3@demo.tuangou.test", password: PASSWORD })).status).toBe(302);
    const results = await Promise.all(Array.from({ length: 13 }, (_, i) => c.post("/me", { intent: "change-password", currentPassword: `guess-${i}-wrong`, newPassword: "whatever-new-1" })));
    expect(count(statuses(results), 400)).toBe(10);
    expect(count(statuses(results), 429)).toBe(3);
    expect((await c.get("/me")).status).toBe(200);
  }, 60_000);

  it("pickup-code misses per leader: 30 in 10 minutes (guessing codes is refused)", async () => {
    const t = await bearer("leader3@demo.tuangou.test", "198.51.100.214");
    const results = await Promise.all(
      Array.from({ length: 34 }, (_, i) =>
        worker.fetch(`/api/v1/leader/pickups/${String(10_000_000 + i * 7919)}`, { headers: { Authorization: `Bearer ${t}`, "CF-Connecting-IP": "198.51.100.216" } }),
      ),
    );
    expect(count(statuses(results), 404)).toBe(30);
    expect(count(statuses(results), 429)).toBe(4);
    await drain(results);
  }, 60_000);
});
