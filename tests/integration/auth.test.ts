import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

async function count(sql: string, ...args: unknown[]) {
  const row = await worker.d1.prepare(sql).bind(...args).first<{ n: number }>();
  return row!.n;
}

describe("phone + SMS code sign-in", () => {
  it("signs a demo leader in with the code from the outbox and lands on /leader", async () => {
    const client = worker.client({ ip: "198.51.100.1" });
    const res = await client.signInWithPhone(worker, "13800000021");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/leader");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("tg_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    const page = await client.get("/leader");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("阳光花园便利店");
  });

  it("creates a shopper account on the first sign-in of a new number", async () => {
    const client = worker.client({ ip: "198.51.100.2" });
    await client.post("/login", { intent: "request-code", channel: "sms", phone: "+86 139 0000 1234" });
    const code = await worker.latestCode("13900001234");
    const res = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "+86 139-0000-1234", code });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const me = await client.get("/me");
    expect(me.status).toBe(200);
    expect(await me.text()).toContain("139****1234");
    const roles = await worker.d1
      .prepare("SELECT role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.display_name = '用户1234'")
      .all<{ role: string }>();
    expect(roles.results.map((r) => r.role)).toEqual(["shopper"]);
  });

  it("stores the phone encrypted with a lookup hash, never in clear", async () => {
    const row = await worker.d1.prepare("SELECT phone_enc, phone_hash FROM users WHERE id = 'usr_demoadmin00000000000'").first<{
      phone_enc: string;
      phone_hash: string;
    }>();
    expect(row!.phone_enc).toMatch(/^v1\.k1\./);
    expect(row!.phone_enc).not.toContain("13800000000");
    expect(row!.phone_hash).not.toContain("13800000000");
    const dump = await worker.d1.prepare("SELECT group_concat(coalesce(phone_enc,'') || coalesce(phone_hash,''), '|') AS s FROM users").first<{ s: string }>();
    expect(dump!.s).not.toMatch(/138000000\d\d/);
  });

  it("honours redirectTo after sign-in, but never to another site", async () => {
    const client = worker.client({ ip: "198.51.100.3" });
    await client.post("/login", { intent: "request-code", channel: "sms", phone: "13800000102" });
    const code = await worker.latestCode("13800000102");
    const res = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000102", code, redirectTo: "//evil.example/x" });
    expect(res.headers.get("location")).toBe("/");
    const other = worker.client({ ip: "198.51.100.3" });
    await new Promise((r) => setTimeout(r, 5));
    const res2 = await other.get("/admin");
    expect(res2.status).toBe(302);
    expect(res2.headers.get("location")).toBe("/login?redirectTo=%2Fadmin");
  });

  it("a code works once only", async () => {
    const a = worker.client({ ip: "198.51.100.4" });
    await a.post("/login", { intent: "request-code", channel: "sms", phone: "13800000103" });
    const code = await worker.latestCode("13800000103");
    const first = await a.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000103", code });
    expect(first.status).toBe(302);
    const b = worker.client({ ip: "198.51.100.4" });
    const again = await b.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000103", code });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("验证码不正确");
  });

  it("two concurrent submissions of one code sign in exactly once", async () => {
    const client = worker.client({ ip: "198.51.100.5" });
    await client.post("/login", { intent: "request-code", channel: "sms", phone: "13800000104" });
    const code = await worker.latestCode("13800000104");
    const results = await Promise.all(
      Array.from({ length: 4 }, () => worker.client({ ip: "198.51.100.5" }).post("/login", { intent: "verify-code", channel: "sms", phone: "13800000104", code })),
    );
    expect(results.filter((r) => r.status === 302)).toHaveLength(1);
  });

  it("expires codes after 10 minutes", async () => {
    const client = worker.client({ ip: "198.51.100.6" });
    await client.post("/login", { intent: "request-code", channel: "sms", phone: "13800000105" });
    const code = await worker.latestCode("13800000105");
    const row = await worker.d1.prepare("SELECT expires_at - created_at AS ttl FROM sign_in_codes ORDER BY created_at DESC LIMIT 1").first<{ ttl: number }>();
    expect(row!.ttl).toBeLessThanOrEqual(10 * 60 * 1000);
    await worker.d1.prepare("UPDATE sign_in_codes SET expires_at = ? WHERE consumed_at IS NULL").bind(Date.now() - 1).run();
    const res = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000105", code });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("验证码已过期");
  });

  it("burns a code after 5 wrong tries, even if the 6th is right", async () => {
    const client = worker.client({ ip: "198.51.100.7" });
    await client.post("/login", { intent: "request-code", channel: "sms", phone: "13800000106" });
    const code = await worker.latestCode("13800000106");
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 4; i++) {
      const r = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000106", code: wrong });
      expect(r.status).toBe(400);
      expect(await r.text()).toContain("验证码不正确");
    }
    const fifth = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000106", code: wrong });
    expect(await fifth.text()).toContain("错误次数太多");
    const right = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000106", code });
    expect(right.status).toBe(400);
  });

  it("answers bad input with field errors and writes nothing", async () => {
    const before = await count("SELECT count(*) AS n FROM sign_in_codes");
    const client = worker.client({ ip: "198.51.100.8" });
    for (const phone of ["", "12345", "23800138000", "1380013800x", "<script>", "1".repeat(5000)]) {
      const res = await client.post("/login", { intent: "request-code", channel: "sms", phone });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toMatch(/请输入手机号|请输入 11 位中国大陆手机号/);
      expect(html).toContain('aria-invalid="true"');
    }
    const bogus = await client.post("/login", { intent: "drop-tables", phone: "13800000107" });
    expect(bogus.status).toBe(400);
    const badCode = await client.post("/login", { intent: "verify-code", channel: "sms", phone: "13800000107", code: "12ab" });
    expect(badCode.status).toBe(400);
    expect(await badCode.text()).toContain("验证码是 6 位数字");
    expect(await count("SELECT count(*) AS n FROM sign_in_codes")).toBe(before);
  });
});

describe("rate limits", () => {
  it("allows exactly one code per phone per minute under concurrency", async () => {
    const phone = "13800000108";
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => worker.client({ ip: `198.51.100.${50 + i}` }).post("/login", { intent: "request-code", channel: "sms", phone })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(11);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await count("SELECT count(*) AS n FROM outbox_messages WHERE recipient = ?", phone)).toBe(1);
  });

  it("limits code requests per IP across numbers (30 per hour)", async () => {
    const ip = "198.51.100.200";
    const results = [];
    for (let i = 0; i < 32; i++) {
      results.push((await worker.client({ ip }).post("/login", { intent: "request-code", channel: "email", email: `ip-limit-${i}@example.test` })).status);
    }
    expect(results.filter((s) => s === 200)).toHaveLength(30);
    expect(results.slice(30)).toEqual([429, 429]);
  });

  it("limits sign-in attempts per phone (10 per 15 minutes) across IPs", async () => {
    const phone = "13800000109";
    await worker.client({ ip: "198.51.100.30" }).post("/login", { intent: "request-code", channel: "sms", phone });
    const statuses = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        worker.client({ ip: `198.51.101.${i}` }).post("/login", { intent: "verify-code", channel: "sms", phone, code: "999999" }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });
});

describe("email code, password and sign-up", () => {
  it("signs in with an email code", async () => {
    const client = worker.client({ ip: "198.51.100.40" });
    await client.post("/login", { intent: "request-code", channel: "email", email: "Shopper1@Demo.Tuangou.Test" });
    const code = await worker.latestCode("shopper1@demo.tuangou.test");
    const res = await client.post("/login", { intent: "verify-code", channel: "email", email: "shopper1@demo.tuangou.test", code });
    expect(res.status).toBe(302);
  });

  it("signs the admin in with email + password, and refuses a wrong password without saying which part was wrong", async () => {
    const client = worker.client({ ip: "198.51.100.41" });
    const bad = await client.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "wrong-password" });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain("邮箱或密码不正确");
    expect(text).not.toContain("wrong-password");
    const unknown = await client.post("/login", { intent: "password", email: "nobody@example.test", password: "whatever-123" });
    expect(await unknown.text()).toContain("邮箱或密码不正确");
    const ok = await client.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/admin");
  });

  it("signs up with email + password; a taken email is a field error", async () => {
    const client = worker.client({ ip: "198.51.100.42" });
    const short = await client.post("/signup", { displayName: "新人", email: "new@example.test", password: "short" });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("密码至少 8 位");
    const ok = await client.post("/signup", { displayName: "新人", email: "New@Example.test", password: "long-enough-1" });
    expect(ok.status).toBe(302);
    const row = await worker.d1.prepare("SELECT password_hash FROM users WHERE email = 'new@example.test'").first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    const taken = await worker.client({ ip: "198.51.100.42" }).post("/signup", { displayName: "x", email: "new@example.test", password: "long-enough-1" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("这个邮箱已注册");
  });
});

describe("sessions", () => {
  it("stores only a hash of the session token", async () => {
    const client = worker.client({ ip: "198.51.100.60" });
    await client.signInWithPhone(worker, "13800000110");
    const token = client.cookies.get("tg_session")!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    const raw = await worker.d1.prepare("SELECT count(*) AS n FROM sessions WHERE id = ?").bind(token).first<{ n: number }>();
    expect(raw!.n).toBe(0);
    const hashed = await worker.d1.prepare("SELECT count(*) AS n FROM sessions WHERE length(id) = 64").first<{ n: number }>();
    expect(hashed!.n).toBeGreaterThan(0);
  });

  it("issues a new token at sign-in (no fixation) and ends the old session", async () => {
    const client = worker.client({ ip: "198.51.100.61" });
    await client.signInWithPhone(worker, "13800000111");
    const first = client.cookies.get("tg_session")!;
    await new Promise((r) => setTimeout(r, 61_000 > 0 ? 0 : 0));
    const res = await client.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" });
    expect(res.status).toBe(302);
    const second = client.cookies.get("tg_session")!;
    expect(second).not.toBe(first);
    const old = await worker.client().get("/me", { Cookie: `tg_session=${first}` });
    expect(old.status).toBe(302);
  });

  it("renews a session past half-life and rejects an expired one", async () => {
    const client = worker.client({ ip: "198.51.100.62" });
    await client.signInWithPhone(worker, "13800000112");
    const token = client.cookies.get("tg_session")!;
    const soon = Math.floor(Date.now() / 1000) + 5 * 24 * 3600;
    await worker.d1.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = 'usr_demoshopper120000000'").bind(soon).run();
    const renewed = await client.get("/me");
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().some((c) => c.startsWith("tg_session=") && /Max-Age=25\d{5}|Expires=/i.test(c))).toBe(true);
    const row = await worker.d1.prepare("SELECT max(expires_at) AS e FROM sessions WHERE user_id = 'usr_demoshopper120000000'").first<{ e: number }>();
    expect(row!.e).toBeGreaterThan(soon + 20 * 24 * 3600);
    await worker.d1.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = 'usr_demoshopper120000000'").bind(Math.floor(Date.now() / 1000) - 1).run();
    const expired = await worker.client().get("/me", { Cookie: `tg_session=${token}` });
    expect(expired.status).toBe(302);
  });

  it("signs out: the session row is gone and the cookie cleared", async () => {
    const client = worker.client({ ip: "198.51.100.63" });
    await client.post("/login", { intent: "password", email: "fruit@demo.tuangou.test", password: "demo-pass-2026" });
    const token = client.cookies.get("tg_session")!;
    const out = await client.post("/logout", {});
    expect(out.status).toBe(302);
    expect(out.headers.get("clear-site-data")).toContain("cache");
    expect(client.cookies.has("tg_session")).toBe(false);
    const again = await worker.client().get("/merchant", { Cookie: `tg_session=${token}` });
    expect(again.status).toBe(302);
  });

  it("uses Secure __Host- cookies over https and sends HSTS", async () => {
    const secure = await startWorker({ origin: "https://shop.example", seed: true });
    try {
      const client = secure.client({ ip: "198.51.100.64" });
      const res = await client.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" });
      expect(res.status).toBe(302);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-tg_session="))!;
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Domain=/i);
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect((await client.get("/admin")).status).toBe(200);
      secure.expectNoServerErrors();
    } finally {
      await secure.dispose();
    }
  });
});

describe("password change and signing out everywhere", () => {
  it("changing the password signs out every other device at once; this one continues", async () => {
    const phone = worker.client({ ip: "198.51.100.80" });
    await phone.post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: "demo-pass-2026" });
    const laptop = worker.client({ ip: "198.51.100.81" });
    await laptop.post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: "demo-pass-2026" });
    const wrong = await laptop.post("/me", { intent: "change-password", currentPassword: "not-it-at-all", newPassword: "brand-new-pass-1" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("邮箱或密码不正确");
    const short = await laptop.post("/me", { intent: "change-password", currentPassword: "demo-pass-2026", newPassword: "short" });
    expect(short.status).toBe(400);
    expect((await phone.get("/me")).status).toBe(200);
    const changed = await laptop.post("/me", { intent: "change-password", currentPassword: "demo-pass-2026", newPassword: "brand-new-pass-1" });
    expect(changed.status).toBe(302);
    expect(changed.headers.get("location")).toBe("/me?password=changed");
    expect((await laptop.get("/me")).status).toBe(200);
    expect((await phone.get("/me")).status).toBe(302);
    const old = await worker.client({ ip: "198.51.100.82" }).post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: "demo-pass-2026" });
    expect(old.status).toBe(400);
    const fresh = await worker.client({ ip: "198.51.100.82" }).post("/login", { intent: "password", email: "leader2@demo.tuangou.test", password: "brand-new-pass-1" });
    expect(fresh.status).toBe(302);
  });

  it("signs out on all devices", async () => {
    const a = worker.client({ ip: "198.51.100.83" });
    await a.post("/login", { intent: "password", email: "baby@demo.tuangou.test", password: "demo-pass-2026" });
    const b = worker.client({ ip: "198.51.100.84" });
    await b.post("/login", { intent: "password", email: "baby@demo.tuangou.test", password: "demo-pass-2026" });
    const res = await a.post("/me", { intent: "sign-out-everywhere" });
    expect(res.status).toBe(302);
    expect((await a.get("/me")).status).toBe(302);
    expect((await b.get("/me")).status).toBe(302);
    const n = await worker.d1.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = 'usr_demomerchant02000000'").first<{ n: number }>();
    expect(n!.n).toBe(0);
  });
});

describe("cross-site request refusal", () => {
  it("refuses a cookie-authenticated form post from another origin or without Origin", async () => {
    const client = worker.client({ ip: "198.51.100.70" });
    await client.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" });
    const form = { name: "黑客改名", area: "x", address: "x", contactPhone: "13800000021", open: "08:00", close: "21:00" };
    const foreign = await client.post("/leader/point", form, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const missing = await client.request("/leader/point", {
      method: "POST",
      body: new URLSearchParams(form),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(missing.status).toBe(403);
    const name = await worker.d1.prepare("SELECT name FROM pickup_points WHERE id = 'pkp_demosunshine00000000'").first<{ name: string }>();
    expect(name!.name).toBe("阳光花园便利店");
    const same = await client.post("/leader/point", { ...form, name: "阳光花园便利店" });
    expect(same.status).toBe(200);
  });

  it("refuses a cross-site sign-in post (login CSRF)", async () => {
    const res = await worker.client({ ip: "198.51.100.71" }).post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" }, { Origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });
});
