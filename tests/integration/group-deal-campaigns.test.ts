/**
 * Issue 7, group-deal campaigns: a merchant creates a campaign on its own SKU (tiers in yuan,
 * checked per row; another merchant's SKU is not found; an overlapping live campaign is a 409), an
 * admin with `review:product:any` approves or rejects it with a reason (finance cannot), each change
 * leaves exactly one audit row, the merchant's staff find the decision in their inbox, the merchant
 * pauses and resumes it, and success rates are counted from `group_deals` rows (inserted straight
 * into D1 here: the groups themselves are another part of the issue) on the campaign lists, on
 * /admin/analytics and in its CSV.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};
let ipCounter = 10;
const nextIp = () => `198.18.9.${ipCounter++}`;

const FRUIT = "mch_demofruit00000000000";
const FRUIT_OWNER = "usr_demomerchant01000000";
const REVIEWER = "usr_demoreviewer00000000";
// 鲜果坊's SKUs. The strawberry may carry the demo world's own group deal, so these tests use others.
const EGGS = "sku_demoeggs000000000001"; // ¥29.80
const APPLE_BIG = "sku_demoapple00000000002"; // ¥54.90
const RICE = "sku_demorice000000000001"; // ¥69.90, the baby-goods merchant's

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A `datetime-local` value in Asia/Shanghai. */
const local = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16);
/** The Asia/Shanghai date of an instant. */
const shanghaiDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

async function signIn(email: string, password = "demo-pass-2026"): Promise<Client> {
  const c = worker.client({ ip: nextIp() });
  const res = await c.post("/login", { intent: "password", email, password });
  expect(res.status, email).toBe(302);
  return c;
}

async function one<T>(sql: string, ...binds: unknown[]): Promise<T> {
  return (await worker.d1.prepare(sql).bind(...binds).first<T>())!;
}

const auditCount = async () => (await one<{ n: number }>("SELECT count(*) AS n FROM audit_log")).n;

/** Runs `act` and expects exactly one new audit row, with this action and actor. */
async function expectOneAudit(action: string, actor: string, act: () => Promise<void>) {
  const since = (await one<{ m: number | null }>("SELECT max(rowid) AS m FROM audit_log")).m ?? 0;
  await act();
  const rows = await worker.d1
    .prepare("SELECT action, actor_user_id, entity_type, entity_id, data FROM audit_log WHERE rowid > ?")
    .bind(since)
    .all<{ action: string; actor_user_id: string; entity_type: string; entity_id: string; data: string | null }>();
  expect(rows.results.map((r) => [r.action, r.actor_user_id])).toEqual([[action, actor]]);
  return rows.results[0]!;
}

/** Runs `act` and expects no audit row and no campaign change. */
async function expectNothingWritten(act: () => Promise<void>) {
  const state = async () => [await auditCount(), (await worker.d1.prepare("SELECT id, status, updated_at FROM group_deal_campaigns ORDER BY id").all()).results];
  const before = await state();
  await act();
  expect(await state()).toEqual(before);
}

/** The create form as a browser posts it: five tier rows, the empty ones included. */
function createForm(fields: Record<string, string>, tiers: Array<[string, string]>): Record<string, string> {
  const form: Record<string, string> = { intent: "create-campaign", ...fields };
  for (let i = 0; i < 5; i++) {
    form[`tiers[${i}].size`] = tiers[i]?.[0] ?? "";
    form[`tiers[${i}].price`] = tiers[i]?.[1] ?? "";
  }
  return form;
}

const now = Date.now();
const window = { startsAt: local(now + HOUR), endsAt: local(now + 7 * DAY) };
const eggsForm = (over: Record<string, string> = {}, tiers: Array<[string, string]> = [["2", "25.90"], ["", ""], ["5", "22.5"]]) =>
  createForm({ skuId: EGGS, durationHours: "24", perUserLimit: "2", ...window, leaderOnly: "on", ...over }, tiers);

beforeAll(async () => {
  worker = await startWorker();
  const accounts = {
    fruit: "fruit@demo.tuangou.test",
    baby: "baby@demo.tuangou.test",
    admin: "admin@demo.tuangou.test",
    reviewer: "reviewer@demo.tuangou.test",
    finance: "finance@demo.tuangou.test",
    shopper: "shopper1@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) as[who] = await signIn(email);
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

let eggsCampaign = "";
let appleCampaign = "";

describe("a merchant creates a campaign", () => {
  it("only merchants reach the page", async () => {
    expect((await as.shopper!.get("/merchant/group-deals")).status).toBe(403);
    expect((await as.shopper!.post("/merchant/group-deals", eggsForm())).status).toBe(403);
    const anonymous = await worker.client({ ip: nextIp() }).get("/merchant/group-deals");
    expect(anonymous.status).toBe(302);
    const page = await as.fruit!.get("/merchant/group-deals");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("新建拼团活动");
    // Only on-sale SKUs of the merchant's own products are offered.
    expect(html).toContain(`value="${EGGS}"`);
    expect(html).not.toContain(`value="${RICE}"`);
  });

  it("answers bad input with field errors, tier errors on their row, and writes nothing", async () => {
    await expectNothingWritten(async () => {
      const notLower = await as.fruit!.post("/merchant/group-deals", eggsForm({}, [["2", "25.90"], ["5", "26"]]));
      expect(notLower.status).toBe(400);
      const html = await notLower.text();
      expect(html).toContain("人数更多的档位，单价要更低。");
      // The error sits on the row's price box (and only there).
      const inputs = [...html.matchAll(/<input[^>]*>/g)].map((m) => m[0]);
      expect(inputs.filter((i) => i.includes('aria-invalid="true"')).map((i) => /name="([^"]+)"/.exec(i)?.[1])).toEqual(["tiers[1].price"]);

      const aboveList = await as.fruit!.post("/merchant/group-deals", eggsForm({}, [["2", "29.80"], ["5", "20"]]));
      expect(aboveList.status).toBe(400);
      expect(await aboveList.text()).toContain("第一档单价要低于日常价。");

      const junk = await as.fruit!.post("/merchant/group-deals", eggsForm({ durationHours: "73", perUserLimit: "0", endsAt: window.startsAt }, [["2", "25.999"], ["2", ""]]));
      expect(junk.status).toBe(400);
      const junkHtml = await junk.text();
      for (const text of ["成团时限为 1–72 的整数小时。", "每人限购为 1–99 的整数。", "结束时间必须晚于开始时间。", "请填写有效金额，例如 59.90。", "请填写这一档的每人单价。"]) expect(junkHtml).toContain(text);

      const noTiers = await as.fruit!.post("/merchant/group-deals", eggsForm({}, []));
      expect(noTiers.status).toBe(400);
      expect(await noTiers.text()).toContain("请至少填写一档：成团人数和每人单价。");

      const past = await as.fruit!.post("/merchant/group-deals", eggsForm({ startsAt: local(now - 2 * DAY) }));
      expect(past.status).toBe(400);
      expect(await past.text()).toContain("开始时间不能早于现在。");

      // Another merchant's SKU is not found (not "forbidden": ids reveal nothing).
      expect((await as.baby!.post("/merchant/group-deals", eggsForm())).status).toBe(404);
    });
  });

  it("creates a campaign pending review, with one audit row; an overlapping one is a 409", async () => {
    const audit = await expectOneAudit("group_deal.create", FRUIT_OWNER, async () => {
      const res = await as.fruit!.post("/merchant/group-deals", eggsForm());
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("拼团活动已提交，平台审核通过后生效。");
    });
    const row = await one<Record<string, unknown>>("SELECT * FROM group_deal_campaigns WHERE sku_id = ?", EGGS);
    eggsCampaign = row.id as string;
    expect(eggsCampaign).toMatch(/^gdc_[0-9a-z]{20}$/);
    expect(row).toMatchObject({
      merchant_id: FRUIT,
      product_id: "prd_demoeggs000000000000",
      tiers: JSON.stringify([
        { size: 2, unitPriceFen: 2590 },
        { size: 5, unitPriceFen: 2250 },
      ]),
      duration_minutes: 24 * 60,
      per_user_limit: 2,
      leader_only: 1,
      status: "pending_review",
      created_by: FRUIT_OWNER,
    });
    expect(row.starts_at).toBe(Date.parse(`${window.startsAt}:00+08:00`));
    expect(row.ends_at).toBe(Date.parse(`${window.endsAt}:00+08:00`));
    expect(audit).toMatchObject({ entity_type: "group_deal_campaign", entity_id: eggsCampaign });

    await expectNothingWritten(async () => {
      const overlap = await as.fruit!.post("/merchant/group-deals", eggsForm({ startsAt: local(now + 3 * DAY), endsAt: local(now + 10 * DAY) }));
      expect(overlap.status).toBe(409);
      expect(await overlap.text()).toContain("这个规格在所选时间内已有拼团活动");
    });

    // A second campaign (another SKU, no leader-only, tiers typed largest first) for the rejection.
    const apple = await as.fruit!.post("/merchant/group-deals", createForm({ skuId: APPLE_BIG, durationHours: "12", perUserLimit: "1", ...window }, [["10", "45"], ["3", "49.90"]]));
    expect(apple.status).toBe(200);
    const appleRow = await one<{ id: string; tiers: string; leader_only: number }>("SELECT id, tiers, leader_only FROM group_deal_campaigns WHERE sku_id = ?", APPLE_BIG);
    appleCampaign = appleRow.id;
    expect(JSON.parse(appleRow.tiers)).toEqual([
      { size: 3, unitPriceFen: 4990 },
      { size: 10, unitPriceFen: 4500 },
    ]);
    expect(appleRow.leader_only).toBe(0);

    const page = await (await as.fruit!.get("/merchant/group-deals")).text();
    expect(page).toContain(eggsCampaign);
    expect(page).toContain("2人 ¥25.90 → 5人 ¥22.50");
    expect(page).toContain("待审核");
    expect(await (await as.baby!.get("/merchant/group-deals")).text()).not.toContain(eggsCampaign);
  });
});

describe("an admin reviews it", () => {
  it("needs review:product:any: the reviewer may, finance may not", async () => {
    expect((await as.finance!.get("/admin/group-deals")).status).toBe(403);
    await expectNothingWritten(async () => {
      expect((await as.finance!.post("/admin/group-deals", { intent: "approve", campaignId: eggsCampaign })).status).toBe(403);
      expect((await as.fruit!.post("/admin/group-deals", { intent: "approve", campaignId: eggsCampaign })).status).toBe(403);
    });
    const page = await as.reviewer!.get("/admin/group-deals");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(eggsCampaign);
    expect(html).toContain("2 个活动待审核");
    // The admin navigation links the page, with the queue count.
    expect(html).toContain('href="/admin/group-deals"');
    const finance = await (await as.finance!.get("/admin")).text();
    expect(finance).not.toContain('href="/admin/group-deals"');
  });

  it("a rejection needs a reason; approve and reject each write one audit row and tell the merchant", async () => {
    await expectNothingWritten(async () => {
      const noReason = await as.reviewer!.post("/admin/group-deals", { intent: "reject", campaignId: appleCampaign, reason: " " });
      expect(noReason.status).toBe(400);
      expect(await noReason.text()).toContain("请填写驳回原因（至少 2 个字）。");
      expect((await as.reviewer!.post("/admin/group-deals", { intent: "approve", campaignId: "gdc_0123456789abcdefghjk" })).status).toBe(404);
      expect((await as.reviewer!.post("/admin/group-deals", { intent: "approve", campaignId: "nope" })).status).toBe(400);
    });

    await expectOneAudit("group_deal.approve", REVIEWER, async () => {
      const res = await as.reviewer!.post("/admin/group-deals", { intent: "approve", campaignId: eggsCampaign });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("已通过，商家已收到通知。");
    });
    const reject = await expectOneAudit("group_deal.reject", REVIEWER, async () => {
      expect((await as.reviewer!.post("/admin/group-deals", { intent: "reject", campaignId: appleCampaign, reason: "拼团价与日常价差别太小" })).status).toBe(200);
    });
    expect(JSON.parse(reject.data!)).toMatchObject({ merchantId: FRUIT, reason: "拼团价与日常价差别太小" });
    expect(await one("SELECT status, reviewed_by, review_note FROM group_deal_campaigns WHERE id = ?", eggsCampaign)).toEqual({ status: "approved", reviewed_by: REVIEWER, review_note: null });
    expect(await one("SELECT status, review_note FROM group_deal_campaigns WHERE id = ?", appleCampaign)).toEqual({ status: "rejected", review_note: "拼团价与日常价差别太小" });

    // Decided once: a second decision is refused without writing.
    await expectNothingWritten(async () => {
      expect((await as.admin!.post("/admin/group-deals", { intent: "reject", campaignId: eggsCampaign, reason: "再想想" })).status).toBe(409);
    });

    const notices = await worker.d1
      .prepare("SELECT kind, data, link FROM notifications WHERE user_id = ? AND kind LIKE 'merchant.group_deal_%' ORDER BY created_at, rowid")
      .bind(FRUIT_OWNER)
      .all<{ kind: string; data: string; link: string }>();
    expect(notices.results.map((n) => [n.kind, JSON.parse(n.data), n.link])).toEqual([
      ["merchant.group_deal_approved", { product: "农家散养土鸡蛋 30 枚 30 枚装" }, "/merchant/group-deals"],
      ["merchant.group_deal_rejected", { product: "烟台红富士苹果 10 斤装", reason: "拼团价与日常价差别太小" }, "/merchant/group-deals"],
    ]);
    const inbox = await (await as.fruit!.get("/me/notifications")).text();
    expect(inbox).toContain("拼团活动审核已通过");
    expect(inbox).toContain("拼团价与日常价差别太小");

    const page = await (await as.fruit!.get("/merchant/group-deals")).text();
    expect(page).toContain("驳回原因：拼团价与日常价差别太小");
    const queue = await (await as.reviewer!.get("/admin/group-deals")).text();
    expect(queue).toContain("没有待审核的拼团活动。");
    const rejected = await (await as.reviewer!.get("/admin/group-deals?status=rejected")).text();
    expect(rejected).toContain(appleCampaign);
    expect(rejected).not.toContain(eggsCampaign);
  });

  it("the merchant pauses and resumes its own campaign, one audit row each", async () => {
    await expectNothingWritten(async () => {
      expect((await as.baby!.post("/merchant/group-deals", { intent: "pause-campaign", campaignId: eggsCampaign })).status).toBe(404);
      expect((await as.fruit!.post("/merchant/group-deals", { intent: "resume-campaign", campaignId: eggsCampaign })).status).toBe(409);
      expect((await as.fruit!.post("/merchant/group-deals", { intent: "pause-campaign", campaignId: appleCampaign })).status).toBe(409);
    });
    await expectOneAudit("group_deal.pause", FRUIT_OWNER, async () => {
      const res = await as.fruit!.post("/merchant/group-deals", { intent: "pause-campaign", campaignId: eggsCampaign });
      expect(res.status).toBe(200);
    });
    expect((await one<{ status: string }>("SELECT status FROM group_deal_campaigns WHERE id = ?", eggsCampaign)).status).toBe("paused");
    await expectNothingWritten(async () => {
      expect((await as.fruit!.post("/merchant/group-deals", { intent: "pause-campaign", campaignId: eggsCampaign })).status).toBe(409);
    });
    await expectOneAudit("group_deal.resume", FRUIT_OWNER, async () => {
      expect((await as.fruit!.post("/merchant/group-deals", { intent: "resume-campaign", campaignId: eggsCampaign })).status).toBe(200);
    });
    expect((await one<{ status: string }>("SELECT status FROM group_deal_campaigns WHERE id = ?", eggsCampaign)).status).toBe("approved");
  });
});

describe("success rates", () => {
  // Groups of the eggs campaign that closed on one Shanghai day 200 days ago (away from any demo data).
  const closedAt = Date.parse(`${shanghaiDay(now - 200 * DAY)}T12:00:00+08:00`);
  const day = shanghaiDay(closedAt);

  beforeAll(async () => {
    const tiers = JSON.stringify([
      { size: 2, unitPriceFen: 2590 },
      { size: 5, unitPriceFen: 2250 },
    ]);
    const groups: Array<[string, "open" | "succeeded" | "failed", number, number | null]> = [
      ["gdl_test0000000000000001", "succeeded", 5, closedAt],
      ["gdl_test0000000000000002", "succeeded", 2, closedAt + HOUR],
      ["gdl_test0000000000000003", "failed", 1, closedAt + 2 * HOUR],
      ["gdl_test0000000000000004", "open", 1, null],
    ];
    await worker.d1.batch(
      groups.map(([id, status, paid, closed]) =>
        worker.d1
          .prepare(
            `INSERT INTO group_deals (id, campaign_id, merchant_id, product_id, sku_id, starter_user_id, pickup_point_id, leader_only, tiers, capacity, status, deadline_at, paid_count, reached_size, final_unit_price_fen, closed_at, created_at, updated_at)
             VALUES (?, ?, ?, 'prd_demoeggs000000000000', ?, 'usr_demoshopper010000000', 'pkp_demosunshine00000000', 1, ?, 5, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(id, eggsCampaign, FRUIT, EGGS, tiers, status, (closed ?? now) + DAY, paid, status === "succeeded" ? paid : null, status === "succeeded" ? (paid >= 5 ? 2250 : 2590) : null, closed, closedAt - DAY, closed ?? now),
      ),
    );
  });

  it("each campaign shows its groups and its success rate (succeeded ÷ closed)", async () => {
    const merchant = await (await as.fruit!.get("/merchant/group-deals")).text();
    expect(merchant).toContain("成团率 66.7%");
    expect(merchant).toContain("开团 4 · 成功 2 · 失败 1 · 进行中 1");
    expect(merchant).toContain("付款 9 人");
    const admin = await (await as.reviewer!.get("/admin/group-deals?status=approved")).text();
    expect(admin).toContain("成团率 66.7%");
    expect(admin).toContain("开团 4 · 成功 2 · 失败 1 · 进行中 1");
    const en = await (await as.fruit!.get("/merchant/group-deals", { "Accept-Language": "en" })).text();
    expect(en).toContain("Success rate 66.7%");
  });

  it("/admin/analytics counts groups closed per Shanghai day, with a CSV", async () => {
    expect((await as.reviewer!.get(`/admin/analytics?from=${day}&to=${day}`)).status).toBe(403);
    const page = await as.admin!.get(`/admin/analytics?from=${day}&to=${day}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("拼团成团率");
    expect(html).toMatch(/data-testid="group-deals-rate"[\s\S]*?66\.7%/);
    expect(html).toMatch(/data-testid="group-deals-closed"[\s\S]*?>3</);
    const csv = await as.admin!.get(`/admin/analytics.csv?table=group_deals&from=${day}&to=${day}&g=day`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toContain(`analytics-group_deals-${day}_${day}-day.csv`);
    const lines = (await csv.text()).replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("时段,开始日期,结束日期,结束的团,成团,未成团,成团率（%）,付款人数");
    expect(lines[1]).toBe(`${day},${day},${day},3,2,1,66.7,8`);
    // The day before holds none of them.
    const before = shanghaiDay(closedAt - DAY);
    const empty = await (await as.admin!.get(`/admin/analytics.csv?table=group_deals&from=${before}&to=${before}&g=day`)).text();
    expect(empty.replace(/^\uFEFF/, "").split("\r\n")[1]).toBe(`${before},${before},${before},0,0,0,,0`);
  });
});
