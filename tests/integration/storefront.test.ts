import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import type { SQL } from "drizzle-orm";
import { shelfQuery } from "../../app/modules/catalog/queries.server";
import { matchExpression } from "../../app/modules/catalog/search-tokens";
import { searchStatement } from "../../app/modules/catalog/search.server";
import { startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await worker.client().get(path, headers);
  return { status: res.status, html: await res.text() };
};

describe("search", () => {
  it("finds Chinese products without spaces, ranked by title", async () => {
    const { html } = await page("/search?q=%E8%8D%89%E8%8E%93"); // 草莓
    expect(html).toContain("丹东 99 红颜草莓");
    expect(html).toContain("找到 1 件商品");
  });

  it("finds by a single character and by category words", async () => {
    expect((await page("/search?q=%E9%9D%A2")).html).toContain("手工龙须挂面"); // 面
    const baby = (await page("/search?q=%E6%AF%8D%E5%A9%B4")).html; // 母婴
    expect(baby).toContain("婴儿纸尿裤 L 码");
    expect(baby).toContain("宝宝米饼");
  });

  it("finds English titles by word prefix, case-insensitively", async () => {
    const { html } = await page("/search?q=STRAWBERR", { "Accept-Language": "en" });
    expect(html).toContain("Dandong Hongyan strawberries");
  });

  it("shows a helpful empty state, and treats FTS syntax as plain text", async () => {
    const none = await page("/search?q=%E9%A3%9E%E6%9C%BA"); // 飞机
    expect(none.status).toBe(200);
    expect(none.html).toContain("没有找到");
    const syntax = await page(`/search?q=${encodeURIComponent('" OR * NEAR( -x')}`);
    expect(syntax.status).toBe(200);
  });

  it("refuses an oversized query or bad page with a 400, not a 500", async () => {
    expect((await page(`/search?q=${"a".repeat(101)}`)).status).toBe(400);
    expect((await page("/search?q=egg&page=0")).status).toBe(400);
    expect((await page("/search?q=egg&page=abc")).status).toBe(400);
  });

  it("uses the FTS index and the shelf index, not full scans", async () => {
    const plan = await worker.d1
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM products WHERE status = 'on_shelf' ORDER BY sold_count DESC, id LIMIT 40")
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(" | ")).toMatch(/USING INDEX products_shelf_idx/);
    const cat = await worker.d1
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM products WHERE status = 'on_shelf' AND category_id = 'x' ORDER BY sold_count DESC LIMIT 40")
      .all<{ detail: string }>();
    expect(cat.results.map((r) => r.detail).join(" | ")).toMatch(/USING INDEX products_category_idx/);
  });

  it("plans the app's own shelf and search queries without scanning a table", async () => {
    const db = drizzle(worker.d1);
    const planOf = async (query: SQL) => {
      const { sql: text, params } = db.all(query).getQuery();
      const plan = await worker.d1.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
      return plan.results.map((r) => r.detail);
    };
    // A SCAN of a real table (rather than of the FTS index, a CTE or a subquery) is a full scan.
    const fullScans = (plan: string[]) => plan.filter((d) => /^SCAN (products|skus|product_images|sku_price_history|categories|p|s|i|h)\b/.test(d));
    const home = await planOf(shelfQuery({ limit: 40 }));
    expect(fullScans(home)).toEqual([]);
    expect(home.join(" | ")).toMatch(/USING INDEX products_shelf_idx/);
    const category = await planOf(shelfQuery({ limit: 60, categorySlug: "fresh" }));
    expect(fullScans(category)).toEqual([]);
    expect(category.join(" | ")).toMatch(/USING INDEX products_category_idx/);
    const search = await planOf(searchStatement(matchExpression("fresh")!, 0));
    expect(fullScans(search)).toEqual([]);
    expect(search.join(" | ")).toMatch(/SCAN product_search VIRTUAL TABLE/);
    // Hits drive the loop: products are looked up by key, never walked through the shelf index.
    expect(search.join(" | ")).toMatch(/SEARCH p USING INDEX sqlite_autoindex_products_1 \(id=\?\)/);
    expect(search.join(" | ")).not.toMatch(/products_shelf_idx/);
  });
});

describe("catalogue pages", () => {
  it("shows a struck price only when it is the real recent price", async () => {
    const { html } = await page("/products/prd_demostrawberry000000");
    expect(html).toContain("¥39.90");
    expect(html).toMatch(/<s [^>]*>¥49\.90<\/s>/);
    const eggs = (await page("/products/prd_demoeggs000000000000")).html;
    expect(eggs).not.toMatch(/<s[ >]/);
  });

  it("shows SKUs with stock status and the merchant", async () => {
    const { html } = await page("/products/prd_demopork000000000000");
    expect(html).toContain("已售罄");
    expect(html).toContain("鲜果坊");
  });

  it("404s for unknown or malformed products and categories", async () => {
    expect((await page("/products/prd_00000000000000000000")).status).toBe(404);
    expect((await page("/products/%27%20OR%201%3D1")).status).toBe(404);
    expect((await page("/categories?c=nope")).status).toBe(404);
  });

  it("lists a category's products from the rail", async () => {
    const { html } = await page("/categories?c=baby");
    expect(html).toContain("婴儿手口湿巾");
    expect(html).not.toContain("上海青");
  });
});

describe("pickup point choice", () => {
  it("orders points by distance from the browser's location", async () => {
    // Near Xuhui (翠湖小区驿站 at 31.1885, 121.4516).
    const { html } = await page("/pickup?lat=31.19&lng=121.45");
    const order = ["翠湖小区驿站", "幸福里社区团购点", "阳光花园便利店"].map((n) => html.indexOf(n));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toMatch(/\d+ 米|\d+\.\d 公里/);
  });

  it("searches by name or area and masks the street address", async () => {
    const { html } = await page(`/pickup?q=${encodeURIComponent("静安")}`);
    expect(html).toContain("幸福里社区团购点");
    expect(html).not.toContain("阳光花园便利店");
    expect(html).not.toContain("延平路 99 弄 5 号");
    expect(html).toContain("上海市静安区****");
  });

  it("remembers a guest's choice in a cookie and carries it into the account at sign-in", async () => {
    const client = worker.client({ ip: "203.0.113.90" });
    const chose = await client.post("/pickup", { pickupPointId: "pkp_demolakeside00000000", returnTo: "/categories" });
    expect(chose.status).toBe(302);
    expect(chose.headers.get("location")).toBe("/categories");
    expect(await (await client.get("/")).text()).toContain("翠湖小区驿站");
    await client.post("/login", { intent: "password", email: "shopper1@demo.tuangou.test", password: "demo-pass-2026" });
    const row = await worker.d1.prepare("SELECT pickup_point_id FROM user_pickup_points WHERE user_id = 'usr_demoshopper010000000'").first<{ pickup_point_id: string }>();
    expect(row!.pickup_point_id).toBe("pkp_demolakeside00000000");
  });

  it("a signed-in user's choice is stored per user and can be changed", async () => {
    const client = worker.client({ ip: "203.0.113.91" });
    await client.post("/login", { intent: "password", email: "leader3@demo.tuangou.test", password: "demo-pass-2026" });
    await client.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
    await client.post("/pickup", { pickupPointId: "pkp_demohappylane0000000" });
    const rows = await worker.d1.prepare("SELECT pickup_point_id FROM user_pickup_points WHERE user_id = 'usr_demoleader0300000000'").all<{ pickup_point_id: string }>();
    expect(rows.results).toEqual([{ pickup_point_id: "pkp_demohappylane0000000" }]);
  });

  it("refuses unknown points and bad input with field errors", async () => {
    const client = worker.client();
    expect((await client.post("/pickup", { pickupPointId: "pkp_00000000000000000000" })).status).toBe(404);
    const bad = await client.post("/pickup", { pickupPointId: "'; DROP TABLE pickup_points; --" });
    expect(bad.status).toBe(400);
    expect((await page("/pickup?lat=999&lng=121")).status).toBe(400);
  });
});

describe("cart", () => {
  const STRAWBERRY = "sku_demostrawberry000001";
  const EGGS = "sku_demoeggs000000000001";

  it("keeps a guest cart in a cookie and merges it into the account at sign-in", async () => {
    const client = worker.client({ ip: "203.0.113.100" });
    const added = await client.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "2", returnTo: "/products/prd_demostrawberry000000" });
    expect(added.status).toBe(302);
    expect(added.headers.get("location")).toBe("/products/prd_demostrawberry000000");
    expect(client.cookies.get("tg_cart")).toBe(`${STRAWBERRY}:2`);
    await client.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const cart = await (await client.get("/cart")).text();
    expect(cart).toContain("丹东 99 红颜草莓");
    expect(cart).toContain("¥109.60"); // 2 × 39.90 + 29.80
    await client.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" });
    expect(client.cookies.has("tg_cart")).toBe(false);
    const rows = await worker.d1.prepare("SELECT sku_id, quantity FROM cart_items WHERE user_id = 'usr_demoleader0100000000' ORDER BY sku_id").all();
    expect(rows.results).toEqual([
      { sku_id: EGGS, quantity: 1 },
      { sku_id: STRAWBERRY, quantity: 2 },
    ]);
  });

  it("adds, sets and removes lines for a signed-in user; quantities cap at 99", async () => {
    const client = worker.client({ ip: "203.0.113.101" });
    await client.post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: "demo-pass-2026" });
    await client.post("/cart", { intent: "add", skuId: EGGS, quantity: "60" });
    await client.post("/cart", { intent: "add", skuId: EGGS, quantity: "60" });
    const q = () => worker.d1.prepare("SELECT quantity FROM cart_items WHERE user_id = 'usr_demoleader0200000000' AND sku_id = ?").bind(EGGS).first<{ quantity: number }>();
    expect((await q())!.quantity).toBe(99);
    await client.post("/cart", { intent: "set", skuId: EGGS, quantity: "3" });
    expect((await q())!.quantity).toBe(3);
    await client.post("/cart", { intent: "set", skuId: EGGS, quantity: "0" });
    expect(await q()).toBeNull();
  });

  it("refuses sold-off or unknown SKUs and bad quantities, writing nothing", async () => {
    const client = worker.client({ ip: "203.0.113.102" });
    await client.post("/login", { intent: "password", email: "leader3@demo.tuangou.test", password: "demo-pass-2026" });
    expect((await client.post("/cart", { intent: "add", skuId: "sku_00000000000000000000", quantity: "1" })).status).toBe(404);
    for (const quantity of ["-1", "1000", "1.5", "abc", "0"]) {
      expect((await client.post("/cart", { intent: "add", skuId: EGGS, quantity })).status, quantity).toBe(400);
    }
    expect((await client.post("/cart", { intent: "explode", skuId: EGGS, quantity: "1" })).status).toBe(400);
    const n = await worker.d1.prepare("SELECT count(*) AS n FROM cart_items WHERE user_id = 'usr_demoleader0300000000'").first<{ n: number }>();
    expect(n!.n).toBe(0);
  });

  it("ignores a tampered guest cookie instead of failing", async () => {
    const res = await worker.client().get("/cart", { Cookie: `tg_cart=sku_x:5,${EGGS}:9999,garbage,${STRAWBERRY}:1` });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("丹东 99 红颜草莓");
    expect(html).not.toContain("农家散养土鸡蛋");
  });
});

describe("personal centre", () => {
  it("favourites: add from the product page, list, remove; unknown products refused", async () => {
    const c = worker.client({ ip: "203.0.113.120" });
    await c.post("/login", { intent: "password", email: "fruit@demo.tuangou.test", password: "demo-pass-2026" });
    const add = await c.post("/me/favourites", { intent: "add", productId: "prd_demorice000000000000", returnTo: "/products/prd_demorice000000000000" });
    expect(add.headers.get("location")).toBe("/products/prd_demorice000000000000");
    expect(await (await c.get("/products/prd_demorice000000000000")).text()).toContain('aria-pressed="true"');
    expect(await (await c.get("/me/favourites")).text()).toContain("五常稻花香大米");
    await c.post("/me/favourites", { intent: "remove", productId: "prd_demorice000000000000" });
    expect(await (await c.get("/me/favourites")).text()).toContain("还没有收藏的商品");
    expect((await c.post("/me/favourites", { intent: "add", productId: "prd_00000000000000000000" })).status).toBe(404);
    expect((await c.post("/me/favourites", { intent: "add", productId: "x" })).status).toBe(400);
  });

  it("addresses: saved encrypted, shown to their owner, validated field by field", async () => {
    const c = worker.client({ ip: "203.0.113.121" });
    await c.post("/login", { intent: "password", email: "baby@demo.tuangou.test", password: "demo-pass-2026" });
    const bad = await c.post("/me/addresses", { recipientName: "", phone: "123", region: "", detail: "" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("请填写名称");
    expect(html).toContain("请输入 11 位中国大陆手机号");
    const ok = await c.post("/me/addresses", { recipientName: "王女士", phone: "13900002222", region: "上海市 浦东新区", detail: "锦绣路 99 弄 8 号 502" });
    expect(ok.status).toBe(302);
    const row = await worker.d1.prepare("SELECT id, phone_enc, detail_enc, is_default FROM addresses WHERE user_id = 'usr_demomerchant02000000'").first<{ id: string; phone_enc: string; detail_enc: string; is_default: number }>();
    expect(row!.detail_enc).not.toContain("锦绣路");
    expect(row!.phone_enc).not.toContain("13900002222");
    expect(row!.is_default).toBe(1);
    const page = await (await c.get("/me/addresses")).text();
    expect(page).toContain("锦绣路 99 弄 8 号 502");
    expect(page).toContain("139****2222");
    const stranger = worker.client({ ip: "203.0.113.122" });
    await stranger.post("/login", { intent: "password", email: "fruit@demo.tuangou.test", password: "demo-pass-2026" });
    expect((await stranger.post("/me/addresses", { intent: "delete", id: row!.id })).status).toBe(404);
    expect((await stranger.post("/me/addresses", { id: row!.id, recipientName: "x", phone: "13900002222", region: "x", detail: "x" })).status).toBe(404);
    expect((await c.post("/me/addresses", { intent: "delete", id: row!.id })).status).toBe(302);
  });

  it("coupons page lists the demo coupons as usable", async () => {
    const c = worker.client({ ip: "203.0.113.123" });
    await c.post("/login", { intent: "password", email: "fruit@demo.tuangou.test", password: "demo-pass-2026" });
    const html = await (await c.get("/me/coupons")).text();
    expect(html).toContain("无门槛 5 元券");
    expect(html).toContain("9 折");
    expect(html).toContain("满 ¥80.00 可用");
  });
});
