import { describe, expect, it } from "vitest";
import { isCacheableRequest } from "~/lib/edge-cache.server";
import { captureRefusal, classifyPageView, visitorHash } from "./capture.server";

const CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
const req = (headers: Record<string, string>) => new Request("https://shop.example/beacon", { method: "POST", headers });

describe("analytics capture rules", () => {
  it("captures a browser, never an opted-out visitor, a bot or a prefetch", () => {
    expect(captureRefusal(req({ "User-Agent": CHROME }))).toBeNull();
    expect(captureRefusal(req({ "User-Agent": CHROME, "Sec-GPC": "1" }))).toBe("opted_out");
    expect(captureRefusal(req({ "User-Agent": CHROME, DNT: "1" }))).toBe("opted_out");
    expect(captureRefusal(req({ "User-Agent": CHROME, DNT: "0" }))).toBeNull();
    expect(captureRefusal(req({ "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" }))).toBe("bot");
    expect(captureRefusal(req({}))).toBe("bot");
    expect(captureRefusal(req({ "User-Agent": CHROME, "Sec-Purpose": "prefetch" }))).toBe("prefetch");
  });

  it("classifies storefront paths; product pages are product views; consoles are not visits", () => {
    expect(classifyPageView("/")).toEqual({ kind: "page_view", path: "/" });
    expect(classifyPageView("/products/prd_demostrawberry000000")).toEqual({ kind: "product_view", path: "/products/prd_demostrawberry000000", entityId: "prd_demostrawberry000000" });
    expect(classifyPageView("/products/not-an-id")).toEqual({ kind: "page_view", path: "/products/not-an-id" });
    for (const p of ["/admin", "/admin/analytics", "/merchant/orders", "/leader", "/dev/outbox", "/api/v1/me", "/beacon"]) expect(classifyPageView(p), p).toBeNull();
    expect(classifyPageView("/administrator")).toEqual({ kind: "page_view", path: "/administrator" });
  });

  it("hashes a visitor per day with a key derived from LOOKUP_KEY: unlinkable across days", async () => {
    const env = { LOOKUP_KEY: "dGVzdC1sb29rdXAta2V5LXRoaXJ0eS10d28tYnl0ZXM=" };
    const visitor = "0123456789abcdefghjkmnpqrs";
    const monday = await visitorHash(env, visitor, "2026-05-11");
    expect(monday).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await visitorHash(env, visitor, "2026-05-11")).toBe(monday);
    expect(await visitorHash(env, visitor, "2026-05-12")).not.toBe(monday);
    expect(await visitorHash(env, "0123456789abcdefghjkmnpqrt", "2026-05-11")).not.toBe(monday);
    expect(await visitorHash({ LOOKUP_KEY: "b3RoZXItbG9va3VwLWtleS10aGlydHktdHdvLWJ5dGU=" }, visitor, "2026-05-11")).not.toBe(monday);
  });
});

describe("the visitor cookie and the edge cache", () => {
  it("does not make anonymous catalogue pages personal (no loader of theirs reads it)", () => {
    const url = new URL("https://shop.example/products/prd_demostrawberry000000");
    const withCookie = (cookie: string) => new Request(url, { headers: { Cookie: cookie } });
    expect(isCacheableRequest(withCookie("tg_vid=0123456789abcdefghjkmnpqrs"), url)).toBe(true);
    expect(isCacheableRequest(withCookie("tg_vid=0123456789abcdefghjkmnpqrs; tg_lng=en"), url)).toBe(true);
    expect(isCacheableRequest(withCookie("tg_vid=0123456789abcdefghjkmnpqrs; other=1"), url)).toBe(false);
  });
});
