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
