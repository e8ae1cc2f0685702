import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

// The merchant's catalogue (draft → review → shelf), bulk edits, CSV import, images, and the
// admin's review queue, against the built Worker with the edge cache on as in production.
let worker: TestWorker;
let merchant: Client;
let otherMerchant: Client;
let admin: Client;

beforeAll(async () => {
  worker = await startWorker({ vars: { EDGE_CACHE_TTL: "60" } });
  const signIn = async (email: string, ip: string) => {
    const c = worker.client({ ip });
    const res = await c.post("/login", { intent: "password", email, password: "demo-pass-2026" });
    expect(res.status, email).toBe(302);
    return c;
  };
  merchant = await signIn("fruit@demo.tuangou.test", "192.0.2.31");
  otherMerchant = await signIn("baby@demo.tuangou.test", "192.0.2.32");
  admin = await signIn("admin@demo.tuangou.test", "192.0.2.33");
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const FRESH = "cat_demofresh00000000000";

function productForm(over: Record<string, string> = {}) {
  return {
    intent: "save",
    titleZh: "高山蓝莓测试",
    titleEn: "Highland blueberry trial",
    descriptionZh: "当季鲜果",
    descriptionEn: "In season",
    categoryId: FRESH,
    unit: "盒",
    "skus[0].specZh": "125g",
    "skus[0].specEn": "125 g",
    "skus[0].priceYuan": "19.90",
    "skus[0].stock": "50",
    "skus[0].active": "on",
    "skus[1].specZh": "500g 家庭装",
    "skus[1].specEn": "500 g family pack",
    "skus[1].priceYuan": "59.9",
    "skus[1].stock": "20",
    "skus[1].active": "on",
    ...over,
  };
}

async function anonymousPage(path: string) {
  const res = await worker.client({ ip: "192.0.2.40" }).get(path);
  const body = await res.text();
  await new Promise((r) => setTimeout(r, 30)); // the Worker stores the cache copy after answering
  return { status: res.status, body, cache: res.headers.get("X-Edge-Cache") };
}

const productRow = (id: string) => worker.d1.prepare("SELECT status, submitted_at, reviewed_by, reject_reason FROM products WHERE id = ?").bind(id).first<{ status: string; submitted_at: number | null; reviewed_by: string | null; reject_reason: string | null }>();
const skuRows = (id: string) => worker.d1.prepare("SELECT id, price_fen, stock, status FROM skus WHERE product_id = ? ORDER BY sort").bind(id).all<{ id: string; price_fen: number; stock: number; status: string }>().then((r) => r.results);
const historyOf = (skuId: string) => worker.d1.prepare("SELECT price_fen FROM sku_price_history WHERE sku_id = ? ORDER BY effective_at").bind(skuId).all<{ price_fen: number }>().then((r) => r.results.map((h) => h.price_fen));

let productId = "";

describe("product lifecycle", () => {
  it("creates a draft with two SKUs, prices converted from yuan exactly", async () => {
    const res = await merchant.post("/merchant/products/new", productForm());
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/merchant\/products\/prd_[0-9a-z]{20}\?done=created$/);
    productId = /prd_[0-9a-z]{20}/.exec(location)![0];
    expect((await productRow(productId))!.status).toBe("draft");
    const skus = await skuRows(productId);
    expect(skus.map((s) => [s.price_fen, s.stock, s.status])).toEqual([
      [1990, 50, "active"],
      [5990, 20, "active"],
    ]);
    // Draft prices are never in the history: shoppers have not seen them.
    expect(await historyOf(skus[0]!.id)).toEqual([]);
    const page = await merchant.get(location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("高山蓝莓测试");
  });

  it("answers bad input with field errors (400), and adds SKU rows without JavaScript", async () => {
    const bad = await merchant.post("/merchant/products/new", productForm({ titleZh: "", "skus[0].priceYuan": "19.999", categoryId: "cat_nosuchcategory0000000" }));
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("请填写商品名称");
    expect(html).toContain("价格格式不对");
    const notAllowed = await merchant.post("/merchant/products/new", productForm({ categoryId: "cat_nosuchcategory0000000" }));
    expect(notAllowed.status).toBe(400);
    expect(await notAllowed.text()).toContain("不能在这个类目下卖货");
    const added = await merchant.post("/merchant/products/new", { ...productForm(), intent: "", __intent__: JSON.stringify({ type: "insert", payload: { name: "skus", defaultValue: { active: "on" } } }) });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain('name="skus[2].specZh"');
  });

  it("another merchant gets 404 on this product and cannot change it", async () => {
    expect((await otherMerchant.get(`/merchant/products/${productId}`)).status).toBe(404);
    const res = await otherMerchant.post(`/merchant/products/${productId}`, productForm({ titleZh: "被改了" }));
    expect(res.status).toBe(404);
    expect((await otherMerchant.post(`/merchant/products/${productId}`, { intent: "submit" })).status).toBe(404);
    const skus = await skuRows(productId);
    const bulk = await otherMerchant.post("/merchant/products?index", { intent: "bulk", [`price.${skus[0]!.id}`]: "0.01", [`stock.${skus[0]!.id}`]: "0" });
    expect(bulk.status).toBe(400);
    expect((await skuRows(productId))[0]!.price_fen).toBe(1990);
    const title = await worker.d1.prepare("SELECT title_zh FROM products WHERE id = ?").bind(productId).first<{ title_zh: string }>();
    expect(title!.title_zh).toBe("高山蓝莓测试");
  });

  it("submit → admin approves → on the home shelf and in search, past the edge cache", async () => {
    // An anonymous home page is cached without the product.
    await anonymousPage("/");
    const before = await anonymousPage("/");
    expect(before.cache).toBe("HIT");
    expect(before.body).not.toContain("高山蓝莓测试");

    expect((await merchant.post(`/merchant/products/${productId}`, { intent: "submit" })).status).toBe(302);
    const submitted = await productRow(productId);
    expect(submitted!.status).toBe("pending_review");
    expect(submitted!.submitted_at).toBeGreaterThan(0);
    // Content is locked while in review.
    expect((await merchant.post(`/merchant/products/${productId}`, productForm({ titleZh: "改名" }))).status).toBe(409);

    const queue = await admin.get("/admin/products");
    expect(queue.status).toBe(200);
    const queueHtml = await queue.text();
    expect(queueHtml).toContain("高山蓝莓测试");
    expect(queueHtml).toContain("¥59.90");
    // A merchant cannot review.
    expect((await merchant.post("/admin/products", { intent: "approve", productId })).status).toBe(403);

    const approved = await admin.post("/admin/products", { intent: "approve", productId });
    expect(approved.status).toBe(200);
    const row = await productRow(productId);
    expect(row!.status).toBe("on_shelf");
    expect(row!.reviewed_by).toMatch(/^usr_/);
    const audit = await worker.d1.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'product.approve' AND entity_id = ?").bind(productId).first<{ n: number }>();
    expect(audit!.n).toBe(1);
    // Prices start being shown: recorded in the history.
    const skus = await skuRows(productId);
    expect(await historyOf(skus[0]!.id)).toEqual([1990]);

    const after = await anonymousPage("/");
    expect(after.cache).toBe("MISS");
    expect(after.body).toContain("高山蓝莓测试");
    const search = await anonymousPage("/search?q=blueberry");
    expect(search.body).toContain("高山蓝莓测试");
    const page = await anonymousPage(`/products/${productId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("¥19.90");
    // Approving twice is a conflict, not an error.
    expect((await admin.post("/admin/products", { intent: "approve", productId })).status).toBe(409);
  });

  it("a price cut writes history and shows the true struck price; a price rise shows none", async () => {
    const [cheap, big] = await skuRows(productId);
    const cut = await merchant.post("/merchant/products?index", {
      intent: "bulk",
      [`price.${cheap!.id}`]: "14.90",
      [`stock.${cheap!.id}`]: "50",
      [`price.${big!.id}`]: "59.90",
      [`stock.${big!.id}`]: "20",
    });
    expect(cut.status).toBe(200);
    expect(await historyOf(cheap!.id)).toEqual([1990, 1490]);
    expect(await historyOf(big!.id)).toEqual([5990]);
    const page = await anonymousPage(`/products/${productId}`);
    expect(page.body).toMatch(/<s(?: [^>]*)?>¥19\.90<\/s>/);
    expect(page.body).toContain("¥14.90");

    await new Promise((r) => setTimeout(r, 5));
    const rise = await merchant.post("/merchant/products?index", { intent: "bulk", [`price.${cheap!.id}`]: "24.90", [`stock.${cheap!.id}`]: "50" });
    expect(rise.status).toBe(200);
    const risen = await anonymousPage(`/products/${productId}`);
    expect(risen.body).toContain("¥24.90");
    expect(risen.body).not.toMatch(/<s(?: [^>]*)?>¥/);
  });

  it("bulk edit is all or nothing, with per-row errors", async () => {
    const [a, b] = await skuRows(productId);
    const res = await merchant.post("/merchant/products?index", {
      intent: "bulk",
      [`price.${a!.id}`]: "9.90",
      [`stock.${a!.id}`]: "10",
      [`price.${b!.id}`]: "abc",
      [`stock.${b!.id}`]: "-1",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`id="price.${b!.id}-error"`);
    expect(html).toContain(`id="stock.${b!.id}-error"`);
    expect(html).not.toContain(`id="price.${a!.id}-error"`);
    // What was typed is kept.
    expect(html).toContain('value="abc"');
    const after = await skuRows(productId);
    expect(after.map((s) => [s.price_fen, s.stock])).toEqual([
      [a!.price_fen, a!.stock],
      [b!.price_fen, b!.stock],
    ]);
  });

  it("a content edit of an on-shelf product goes back to review; price/stock edits don't", async () => {
    const skus = await skuRows(productId);
    const ids = { "skus[0].id": skus[0]!.id, "skus[1].id": skus[1]!.id };
    const priceOnly = await merchant.post(`/merchant/products/${productId}`, productForm({ ...ids, "skus[0].priceYuan": "24.90", "skus[1].stock": "33" }));
    expect(priceOnly.headers.get("location")).toContain("done=saved");
    expect((await productRow(productId))!.status).toBe("on_shelf");
    const renamed = await merchant.post(`/merchant/products/${productId}`, productForm({ ...ids, "skus[0].priceYuan": "24.90", titleEn: "Highland blueberries" }));
    expect(renamed.headers.get("location")).toContain("done=sentToReview");
    expect((await productRow(productId))!.status).toBe("pending_review");
    expect((await anonymousPage(`/products/${productId}`)).status).toBe(404);
    // The admin rejects with a reason; the merchant sees it and can resubmit.
    expect((await admin.post("/admin/products", { intent: "reject", productId, reason: "" })).status).toBe(400);
    expect((await admin.post("/admin/products", { intent: "reject", productId, reason: "英文名称请写完整" })).status).toBe(200);
    const row = await productRow(productId);
    expect(row).toMatchObject({ status: "rejected", reject_reason: "英文名称请写完整" });
    const page = await merchant.get(`/merchant/products/${productId}`);
    expect(await page.text()).toContain("英文名称请写完整");
    // The merchant's staff are told in their inbox, with the reason and a link to the product.
    const rejectedNotice = await worker.d1
      .prepare("SELECT data, link FROM notifications WHERE kind = 'merchant.product_rejected' AND link = ?")
      .bind(`/merchant/products/${productId}`)
      .all<{ data: string; link: string }>();
    expect(rejectedNotice.results.length).toBeGreaterThan(0);
    expect(JSON.parse(rejectedNotice.results[0]!.data)).toMatchObject({ reason: "英文名称请写完整" });
    expect((await merchant.post(`/merchant/products/${productId}`, { intent: "submit" })).status).toBe(302);
    expect((await admin.post("/admin/products", { intent: "approve", productId })).status).toBe(200);
    const approvedNotice = await worker.d1
      .prepare("SELECT count(*) AS n FROM notifications WHERE kind = 'merchant.product_approved' AND link = ?")
      .bind(`/merchant/products/${productId}`)
      .first<{ n: number }>();
    expect(approvedNotice!.n).toBeGreaterThan(0);
    // Off the shelf and back.
    expect((await merchant.post(`/merchant/products/${productId}`, { intent: "take-off" })).status).toBe(302);
    expect((await productRow(productId))!.status).toBe("off_shelf");
    expect((await anonymousPage(`/products/${productId}`)).status).toBe(404);
    expect((await merchant.post(`/merchant/products/${productId}`, { intent: "put-on" })).status).toBe(302);
    expect((await productRow(productId))!.status).toBe("on_shelf");
    expect((await merchant.post(`/merchant/products/${productId}`, { intent: "put-on" })).status).toBe(409);
  });

  it("lists and filters the merchant's own products only", async () => {
    const list = await merchant.get("/merchant/products?status=on_shelf&q=%E8%93%9D%E8%8E%93");
    const html = await list.text();
    expect(html).toContain("高山蓝莓测试");
    expect(html).not.toContain("丹东 99 红颜草莓");
    const other = await otherMerchant.get("/merchant/products");
    expect(await other.text()).not.toContain("高山蓝莓测试");
    expect((await merchant.get("/merchant/products?status=bogus")).status).toBe(400);
  });
});

const postMultipart = (client: Client, path: string, form: FormData) => client.postMultipart(path, form);

// --- CSV import ----------------------------------------------------------------------------------

function csvUpload(client: Client, content: string | Uint8Array<ArrayBuffer>, name = "products.csv") {
  const form = new FormData();
  form.set("file", new File([content], name, { type: "text/csv" }));
  return postMultipart(client, "/merchant/products/import", form);
}

const HEADER = "title_zh,title_en,category_slug,unit,spec_zh,spec_en,price_yuan,stock,description_zh,description_en";

describe("CSV import", () => {
  const countDrafts = () => worker.d1.prepare("SELECT count(*) AS n FROM products WHERE status = 'draft' AND merchant_id = 'mch_demofruit00000000000'").first<{ n: number }>().then((r) => r!.n);

  it("imports a good file (BOM, CRLF, quoted commas) as drafts with grouped SKUs", async () => {
    const before = await countDrafts();
    const file = `\uFEFF${HEADER}\r\n进口香蕉,Imported bananas,fresh,把,"约 1kg, 5 根",about 1 kg,12.80,40,"香甜
软糯",Sweet\r\n进口香蕉,Imported bananas,fresh,把,约 2kg,about 2 kg,24,15,,\r\n有机菠菜,Organic spinach,fresh,袋,300g,300 g,6.5,80,,\r\n`;
    const res = await csvUpload(merchant, file);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已导入 2 个商品");
    expect(await countDrafts()).toBe(before + 2);
    const banana = await worker.d1.prepare("SELECT id, description_zh FROM products WHERE title_zh = '进口香蕉'").first<{ id: string; description_zh: string }>();
    expect(banana!.description_zh).toBe("香甜\n软糯");
    expect((await skuRows(banana!.id)).map((s) => s.price_fen)).toEqual([1280, 2400]);
  });

  it("refuses a bad file with row errors and writes nothing", async () => {
    const before = await countDrafts();
    const file = `${HEADER}\n好苹果,Good apples,fresh,袋,1kg,1 kg,10,5,,\n坏价格,Bad price,fresh,袋,1kg,1 kg,1.234,5,,\n坏类目,Bad category,cars,袋,1kg,1 kg,3,x,,\n`;
    const res = await csvUpload(merchant, file);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("发现 3 处错误");
    expect(html).toMatch(/<td[^>]*>3<\/td><td[^>]*><code>price_yuan<\/code>/);
    expect(html).toMatch(/<td[^>]*>4<\/td><td[^>]*><code>stock<\/code>/);
    expect(await countDrafts()).toBe(before);
    expect(await worker.d1.prepare("SELECT count(*) AS n FROM products WHERE title_zh = '好苹果'").first<{ n: number }>()).toEqual({ n: 0 });
    // The report downloads as CSV.
    const report = await merchant.post("/merchant/products/csv", { errors: JSON.stringify([{ row: 3, column: "price_yuan", code: "price_invalid" }]) });
    expect(report.status).toBe(200);
    expect(report.headers.get("Content-Type")).toContain("text/csv");
    expect(report.headers.get("Content-Disposition")).toContain("attachment");
    expect(await report.text()).toContain("3,price_yuan,");
  });

  it("refuses oversized files, bad encodings and broken quoting clearly", async () => {
    const big = `${HEADER}\n` + "很长的名字,Long,fresh,袋,1kg,1 kg,10,5,,\n".repeat(30_000);
    const res = await csvUpload(merchant, big);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("文件太大");
    const tooManyRows = `${HEADER}\n` + Array.from({ length: 2001 }, (_, i) => `商品${i},P${i},fresh,袋,1kg,1 kg,1,1,,`).join("\n");
    const rows = await csvUpload(merchant, tooManyRows);
    expect(rows.status).toBe(400);
    expect(await rows.text()).toContain("行数太多");
    const gbk = await csvUpload(merchant, new Uint8Array([0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0x61, 0x0a]));
    expect(gbk.status).toBe(400);
    expect(await gbk.text()).toContain("UTF-8");
    const quote = await csvUpload(merchant, `${HEADER}\n"unclosed,x\n`);
    expect(quote.status).toBe(400);
    expect(await quote.text()).toContain("引号没有闭合");
  });
});

// --- Images ----------------------------------------------------------------------------------------

function png(width: number, height: number, size = 64): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

function webp(width: number, height: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(64);
  b.set([...new TextEncoder().encode("RIFF"), 0, 0, 0, 0, ...new TextEncoder().encode("WEBPVP8X")]);
  b.set([(width - 1) & 255, ((width - 1) >> 8) & 255, 0, (height - 1) & 255, ((height - 1) >> 8) & 255, 0], 24);
  return b;
}

function imageUpload(client: Client, id: string, original: Uint8Array<ArrayBuffer> | string, variants: Record<number, Uint8Array<ArrayBuffer>> = {}) {
  const form = new FormData();
  form.set("intent", "upload-image");
  form.set("image", new File([original], "photo.png", { type: "image/png" }));
  for (const [w, bytes] of Object.entries(variants)) form.set(`variant_${w}`, new File([bytes], `${w}.webp`, { type: "image/webp" }));
  return postMultipart(client, `/merchant/products/${id}`, form);
}

describe("product images", () => {
  let draftId = "";
  beforeAll(async () => {
    const res = await merchant.post("/merchant/products/new", productForm({ titleZh: "图片测试商品", titleEn: "Image test" }));
    draftId = /prd_[0-9a-z]{20}/.exec(res.headers.get("location") ?? "")![0];
  });

  it("refuses a wrong type, an oversized file and variants that lie about their width", async () => {
    const svg = await imageUpload(merchant, draftId, "<svg xmlns='http://www.w3.org/2000/svg'></svg>");
    expect(svg.status).toBe(400);
    expect(await svg.text()).toContain("只支持 JPEG、PNG 或 WebP");
    const huge = await imageUpload(merchant, draftId, png(800, 800, 5 * 1024 * 1024 + 10));
    expect(huge.status).toBe(413);
    const lying = await imageUpload(merchant, draftId, png(800, 800), { 160: webp(160, 160), 320: webp(300, 300) });
    expect(lying.status).toBe(400);
    const upscaled = await imageUpload(merchant, draftId, png(300, 300), { 640: webp(640, 640) });
    expect(upscaled.status).toBe(400);
    expect((await imageUpload(otherMerchant, draftId, png(800, 800))).status).toBe(404);
    const n = await worker.d1.prepare("SELECT count(*) AS n FROM product_images WHERE product_id = ?").bind(draftId).first<{ n: number }>();
    expect(n!.n).toBe(0);
  });

  it("stores the original and its variants, and serves them with long cache headers", async () => {
    const res = await imageUpload(merchant, draftId, png(800, 600), { 160: webp(160, 120), 320: webp(320, 240), 640: webp(640, 480) });
    expect(res.status).toBe(302);
    const img = await worker.d1.prepare("SELECT r2_key, content_type, width, height, variants FROM product_images WHERE product_id = ?").bind(draftId).first<{ r2_key: string; content_type: string; width: number; height: number; variants: string }>();
    expect(img).toMatchObject({ content_type: "image/png", width: 800, height: 600, variants: "[160,320,640]" });
    const original = await worker.fetch(`/images/${img!.r2_key}`);
    expect(original.status).toBe(200);
    expect(original.headers.get("Content-Type")).toBe("image/png");
    expect(original.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    await original.arrayBuffer();
    const variant = await worker.fetch(`/images/${img!.r2_key}@320w`);
    expect(variant.status).toBe(200);
    expect(variant.headers.get("Content-Type")).toBe("image/webp");
    expect(variant.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await variant.arrayBuffer()).length).toBe(64);
    expect((await worker.fetch(`/images/${img!.r2_key}@999w`)).status).toBe(404);

    // The merchant's page offers the variants in srcset; without JS only the original is stored.
    const page = await (await merchant.get(`/merchant/products/${draftId}`)).text();
    expect(page).toContain(`${img!.r2_key}@160w 160w`);
    expect((await imageUpload(merchant, draftId, png(1200, 1200))).status).toBe(302);
    const plain = await worker.d1.prepare("SELECT variants FROM product_images WHERE product_id = ? AND sort = 1").bind(draftId).first<{ variants: string | null }>();
    expect(plain!.variants).toBeNull();
  });

  it("reorders and deletes images, at most 6", async () => {
    const list = async () => (await worker.d1.prepare("SELECT id, r2_key FROM product_images WHERE product_id = ? ORDER BY sort").bind(draftId).all<{ id: string; r2_key: string }>()).results;
    const [first, second] = await list();
    expect((await merchant.post(`/merchant/products/${draftId}`, { intent: "image-up", imageId: second!.id })).status).toBe(302);
    expect((await list()).map((i) => i.id)).toEqual([second!.id, first!.id]);
    for (let i = 0; i < 4; i++) expect((await imageUpload(merchant, draftId, png(400, 400), { 160: webp(160, 160) })).status).toBe(302);
    const seventh = await imageUpload(merchant, draftId, png(100, 100));
    expect(seventh.status).toBe(400);
    expect(await seventh.text()).toContain("最多 6 张");
    const last = (await list()).at(-1)!;
    for (const img of [second!, last]) expect((await merchant.post(`/merchant/products/${draftId}`, { intent: "image-delete", imageId: img.id })).status).toBe(302);
    expect((await list()).map((i) => i.id)).toEqual(expect.not.arrayContaining([second!.id, last.id]));
    expect((await list())[0]!.id).toBe(first!.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(await worker.images.get(second!.r2_key)).toBeNull();
    expect(await worker.images.get(last.r2_key)).toBeNull();
    expect(await worker.images.get(`${last.r2_key}@160w`)).toBeNull();
    expect(await worker.images.get(`${first!.r2_key}@160w`)).not.toBeNull();
  });

  it("an approved product's card and page use srcset with the variants", async () => {
    expect((await merchant.post(`/merchant/products/${draftId}`, { intent: "submit" })).status).toBe(302);
    expect((await admin.post("/admin/products", { intent: "approve", productId: draftId })).status).toBe(200);
    const [cover] = (await worker.d1.prepare("SELECT r2_key FROM product_images WHERE product_id = ? ORDER BY sort").bind(draftId).all<{ r2_key: string }>()).results;
    const page = await anonymousPage(`/products/${draftId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/images/${cover!.r2_key}@640w 640w, /images/${cover!.r2_key} 800w`);
    expect(page.body).toContain('width="800" height="600"');
    const search = await anonymousPage("/search?q=image");
    expect(search.body).toContain("图片测试商品");
    expect(search.body).toContain(`srcSet="/images/${cover!.r2_key}@160w 160w`);
    // Demo images are SVG: no srcset.
    const home = await anonymousPage("/");
    expect(home.body).toMatch(/src="\/images\/products\/prd_demo[a-z0-9]+\/1\.svg"(?![^>]*srcSet)/);
  });
});
