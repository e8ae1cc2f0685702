/**
 * D1 read replication through the Sessions API (app/lib/d1-bookmark.server.ts, ADR 025): every
 * request runs on a D1 session; writes return the latest bookmark (a cookie for pages, a header
 * for the API), and the client's next reads start from it, so it reads its own writes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Client, startWorker, type TestWorker } from "../support/worker";

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const STRAWBERRY = "sku_demostrawberry000001";
const EGGS = "sku_demoeggs000000000001";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

/** The bookmark cookie a response sets (name → whole Set-Cookie line). */
function bookmarkCookie(res: Response, name: string) {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** Bookmarks compare as hexadecimal numbers once the dashes are gone (fixed width). */
const position = (bookmark: string) => BigInt(`0x${bookmark.replace(/-/g, "")}`);

describe("D1 Sessions API on pages", () => {
  it("a form post returns the bookmark as an HttpOnly SameSite=Lax cookie, and the next page read sees the write", async () => {
    const client = worker.client({ ip: "198.51.100.120" });
    expect((await client.signInWithPhone(worker, "13800000105")).status).toBe(302);
    const added = await client.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "3" });
    expect(added.status).toBeLessThan(400);
    const line = bookmarkCookie(added, "__d1b");
    expect(line, "Set-Cookie __d1b on a write").toBeTruthy();
    expect(line).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const first = client.cookies.get("__d1b")!;
    expect(first).toMatch(BOOKMARK);

    // The read carries the bookmark back and sees the three boxes; a read sets no cookie.
    const cart = await client.get("/cart");
    expect(cart.status).toBe(200);
    expect(bookmarkCookie(cart, "__d1b")).toBeUndefined();
    const html = await cart.text();
    expect(html).toContain("丹东 99 红颜草莓");
    expect(html).toMatch(/aria-live="polite">3<\/span>/);

    // A second write moves the bookmark forward, and the read after it sees both lines.
    const again = await client.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    expect(again.status).toBeLessThan(400);
    const second = client.cookies.get("__d1b")!;
    expect(second).toMatch(BOOKMARK);
    expect(position(second)).toBeGreaterThan(position(first));
    const both = await (await client.get("/cart")).text();
    expect(both).toContain("丹东 99 红颜草莓");
    expect(both).toContain("农家散养土鸡蛋 30 枚");
  });

  it("an anonymous page view sets no bookmark cookie (the edge cache keeps working)", async () => {
    const guest = worker.client({ ip: "198.51.100.121" });
    for (const path of ["/", "/products/prd_demostrawberry000000", "/login"]) {
      const res = await guest.get(path);
      expect(res.status, path).toBe(200);
      expect(bookmarkCookie(res, "__d1b"), path).toBeUndefined();
    }
  });

  it("ignores a malformed or oversized bookmark cookie (no 500) and answers the write with a valid one", async () => {
    const client = worker.client({ ip: "198.51.100.122" });
    expect((await client.signInWithPhone(worker, "13800000106")).status).toBe(302);
    for (const junk of ["garbage", "00000000-00000001", "x".repeat(4000), "ZZZZZZZZ-00000001-00000000-00000000000000000000000000000000"]) {
      client.cookies.set("__d1b", junk);
      const page = await client.get("/cart");
      expect(page.status, junk.slice(0, 20)).toBe(200);
    }
    const added = await client.post("/cart", { intent: "add", skuId: EGGS, quantity: "2" });
    expect(added.status).toBeLessThan(400);
    expect(client.cookies.get("__d1b")).toMatch(BOOKMARK);
  });

  it("over https the cookie is __Host-d1b and Secure", async () => {
    const origin = "https://shop.example";
    const client = new Client((path, init) => worker.fetch(`${origin}${path}`, init), origin, "198.51.100.123");
    expect((await client.signInWithPhone(worker, "13800000107")).status).toBe(302);
    const added = await client.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "1" });
    expect(added.status).toBeLessThan(400);
    const line = bookmarkCookie(added, "__Host-d1b");
    expect(line).toMatch(/^__Host-d1b=[0-9a-f-]{59}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    expect(line).not.toMatch(/Domain=/i);
    expect(bookmarkCookie(added, "__d1b")).toBeUndefined();
    expect(await (await client.get("/cart")).text()).toContain("丹东 99 红颜草莓");
  });
});

describe("D1 Sessions API on /api/v1", () => {
  async function token(phone: string, ip: string) {
    const headers = { "CF-Connecting-IP": ip, "Content-Type": "application/json" };
    expect((await worker.fetch("/api/v1/auth/code", { method: "POST", headers, body: JSON.stringify({ channel: "sms", phone }) })).status).toBe(202);
    const code = await worker.latestCode(phone);
    const res = await worker.fetch("/api/v1/auth/sign-in", { method: "POST", headers, body: JSON.stringify({ method: "code", channel: "sms", phone, code }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  it("returns x-d1-bookmark on reads and writes; a read sent with the write's bookmark sees the write", async () => {
    const ip = "198.51.100.124";
    const bearer = await token("13800000108", ip);
    const headers = { "CF-Connecting-IP": ip, Authorization: `Bearer ${bearer}` };

    const read = await worker.fetch("/api/v1/categories", { headers });
    expect(read.status).toBe(200);
    expect(read.headers.get("x-d1-bookmark")).toMatch(BOOKMARK);

    const put = await worker.fetch(`/api/v1/cart/items/${EGGS}`, { method: "PUT", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ quantity: 4 }) });
    expect(put.status).toBe(200);
    const written = put.headers.get("x-d1-bookmark")!;
    expect(written).toMatch(BOOKMARK);

    const cart = await worker.fetch("/api/v1/cart", { headers: { ...headers, "x-d1-bookmark": written } });
    expect(cart.status).toBe(200);
    expect(JSON.stringify(await cart.json())).toMatch(new RegExp(`"skuId":"${EGGS}"[^}]*"quantity":4|"quantity":4[^}]*"skuId":"${EGGS}"`));
    const after = cart.headers.get("x-d1-bookmark")!;
    expect(position(after)).toBeGreaterThanOrEqual(position(written));
    expect(cart.headers.getSetCookie()).toEqual([]);

    // A malformed bookmark header is ignored, not a 500.
    const junk = await worker.fetch("/api/v1/cart", { headers: { ...headers, "x-d1-bookmark": "not-a-bookmark" } });
    expect(junk.status).toBe(200);
  });
});

/** `Server-Timing: d1;desc="N statements, M round trips"` (outside production). */
function d1Timing(res: Response) {
  const m = /d1;desc="(\d+) statements, (\d+) round trips"/.exec(res.headers.get("server-timing") ?? "");
  expect(m, "a d1 Server-Timing entry").toBeTruthy();
  return { statements: Number(m![1]), roundTrips: Number(m![2]) };
}

describe("D1 statements per request (ADR 025's numbers; a budget so a page cannot quietly grow)", () => {
  it("the key pages stay within their statement budgets", async () => {
    const guest = worker.client({ ip: "198.51.100.130" });
    const shopper = worker.client({ ip: "198.51.100.131" });
    expect((await shopper.post("/login", { intent: "password", email: "shopper1@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    const leader = worker.client({ ip: "198.51.100.132" });
    expect((await leader.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    const admin = worker.client({ ip: "198.51.100.133" });
    expect((await admin.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    await shopper.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
    await shopper.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });

    const pages: Array<[string, Client, string, number]> = [
      ["home (guest)", guest, "/", 8],
      ["product (guest)", guest, "/products/prd_demostrawberry000000", 10],
      ["home (shopper)", shopper, "/", 14],
      ["cart", shopper, "/cart", 8],
      ["checkout", shopper, "/checkout", 20],
      ["orders", shopper, "/orders", 8],
      ["leader today", leader, "/leader", 10],
      ["admin dashboard", admin, "/admin", 6],
    ];
    const rows: string[] = [];
    for (const [name, client, path, budget] of pages) {
      const res = await client.get(path);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
      const t = d1Timing(res);
      rows.push(`${name.padEnd(18)} ${String(t.statements).padStart(3)} statements ${String(t.roundTrips).padStart(3)} round trips (budget ${budget})`);
      expect(t.statements, `${name}: D1 statements`).toBeLessThanOrEqual(budget);
    }
    console.log(`[d1 per request]\n${rows.join("\n")}`);
  });
});

/**
 * ADR 025's storage numbers, measured on demand (MEASURE_SCALE=1; prints, asserts only sanity):
 * rows and bytes that one paid two-line order adds to D1, from the checkout to the settlement
 * queue's ledger rows.
 */
describe.skipIf(!process.env.MEASURE_SCALE)("D1 rows and bytes per order (measurement for ADR 025)", () => {
  it("places paid orders and reports the growth per order", async () => {
    const ORDERS = 30;
    const tables = (await worker.d1.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'").all<{ name: string }>()).results.map((r) => r.name);
    const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, (await worker.d1.prepare(`SELECT count(*) AS n FROM "${t}"`).first<{ n: number }>())!.n] as const)));
    // D1 refuses PRAGMA page_count here (SQLITE_AUTH), so bytes are the stored values' own sizes
    // (text as UTF-8, numbers 8 bytes): indexes and page overhead come on top (ADR 025 doubles it).
    const pages = async () => {
      let bytes = 0;
      for (const t of tables) {
        const { results } = await worker.d1.prepare(`SELECT * FROM "${t}"`).all<Record<string, unknown>>();
        for (const row of results)
          for (const v of Object.values(row)) bytes += v === null ? 1 : typeof v === "number" ? 8 : typeof v === "string" ? Buffer.byteLength(v) : v instanceof ArrayBuffer ? v.byteLength : String(v).length;
      }
      return bytes;
    };
    const before = await counts();
    const bytesBefore = await pages();
    const c = worker.client({ ip: "198.51.100.140" });
    expect((await c.post("/login", { intent: "password", email: "shopper1@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    await c.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
    const started = Date.now();
    for (let i = 0; i < ORDERS; i++) {
      await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
      await c.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "1" });
      const html = await (await c.get("/checkout?coupon=none")).text();
      const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
      const placed = await c.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
      expect(placed.status).toBe(302);
      expect((await c.post(placed.headers.get("location")!, { outcome: "succeeded" })).status).toBe(302);
    }
    const elapsed = Date.now() - started;
    await new Promise((r) => setTimeout(r, 3000)); // the settlement queue's consumer
    const after = await counts();
    const bytesAfter = await pages();
    const grew = tables.filter((t) => after[t]! > before[t]!).map((t) => `${t}: ${((after[t]! - before[t]!) / ORDERS).toFixed(2)}`);
    const rowsPerOrder = tables.reduce((n, t) => n + (after[t]! - before[t]!), 0) / ORDERS;
    console.log(`[scale] ${ORDERS} orders in ${elapsed} ms (${(elapsed / ORDERS).toFixed(0)} ms each, 5 requests each)\n[scale] rows per order ${rowsPerOrder.toFixed(1)}: ${grew.join(", ")}\n[scale] bytes per order ${((bytesAfter - bytesBefore) / ORDERS).toFixed(0)} (database ${bytesBefore} → ${bytesAfter} bytes, ${tables.length} tables)`);
    expect(rowsPerOrder).toBeGreaterThan(2);
  }, 300_000);
});
