import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type TestWorker } from "../support/worker";

// The edge cache of anonymous catalogue pages (app/lib/edge-cache.server.ts), on as in production.
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker({ vars: { EDGE_CACHE_TTL: "60" } });
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const STRAWBERRY = "prd_demostrawberry000000";

/** Waits until a response's cache copy has been written (the Worker stores it after answering). */
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await worker.client().get(path, headers);
  const body = await res.text();
  await new Promise((r) => setTimeout(r, 30));
  return { res, body, cache: res.headers.get("X-Edge-Cache") };
}

const cspNonce = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get("Content-Security-Policy") ?? "")?.[1];
const htmlNonces = (html: string) => new Set([...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]));

describe("edge cache of anonymous catalogue pages", () => {
  it("renders a page once, then serves it from the cache with a fresh CSP nonce", async () => {
    const first = await get("/products/" + STRAWBERRY);
    expect(first.res.status).toBe(200);
    expect(first.cache).toBe("MISS");
    const second = await get("/products/" + STRAWBERRY);
    expect(second.cache).toBe("HIT");
    expect(second.body).toContain("丹东 99 红颜草莓");
    const nonce = cspNonce(second.res);
    expect(nonce).toBeTruthy();
    expect(nonce).not.toBe(cspNonce(first.res));
    // Every script nonce in the cached copy is this response's, so the scripts still run.
    expect(htmlNonces(second.body)).toEqual(new Set([nonce]));
    expect(second.res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(second.res.headers.get("Cache-Control") ?? "").not.toContain("public");
  });

  it("keeps languages, text sizes and pickup points apart", async () => {
    await get("/categories?c=fresh");
    const zh = await get("/categories?c=fresh");
    expect(zh.cache).toBe("HIT");
    const en = await get("/categories?c=fresh", { "Accept-Language": "en" });
    expect(en.cache).toBe("MISS");
    expect(en.body).toContain("Dandong Hongyan strawberries");
    const large = await get("/categories?c=fresh", { Cookie: "tg_text=large" });
    expect(large.cache).toBe("MISS");
    expect(large.body).toContain('class="text-large"');
    const point = await get("/categories?c=fresh", { Cookie: "tg_pickup=pkp_00000000000000000000" });
    expect(point.cache).toBe("MISS");
  });

  it("caches the pages' single-fetch data for client-side navigation", async () => {
    expect((await get("/categories.data?c=fresh")).cache).toBe("MISS");
    const hit = await get("/categories.data?c=fresh");
    expect(hit.cache).toBe("HIT");
    expect(hit.res.headers.get("Content-Type")).toContain("text/x-script");
    expect(hit.body).toContain("丹东 99 红颜草莓");
  });

  it("never caches personal pages: signed in, a guest cart, other cookies, other paths, errors", async () => {
    const shopper = worker.client();
    await shopper.signInWithPhone(worker, "13800000101");
    for (let i = 0; i < 2; i++) {
      const res = await shopper.get("/");
      expect(res.headers.get("X-Edge-Cache")).toBeNull();
      await res.text();
    }
    for (let i = 0; i < 2; i++) {
      expect((await get("/", { Cookie: "tg_cart=sku_demostrawberry000001:2" })).cache).toBeNull();
      expect((await get("/", { Cookie: "tg_flash=x" })).cache).toBeNull();
      expect((await get("/cart")).cache).toBeNull();
      expect((await get("/products/prd_nosuchproduct000000000")).cache).toBeNull();
    }
    // A guest with a cart sees their own count, never a cached page of someone else's.
    const guest = await get("/", { Cookie: "tg_cart=sku_demostrawberry000001:2" });
    expect(guest.body).toContain('<span class="sr-only"> (2)</span>');
  });

  it("stops serving the old catalogue when it changes (the version in the key moves)", async () => {
    await get("/search?q=%E8%8D%89%E8%8E%93");
    expect((await get("/search?q=%E8%8D%89%E8%8E%93")).cache).toBe("HIT");
    await worker.d1.batch([
      worker.d1.prepare("UPDATE products SET title_zh = '丹东 99 红颜草莓（新季）' WHERE id = ?").bind(STRAWBERRY),
      // What purgeCatalogueStatement() writes in the batch of a catalogue change.
      worker.d1.prepare(
        "INSERT INTO settings (key, value, version, updated_at) VALUES ('cache.catalogue_version', '1', 1, ?) ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
      ).bind(Date.now()),
    ]);
    // Another isolate's view of the version is at most 2 s old.
    await new Promise((r) => setTimeout(r, 2_100));
    const after = await get("/products/" + STRAWBERRY);
    expect(after.cache).toBe("MISS");
    expect(after.body).toContain("丹东 99 红颜草莓（新季）");
  });
});
