import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../app/context.server";
import { grantDueBirthdayGifts } from "../../app/modules/coupons/jobs.server";
import { startWorker, type Client, type TestWorker } from "../support/worker";

/**
 * Issue 10 part 3, the operator's side and the birthday gift, against the built Worker and real
 * D1: /admin/coupons behind `manage:coupons:any` (operations has it, a reviewer does not), a
 * platform template created with field errors first, pause / resume / end, issuing to segments of
 * 3,000 shoppers (preview, one INSERT…SELECT within the per-user and total limits, a double
 * submit issuing nothing, inbox notices, the audit row), the birthday on /me, and the daily gift
 * (level amounts, nothing at 0, 29 February on the 28th of a common year, reruns give nothing twice).
 */
let worker: TestWorker;
let ops: Client;
let reviewer: Client;
const SEG_USERS = 3000;
const HAPPY = "pkp_demohappylane0000000";
const DAY = 86_400_000;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const count = async (sql: string, ...args: unknown[]) => Number((await one<{ n: number }>(sql, ...args)).n);
const text = (html: string) => html.replace(/<!-- -->/g, "");
const hidden = (html: string, name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

async function session(userId: string, ip: string) {
  const token = `adm-${userId}-${"q".repeat(24)}`;
  const now = Date.now();
  await worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'cookie')").bind(sha256(token), userId, Math.floor(now / 1000) + 86_400, now).run();
  const c = worker.client({ ip });
  c.cookies.set("tg_session", token);
  return c;
}

/** 3,000 shoppers in one statement each: every 3rd at the 幸福里 point; some with paid orders for the level and lapsed segments. */
async function seedSegmentShoppers() {
  const now = Date.now();
  const users = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEG_USERS})`;
  const id = "printf('usr_seg%017d', i)";
  await worker.d1.batch([
    worker.d1.prepare(`${users} INSERT INTO users (id, display_name, locale, status, created_at, updated_at) SELECT ${id}, '邻居' || i, CASE WHEN i % 10 = 0 THEN 'en' ELSE 'zh-CN' END, 'active', ?, ? FROM n`).bind(now, now),
    worker.d1.prepare(`${users} INSERT INTO user_roles (user_id, role, created_at) SELECT ${id}, 'shopper', ? FROM n`).bind(now),
    worker.d1.prepare(`${users} INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) SELECT ${id}, ?, 'chosen', ? FROM n WHERE i % 3 = 0`).bind(HAPPY, now),
    // 2001–2200: paid ¥600 200 days ago (silver, lapsed at 90 days); 2201–2300: paid ¥2,500 ten days ago (gold).
    worker.d1
      .prepare(
        `${users} INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
         SELECT printf('ord_seg%017d', i), ${id}, ?, 'completed', fen, 0, fen, fen, '{}', 1, '{}', 'x', 'seg-' || i, at, at, at, at
         FROM (SELECT i, CASE WHEN i <= 2200 THEN 60000 ELSE 250000 END AS fen, CASE WHEN i <= 2200 THEN ? ELSE ? END AS at FROM n WHERE i BETWEEN 2001 AND 2300)`,
      )
      .bind(HAPPY, now - 200 * DAY, now - 10 * DAY),
  ]);
}

beforeAll(async () => {
  worker = await startWorker();
  ops = await session("usr_demooperations000000", "198.18.30.1");
  reviewer = await session("usr_demoreviewer00000000", "198.18.30.2");
  await seedSegmentShoppers();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

let templateSeq = 0;
async function platformTemplate(over: { totalLimit?: number | null; perUserLimit?: number } = {}) {
  const id = `cpt_seg${String(++templateSeq).padStart(17, "0")}`;
  const now = Date.now();
  await worker.d1
    .prepare(
      `INSERT INTO coupon_templates (id, name_zh, name_en, funding, kind, amount_fen, valid_days, starts_at, ends_at, total_limit, per_user_limit, claimable, status, created_at)
       VALUES (?, ?, ?, 'platform', 'fixed', 300, 14, ?, ?, ?, ?, 0, 'active', ?)`,
    )
    .bind(id, `回馈券${templateSeq}`, `Thank-you coupon ${templateSeq}`, now - DAY, now + 30 * DAY, over.totalLimit === undefined ? null : over.totalLimit, over.perUserLimit ?? 1, now)
    .run();
  return id;
}

async function preview(form: Record<string, string>) {
  const res = await ops.post("/admin/coupons", { intent: "preview", level: "", pickupPointId: "", days: "", ...form });
  return { res, html: text(await res.text()) };
}

async function issue(html: string) {
  const fields = Object.fromEntries(["issueId", "templateId", "segment", "level", "pickupPointId", "days"].map((k) => [k, hidden(html, k)]));
  expect(fields.issueId).toMatch(/^iss_[0-9a-z]{20}$/);
  return { fields, res: await ops.post("/admin/coupons", { intent: "issue", ...fields }) };
}

describe("/admin/coupons", () => {
  it("is for manage:coupons:any: operations sees every template with its figures, a reviewer gets 403", async () => {
    expect((await reviewer.get("/admin/coupons")).status).toBe(403);
    expect((await reviewer.post("/admin/coupons", { intent: "pause", templateId: "cpt_demolimited100000000" })).status).toBe(403);
    const res = await ops.get("/admin/coupons");
    expect(res.status).toBe(200);
    const html = text(await res.text());
    expect(html).toContain('href="/admin/coupons"');
    expect(html).toMatch(/data-template-id="cpt_demolimited100000000"[\s\S]*?data-testid="issued"[^>]*>0 \/ 100</);
    expect(html).toContain("商家：宝宝优选");
    expect(html).toContain("仅发放");
  });

  it("creates a platform template, answering field errors with 400 first", async () => {
    const base = { intent: "create", nameZh: "平台满 99 减 15", nameEn: "", kind: "threshold", amount: "15", threshold: "99", percentOff: "", maxDiscount: "", totalLimit: "500", perUserLimit: "2", validDays: "10", claimable: "on" };
    const start = new Date(Date.now() + 8 * 3_600_000 + 60 * 60_000).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 8 * 3_600_000 + 20 * DAY).toISOString().slice(0, 16);
    const bad = await ops.post("/admin/coupons", { ...base, perUserLimit: "0", amount: "abc", startsAt: start, endsAt: end });
    expect(bad.status).toBe(400);
    const badHtml = text(await bad.text());
    expect(badHtml).toContain("请填写 1 到 10 之间的整数。");
    expect(badHtml).toContain("请填写金额，例如 5 或 12.50。");
    const order = await ops.post("/admin/coupons", { ...base, startsAt: start, endsAt: start });
    expect(order.status).toBe(400);
    expect(text(await order.text())).toContain("结束时间必须晚于开始时间。");
    const low = await ops.post("/admin/coupons", { ...base, threshold: "10", startsAt: start, endsAt: end });
    expect(low.status).toBe(400);
    expect(text(await low.text())).toContain("门槛必须高于减免金额。");
    const unknown = await ops.post("/admin/coupons", { ...base, startsAt: start, endsAt: end, categoryIds: "cat_nosuch0000000000000" });
    expect(unknown.status).toBe(400);
    expect(text(await unknown.text())).toContain("有品类不存在。");

    const body = new URLSearchParams({ ...base, startsAt: start, endsAt: end });
    body.append("categoryIds", "cat_demofresh00000000000");
    body.append("productIds", "prd_demorice000000000000");
    const ok = await ops.request("/admin/coupons", { method: "POST", body, headers: { Origin: ops.origin, "Content-Type": "application/x-www-form-urlencoded" } });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/admin/coupons?done=created");
    const row = await one<Record<string, unknown>>("SELECT * FROM coupon_templates WHERE name_zh = '平台满 99 减 15'");
    expect(row).toMatchObject({ funding: "platform", kind: "threshold", amount_fen: 1500, threshold_fen: 9900, total_limit: 500, per_user_limit: 2, valid_days: 10, claimable: 1, name_en: "平台满 99 减 15" });
    expect(JSON.parse(row.category_ids as string)).toEqual(["cat_demofresh00000000000"]);
    expect(JSON.parse(row.product_ids as string)).toEqual(["prd_demorice000000000000"]);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'coupon.template.create' AND entity_id = ?", row.id)).toBe(1);

    const pct = await ops.post("/admin/coupons", { ...base, nameZh: "九折", kind: "percentage", amount: "", threshold: "", percentOff: "10", maxDiscount: "20", startsAt: start, endsAt: end });
    expect(pct.status).toBe(302);
    expect(await one("SELECT kind, amount_fen, discount_bp, max_discount_fen FROM coupon_templates WHERE name_zh = '九折'")).toEqual({ kind: "percentage", amount_fen: null, discount_bp: 1000, max_discount_fen: 2000 });
  });

  it("pauses (claims refused), resumes and ends a template; ending is final", async () => {
    const id = "cpt_demobabyclaim0000000";
    expect((await ops.post("/admin/coupons", { intent: "pause", templateId: id })).headers.get("Location")).toBe("/admin/coupons?done=pause");
    const shopper = await session("usr_demoshopper010000000", "198.18.30.9");
    expect((await shopper.post("/coupons", { intent: "claim", templateId: id })).status).toBe(409);
    expect(text(await (await shopper.get("/coupons")).text())).not.toContain(`data-template-id="${id}"`);
    expect((await ops.post("/admin/coupons", { intent: "pause", templateId: id })).status).toBe(409);
    expect((await ops.post("/admin/coupons", { intent: "resume", templateId: id })).headers.get("Location")).toBe("/admin/coupons?done=resume");
    expect((await shopper.post("/coupons", { intent: "claim", templateId: id })).status).toBe(302);
    expect((await ops.post("/admin/coupons", { intent: "end", templateId: id })).status).toBe(302);
    const resumed = await ops.post("/admin/coupons", { intent: "resume", templateId: id });
    expect(resumed.status).toBe(409);
    expect(text(await resumed.text())).toContain("这张券已经结束。");
    expect((await ops.post("/admin/coupons", { intent: "end", templateId: "cpt_nosuchtemplate000000" })).status).toBe(404);
    expect((await ops.post("/admin/coupons", { intent: "end", templateId: "nope" })).status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action LIKE 'coupon.template.%'", id)).toBe(3);
    // The coupon already claimed stays usable.
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ? AND status = 'available'", id)).toBe(1);
  });
});

describe("issuing to a segment", () => {
  it("previews the size, issues in one statement within the limits, a double submit issues nothing, notices and audits", async () => {
    const id = await platformTemplate({ totalLimit: 1500 });
    const pointSize = await count("SELECT count(*) AS n FROM user_pickup_points p JOIN users u ON u.id = p.user_id WHERE p.pickup_point_id = ? AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'shopper')", HAPPY);
    expect(pointSize).toBeGreaterThanOrEqual(1000);

    const bad = await preview({ templateId: id, segment: "pickup_point" });
    expect(bad.res.status).toBe(400);
    expect(bad.html).toContain("请选择自提点。");

    const first = await preview({ templateId: id, segment: "pickup_point", pickupPointId: HAPPY });
    expect(first.res.status).toBe(200);
    expect(first.html).toContain(`该人群共 ${pointSize} 人`);
    expect(first.html).toContain(`本次将发放 ${pointSize} 张`);
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ?", id)).toBe(0); // a preview writes nothing

    const { fields, res } = await issue(first.html);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/admin/coupons?issued=${pointSize}`);
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ? AND source = 'segment'", id)).toBe(pointSize);
    expect(await count("SELECT issued_count AS n FROM coupon_templates WHERE id = ?", id)).toBe(pointSize);
    const again = await ops.post("/admin/coupons", { intent: "issue", ...fields });
    expect(again.headers.get("Location")).toBe("/admin/coupons?issued=0");
    expect(text(await (await ops.get("/admin/coupons?issued=0")).text())).toContain("这次没有发放任何券");
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ?", id)).toBe(pointSize);

    // Inbox: one notice per coupon, in the reader's language.
    expect(await count("SELECT count(*) AS n FROM notifications WHERE kind = 'coupon.issued' AND json_extract(data, '$.name') IN ('回馈券1', 'Thank-you coupon 1')")).toBe(pointSize);
    expect(await one("SELECT data FROM notifications WHERE user_id = 'usr_seg00000000000000030' AND kind = 'coupon.issued'")).toEqual({ data: JSON.stringify({ name: "Thank-you coupon 1" }) });
    const audit = await one<{ data: string; actor_user_id: string }>("SELECT data, actor_user_id FROM audit_log WHERE action = 'coupon.segment.issue' AND entity_id = ? ORDER BY created_at, rowid LIMIT 1", id);
    expect(audit.actor_user_id).toBe("usr_demooperations000000");
    expect(JSON.parse(audit.data)).toEqual({ issueId: fields.issueId, segment: { kind: "pickup_point", pickupPointId: HAPPY }, issued: pointSize });

    // "All shoppers" next: only what is left of the 1,500, nobody a second coupon (per-user limit 1).
    const all = await preview({ templateId: id, segment: "all" });
    const shoppers = await count("SELECT count(*) AS n FROM users u WHERE u.status = 'active' AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'shopper')");
    expect(all.html).toContain(`该人群共 ${shoppers} 人`);
    expect(all.html).toContain(`其中 ${shoppers - pointSize} 人未达每人限领`);
    expect(all.html).toContain(`本次将发放 ${1500 - pointSize} 张`);
    const { res: issuedAll } = await issue(all.html);
    expect(issuedAll.headers.get("Location")).toBe(`/admin/coupons?issued=${1500 - pointSize}`);
    expect(await count("SELECT issued_count AS n FROM coupon_templates WHERE id = ?", id)).toBe(1500);
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ?", id)).toBe(1500);
    expect(await count("SELECT count(*) AS n FROM (SELECT user_id FROM user_coupons WHERE template_id = ? GROUP BY user_id HAVING count(*) > 1)", id)).toBe(0);
    const soldOut = await preview({ templateId: id, segment: "all" });
    expect(soldOut.res.status).toBe(409);
    expect(soldOut.html).toContain("这张券的发放总量已用完。");
  });

  it("finds levels by spend, new shoppers and lapsed ones; refuses merchant-funded templates", async () => {
    const id = await platformTemplate({ perUserLimit: 2 });
    expect((await preview({ templateId: id, segment: "level", level: "gold" })).html).toContain("该人群共 100 人");
    expect((await preview({ templateId: id, segment: "level", level: "silver" })).html).toContain("该人群共 200 人");
    expect((await preview({ templateId: id, segment: "lapsed", days: "90" })).html).toContain("该人群共 200 人");
    expect((await preview({ templateId: id, segment: "lapsed", days: "5" })).html).toContain("该人群共 300 人");
    const never = await count("SELECT count(*) AS n FROM users u WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'shopper') AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.paid_at IS NOT NULL)");
    expect((await preview({ templateId: id, segment: "new" })).html).toContain(`该人群共 ${never} 人`);

    const gold = await preview({ templateId: id, segment: "level", level: "gold" });
    const { res } = await issue(gold.html);
    expect(res.headers.get("Location")).toBe("/admin/coupons?issued=100");
    // Per-user limit 2: a second issue (a new preview, so a new issue id) gives each one more, a third nothing.
    expect((await issue((await preview({ templateId: id, segment: "level", level: "gold" })).html)).res.headers.get("Location")).toBe("/admin/coupons?issued=100");
    const third = await preview({ templateId: id, segment: "level", level: "gold" });
    expect(third.html).toContain("本次将发放 0 张");
    expect(third.html).toContain("没有可发放的顾客。");

    const merchant = await preview({ templateId: "cpt_demofruit00000000000", segment: "all" });
    expect(merchant.res.status).toBe(409);
    expect(merchant.html).toContain("只能向人群发放平台券。");
  });
});

describe("the birthday gift", () => {
  it("is set on /me (month and day, field errors with 400)", async () => {
    const me = await session("usr_demoshopper020000000", "198.18.30.20");
    const bad = await me.post("/me", { intent: "set-birthday", month: "2", day: "30" });
    expect(bad.status).toBe(400);
    expect(text(await bad.text())).toContain("这个日期不存在，请重新选择。");
    const ok = await me.post("/me", { intent: "set-birthday", month: "2", day: "29" });
    expect(ok.headers.get("Location")).toBe("/me?birthday=saved");
    expect(await one("SELECT birthday FROM users WHERE id = 'usr_demoshopper020000000'")).toEqual({ birthday: "02-29" });
    const page = text(await (await me.get("/me?birthday=saved")).text());
    expect(page).toContain("你的生日：2 月 29 日");
    expect(page).toContain("生日已保存。");
    expect(page).toContain('href="/coupons"');
    // The database refuses a day that does not exist, whatever path writes it.
    await expect(worker.d1.prepare("UPDATE users SET birthday = '02-30' WHERE id = 'usr_demoshopper020000000'").run()).rejects.toThrow(/birthday_invalid/);
  });

  it("gives gold and silver shoppers their level's coupon on the day (29 February on the 28th of a common year), once a year; nothing at level 0", async () => {
    const ctx = { db: worker.db, env: { DB: worker.d1 }, waitUntil: () => {} } as unknown as AppContext;
    // A common year's 28 February, 00:10 in Shanghai, after now.
    let year = new Date().getUTCFullYear() + 1;
    while ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) year++;
    const at = Date.UTC(year, 1, 27, 16, 10);
    // Their orders moved to the month before, for their levels at that time: gold, silver, normal (no order).
    const users = { gold: "usr_seg00000000000002291", silver: "usr_seg00000000000002292", normal: "usr_seg00000000000002293", leap: "usr_seg00000000000002294", other: "usr_seg00000000000002295" };
    await worker.d1.batch([
      worker.d1.prepare("UPDATE orders SET paid_at = ?, paid_fen = 250000 WHERE user_id = ?").bind(at - 30 * DAY, users.gold),
      worker.d1.prepare("UPDATE orders SET paid_at = ?, paid_fen = 60000 WHERE user_id = ?").bind(at - 30 * DAY, users.silver),
      worker.d1.prepare("DELETE FROM orders WHERE user_id = ?").bind(users.normal),
      worker.d1.prepare("UPDATE orders SET paid_at = ?, paid_fen = 60000 WHERE user_id = ?").bind(at - 30 * DAY, users.leap),
      worker.d1.prepare("UPDATE orders SET paid_at = ?, paid_fen = 60000 WHERE user_id = ?").bind(at - 30 * DAY, users.other),
      worker.d1.prepare("UPDATE users SET birthday = '02-28' WHERE id IN (?, ?, ?)").bind(users.gold, users.silver, users.normal),
      worker.d1.prepare("UPDATE users SET birthday = '02-29' WHERE id = ?").bind(users.leap),
      worker.d1.prepare("UPDATE users SET birthday = '03-01' WHERE id = ?").bind(users.other),
    ]);
    const gifts = () =>
      worker.d1
        .prepare("SELECT c.user_id, t.amount_fen, c.template_id, c.valid_until, c.grant_key FROM user_coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.source = 'birthday' ORDER BY c.user_id")
        .all<{ user_id: string; amount_fen: number; template_id: string; valid_until: number; grant_key: string }>()
        .then((r) => r.results);

    // Before midnight (the 27th in Shanghai) nobody's day has come.
    expect(await grantDueBirthdayGifts(ctx, at - 20 * 60_000)).toMatchObject({ granted: 0 });
    const first = await grantDueBirthdayGifts(ctx, at);
    expect(first).toEqual({ granted: 3, done: true });
    const given = await gifts();
    expect(given.map((g) => [g.user_id, g.amount_fen])).toEqual([
      [users.gold, 1000],
      [users.silver, 500],
      [users.leap, 500],
    ]);
    expect(given[0]).toMatchObject({ template_id: `cpt_bday${year}000000001000`, valid_until: at + 30 * DAY, grant_key: `birthday:${users.gold}:${year}` });
    const tpl = await one<{ claimable: number; funding: string; issued_count: number }>("SELECT claimable, funding, issued_count FROM coupon_templates WHERE id = ?", `cpt_bday${year}000000000500`);
    expect(tpl).toEqual({ claimable: 0, funding: "platform", issued_count: 2 });
    expect(await count("SELECT count(*) AS n FROM notifications WHERE kind = 'coupon.birthday' AND user_id = ?", users.silver)).toBe(1);
    expect(JSON.parse((await one<{ data: string }>("SELECT data FROM notifications WHERE kind = 'coupon.birthday' AND user_id = ?", users.gold)).data)).toEqual({ amount: "¥10.00" });

    // Reruns that day, later that year, and after changing the birthday: nothing more.
    expect(await grantDueBirthdayGifts(ctx, at + 5 * 60_000)).toEqual({ granted: 0, done: true });
    await worker.d1.prepare("DELETE FROM coupon_job_days").run();
    expect(await grantDueBirthdayGifts(ctx, at + 10 * 60_000)).toEqual({ granted: 0, done: true });
    await worker.d1.prepare("UPDATE users SET birthday = '03-01' WHERE id = ?").bind(users.gold).run();
    const nextDay = await grantDueBirthdayGifts(ctx, at + DAY);
    expect(nextDay.granted).toBe(1); // only the shopper born on 1 March
    expect((await gifts()).map((g) => g.user_id)).toEqual([users.gold, users.silver, users.leap, users.other].sort());
    expect(await count("SELECT count(*) AS n FROM notifications WHERE kind = 'coupon.birthday'")).toBe(4);
  });

  it("runs in the */5 cron today for a shopper whose birthday is today", async () => {
    const now = Date.now();
    const shanghai = new Date(now + 8 * 3_600_000);
    const today = `${String(shanghai.getUTCMonth() + 1).padStart(2, "0")}-${String(shanghai.getUTCDate()).padStart(2, "0")}`;
    const gold = "usr_seg00000000000002250"; // ¥2,500 paid ten days ago
    await worker.d1.prepare("UPDATE users SET birthday = ? WHERE id = ?").bind(today, gold).run();
    await worker.scheduled("*/5 * * * *", now);
    await worker.scheduled("*/5 * * * *", now + 60_000);
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE user_id = ? AND source = 'birthday'", gold)).toBe(1);
    const inbox = await one<{ kind: string }>("SELECT kind FROM notifications WHERE user_id = ? AND kind = 'coupon.birthday'", gold);
    expect(inbox.kind).toBe("coupon.birthday");
  });
});
