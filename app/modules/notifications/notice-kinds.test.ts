import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/i18n";
import { inboxPathFor, NOTICE_KINDS, pushPolicy, renderNotice, safeNoticeLink } from "./notice-kinds";
import { isValidTopic } from "./web-push";

const t = (locale: string) => (key: string, options?: Record<string, unknown>) => translate(locale, key, options);

const SAMPLE: Record<(typeof NOTICE_KINDS)[number], Record<string, string | number>> = {
  "leader.new_order": { orderId: "ord_x", amount: "¥39.90", count: 2 },
  "leader.batch_shipped": { batchId: "dlb_x", merchant: "鲜果坊", date: "2026-11-26", count: 1 },
  "merchant.batch_arrived": { batchId: "dlb_x", point: "阳光花园便利店", date: "2026-11-26", count: 0 },
  "merchant.product_approved": { product: "丹东99草莓 500g" },
  "merchant.product_rejected": { product: "丹东99草莓 500g", reason: "主图模糊" },
  "merchant.application_approved": { store: "鲜果坊" },
  "merchant.application_rejected": { store: "鲜果坊", reason: "营业执照照片看不清" },
  "merchant.group_deal_approved": { product: "丹东 99 红颜草莓 约 500g" },
  "merchant.group_deal_rejected": { product: "丹东 99 红颜草莓 约 500g", reason: "拼团价与日常价差别太小" },
  "merchant.flash_sale_approved": { product: "丹东 99 红颜草莓 约 500g", stock: 50 },
  "merchant.flash_sale_rejected": { product: "丹东 99 红颜草莓 约 500g", reason: "抢购价太低" },
  "admin.flash_sale_mismatch": { product: "丹东 99 红颜草莓 约 500g", count: 2 },
  "order.ready_for_pickup": { orderId: "ord_x", point: "阳光花园便利店", open: "08:00", close: "21:00" },
  "leader.application_approved": { point: "绿地小区便民驿站", code: "K7M2Q9XD" },
  "leader.application_rejected": { point: "绿地小区便民驿站", reason: "照片看不清" },
  "leader.orders_uncollected": { count: 2, days: 3 },
  "order.picked_up": { orderId: "ord_x", count: 2 },
  "order.uncollected": { orderId: "ord_x", days: 3 },
  "order.uncollected_returned": { orderId: "ord_x", amount: "¥12.34" },
  "order.uncollected_forfeited": { orderId: "ord_x" },
  "order.group_succeeded": { orderId: "ord_x", size: 5, price: "¥22.90", refund: "¥3.00" },
  "order.group_failed": { orderId: "ord_x", refund: "¥25.90" },
  "order.flash_sale_started": { product: "丹东 99 红颜草莓 约 500g", price: "¥9.90" },
  "order.review_replied": { product: "丹东 99 红颜草莓 约 500g" },
  "money.withdrawal_paid": { amount: "¥120.00" },
  "money.withdrawal_rejected": { amount: "¥120.00", reason: "收款账号与实名不符" },
  "money.withdrawal_failed": { amount: "¥120.00", reason: "account_rejected" },
  "admin.reconciliation_differences": { date: "2026-11-25", count: 2 },
  "share.reward_points": { friend: "小*", points: 50 },
  "share.reward_coupon": { friend: "小*", points: 0 },
  "share.reward_fallback": { friend: "小*", points: 50 },
  "coupon.issued": { name: "满 50 减 10" },
  "coupon.birthday": { amount: "¥10.00" },
  "coupon.expiring": { name: "满 50 减 10", count: 2 },
};

describe("renderNotice", () => {
  it("renders every kind in both languages, with its values and plurals", () => {
    for (const kind of NOTICE_KINDS) {
      for (const locale of ["zh-CN", "en"]) {
        const { title, body } = renderNotice(t(locale), { kind, data: SAMPLE[kind] });
        expect(title, `${locale} ${kind}`).not.toMatch(/notices\.|\{\{/);
        expect(body, `${locale} ${kind}`).not.toMatch(/notices\.|\{\{/);
        expect(title).not.toBe(translate(locale, "notices.fallback.title"));
      }
    }
    expect(renderNotice(t("zh-CN"), { kind: "leader.new_order", data: SAMPLE["leader.new_order"] }).body).toBe("收到一笔新订单：2 件商品，实付 ¥39.90。");
    expect(renderNotice(t("en"), { kind: "leader.new_order", data: { ...SAMPLE["leader.new_order"], count: 1 } }).body).toBe("A new order came in: 1 item, ¥39.90 paid.");
    expect(renderNotice(t("zh-CN"), { kind: "merchant.batch_arrived", data: SAMPLE["merchant.batch_arrived"] }).body).toContain("无缺货");
    expect(renderNotice(t("zh-CN"), { kind: "merchant.batch_arrived", data: { ...SAMPLE["merchant.batch_arrived"], count: 3 } }).body).toContain("缺货 3 件");
  });

  it("reads an unknown kind as a generic notice, and data never overrides i18next's options", () => {
    expect(renderNotice(t("zh-CN"), { kind: "someone.else", data: {} })).toEqual({ title: "新消息", body: "点开查看详情。" });
    expect(renderNotice(t("en"), { kind: "Bad Kind!", data: {} })).toEqual({ title: "New notification", body: "Open it to see the details." });
    const r = renderNotice(t("zh-CN"), { kind: "order.ready_for_pickup", data: { ...SAMPLE["order.ready_for_pickup"], lng: "en", defaultValue: "x" } });
    expect(r.title).toBe("商品已到自提点");
  });
});

describe("pushPolicy", () => {
  it("gives each kind a TTL within a day, an urgency, a tag, and a valid topic where it collapses", () => {
    for (const kind of NOTICE_KINDS) {
      const p = pushPolicy({ kind, data: SAMPLE[kind] });
      expect(p.ttl).toBeGreaterThan(0);
      expect(p.ttl).toBeLessThanOrEqual(86_400);
      expect(p.tag).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
      if (p.topic !== undefined) expect(isValidTopic(p.topic)).toBe(true);
    }
    expect(pushPolicy({ kind: "leader.new_order", data: {} })).toMatchObject({ tag: "new-order", topic: "leader-new-order" });
    expect(pushPolicy({ kind: "order.ready_for_pickup", data: { orderId: "ord_0123456789abcdefghjk" } })).toMatchObject({ urgency: "high", tag: "ready-ord_0123456789abcdefghjk" });
    expect(pushPolicy({ kind: "x.y", data: {}, link: "/a/b" }).tag).toBe("x.y-/a/b".replace(/[^A-Za-z0-9_-]/g, ""));
  });
});

describe("links", () => {
  it("keeps in-app paths only", () => {
    expect(safeNoticeLink("/orders/ord_1")).toBe("/orders/ord_1");
    for (const bad of ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/\\evil", null, undefined, ""]) expect(safeNoticeLink(bad)).toBeNull();
    expect(inboxPathFor("leader.new_order")).toBe("/leader/notifications");
    expect(inboxPathFor("order.ready_for_pickup")).toBe("/me/notifications");
  });
});
