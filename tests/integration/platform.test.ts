import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

async function waitFor<T>(probe: () => Promise<T | null | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("settlement queue", () => {
  it("applies a message once even when it is delivered twice", async () => {
    const queue = await worker.queueProducer();
    const message = { v: 1, kind: "audit.record", key: "test:redelivery:1", action: "system.test", entityType: "test", entityId: "t1" };
    await queue.send(message);
    await queue.send(message);
    await waitFor(async () => (await worker.d1.prepare("SELECT count(*) AS n FROM processed_messages WHERE key = 'test:redelivery:1'").first<{ n: number }>())!.n === 1);
    await new Promise((r) => setTimeout(r, 1500));
    const audit = await worker.d1.prepare("SELECT count(*) AS n FROM audit_log WHERE entity_id = 't1'").first<{ n: number }>();
    expect(audit!.n).toBe(1);
  });

  it("parks a poison message in dead_letters without retrying it", async () => {
    const queue = await worker.queueProducer();
    await queue.send({ v: 99, kind: "order.settle", orderId: "ord_x" });
    const row = await waitFor(() => worker.d1.prepare("SELECT queue, body, error FROM dead_letters WHERE body LIKE '%ord_x%'").first<{ queue: string; body: string; error: string }>());
    expect(row.queue).toBe("settlement");
    expect(row.error).toContain("invalid message");
  });
});

describe("cron jobs", () => {
  it("housekeeping removes stale codes and expired sessions, and is idempotent", async () => {
    const now = Date.now();
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO sign_in_codes (id, channel, target_hash, code_hash, attempts, expires_at, created_at) VALUES ('sic_old', 'sms', 'h', 'c', 0, ?, ?)").bind(now - 2 * 86_400_000, now - 2 * 86_400_000),
      worker.d1.prepare("INSERT INTO sign_in_codes (id, channel, target_hash, code_hash, attempts, expires_at, created_at) VALUES ('sic_new', 'sms', 'h', 'c', 0, ?, ?)").bind(now + 600_000, now),
      worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES ('expired-session', 'usr_demoadmin00000000000', ?, ?, 'cookie')").bind(Math.floor(now / 1000) - 10, now),
    ]);
    await worker.scheduled("*/5 * * * *");
    await worker.scheduled("*/5 * * * *");
    const codes = await worker.d1.prepare("SELECT id FROM sign_in_codes WHERE id IN ('sic_old', 'sic_new')").all<{ id: string }>();
    expect(codes.results.map((r) => r.id)).toEqual(["sic_new"]);
    const sessions = await worker.d1.prepare("SELECT count(*) AS n FROM sessions WHERE id = 'expired-session'").first<{ n: number }>();
    expect(sessions!.n).toBe(0);
  });
});

describe("i18n", () => {
  it("renders Chinese by default and English when chosen, before any JavaScript", async () => {
    const client = worker.client();
    const zh = await client.get("/login");
    expect(await zh.text()).toContain("登录邻里团");
    expect(zh.headers.get("content-language")).toBe("zh-CN");
    const switched = await client.post("/preferences", { locale: "en", returnTo: "/login" });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe("/login");
    const en = await client.get("/login");
    const html = await en.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain("Sign in to Neighbourly");
    expect(html).not.toContain("登录邻里团");
  });

  it("follows Accept-Language when nothing was chosen", async () => {
    const res = await worker.fetch("/", { headers: { "Accept-Language": "en-GB,en;q=0.9,zh;q=0.5" } });
    expect(await res.text()).toContain("Today&#x27;s picks");
  });

  it("large-text mode is a cookie the server renders with", async () => {
    const client = worker.client();
    await client.post("/preferences", { textSize: "large", returnTo: "/" });
    expect(await (await client.get("/")).text()).toContain('class="text-large"');
  });

  it("refuses bad preference input and open redirects", async () => {
    const client = worker.client();
    expect((await client.post("/preferences", { locale: "klingon" })).status).toBe(400);
    const r = await client.post("/preferences", { locale: "en", returnTo: "https://evil.example" });
    expect(r.headers.get("location")).toBe("/");
  });
});

describe("bad request bodies", () => {
  it("answers a page action with a non-form body with 415, not a 500", async () => {
    const client = worker.client();
    for (const type of ["application/json", "text/plain", ""]) {
      const res = await client.request("/login", { method: "POST", body: '{"intent":"password"}', headers: { Origin: client.origin, ...(type ? { "Content-Type": type } : {}) } });
      expect(res.status, type).toBe(415);
    }
  });
});

describe("progressive web app and static assets", () => {
  it("serves the shopper and leader manifests with icons and start URLs", async () => {
    const shop = (await (await worker.fetch("/manifest.webmanifest")).json()) as { start_url: string; icons: Array<{ sizes: string; purpose: string }> };
    expect(shop.start_url).toBe("/?source=pwa");
    expect(shop.icons.map((i) => `${i.sizes}:${i.purpose}`)).toEqual(expect.arrayContaining(["192x192:any", "512x512:any", "192x192:maskable", "512x512:maskable"]));
    const leader = (await (await worker.fetch("/leader.webmanifest")).json()) as { id: string; start_url: string; scope: string; shortcuts: Array<{ url: string; name: string }> };
    expect(leader).toMatchObject({ id: "/leader", start_url: "/leader?source=pwa", scope: "/leader" });
    // Shortcuts (long-press the icon) go to the daily tasks, all inside the app's scope.
    expect(leader.shortcuts.map((s) => new URL(s.url, "https://x.test").pathname)).toEqual(["/leader/handover", "/leader/arrivals", "/leader"]);
    for (const icon of ["/icons/icon-192.png", "/icons/icon-512.png", "/icons/maskable-512.png", "/favicon.ico"]) {
      expect((await worker.fetch(icon)).status, icon).toBe(200);
    }
  });

  it("links the right manifest per audience", async () => {
    expect(await (await worker.fetch("/")).text()).toContain('href="/manifest.webmanifest"');
    const client = worker.client();
    await client.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" });
    expect(await (await client.get("/leader")).text()).toContain('href="/leader.webmanifest"');
  });

  it("serves the service worker and the offline page", async () => {
    const sw = await worker.fetch("/sw.js");
    expect(sw.status).toBe(200);
    const code = await sw.text();
    expect(code).toContain("/offline.html");
    expect(code).toContain('addEventListener("fetch"');
    const offline = await worker.fetch("/offline.html");
    expect(await offline.text()).toContain("网络连接已断开");
  });

  it("serves product images from R2 with long cache headers and conditional requests", async () => {
    const res = await worker.fetch("/images/products/prd_demostrawberry000000/1.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("cache-control")).toContain("immutable");
    const etag = res.headers.get("etag")!;
    const again = await worker.fetch("/images/products/prd_demostrawberry000000/1.svg", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect((await worker.fetch("/images/../../etc/passwd.png")).status).toBe(404);
    expect((await worker.fetch("/images/products/none.svg")).status).toBe(404);
  });

  it("puts security headers on every Worker response", async () => {
    for (const path of ["/", "/login", "/api/v1/me", "/nope"]) {
      const res = await worker.fetch(path);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), path).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("strict-transport-security"), path).toBeNull();
    }
    const html = await (await worker.fetch("/")).text();
    const nonce = /nonce-([A-Za-z0-9+/=]+)/.exec((await worker.fetch("/")).headers.get("content-security-policy")!)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toMatch(/<script nonce="[A-Za-z0-9+/=]+"/);
  });

  it("shows the dev outbox only outside production, and production refuses the outbox provider", async () => {
    expect((await worker.fetch("/dev/outbox")).status).toBe(200);
    const prod = await startWorker({
      seed: false,
      origin: "https://shop.example",
      vars: { APP_ENV: "production", SMS_PROVIDER: "webhook", EMAIL_PROVIDER: "webhook", SMS_WEBHOOK_URL: "https://sms.invalid/hook", MESSAGE_WEBHOOK_SECRET: "s" },
    });
    try {
      expect((await prod.fetch("/dev/outbox")).status).toBe(404);
      prod.expectNoServerErrors();
    } finally {
      await prod.dispose();
    }
    const misconfigured = await startWorker({ seed: false, vars: { APP_ENV: "production", SMS_PROVIDER: "outbox" } });
    try {
      expect((await misconfigured.fetch("/")).status).toBe(503);
      await new Promise((r) => setTimeout(r, 300));
      expect([...misconfigured.stderr, ...misconfigured.stdout].join("\n")).toContain("outbox message provider is not allowed in production");
      misconfigured.expectNoServerErrors([/.*/]);
    } finally {
      await misconfigured.dispose();
    }
  });
});
