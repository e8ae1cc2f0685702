import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};

beforeAll(async () => {
  worker = await startWorker();
  const accounts = {
    shopper: "shopper1@demo.tuangou.test",
    leader: "leader1@demo.tuangou.test",
    otherLeader: "leader2@demo.tuangou.test",
    merchant: "fruit@demo.tuangou.test",
    otherMerchant: "baby@demo.tuangou.test",
    admin: "admin@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: `192.0.2.${Object.keys(as).length + 10}` });
    const res = await c.post("/login", { intent: "password", email, password: "demo-pass-2026" });
    expect(res.status, who).toBe(302);
    as[who] = c;
  }
  as.anonymous = worker.client({ ip: "192.0.2.99" });
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

// Every page of each role tree, and who may open it (GET). Anonymous users are sent to sign in.
const PAGES: Array<{ path: string; allowed: string[]; public?: boolean }> = [
  { path: "/", allowed: ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"], public: true },
  { path: "/categories", allowed: ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"], public: true },
  { path: "/search?q=%E8%8D%89%E8%8E%93", allowed: ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"], public: true },
  { path: "/pickup", allowed: ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"], public: true },
  { path: "/products/prd_demostrawberry000000", allowed: ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"], public: true },
  { path: "/cart", allowed: ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"], public: true },
  { path: "/me", allowed: ["shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"] },
  { path: "/me/favourites", allowed: ["shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"] },
  { path: "/me/addresses", allowed: ["shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"] },
  { path: "/me/coupons", allowed: ["shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"] },
  { path: "/orders", allowed: ["shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"] },
  { path: "/leader", allowed: ["leader", "otherLeader"] },
  { path: "/leader/point", allowed: ["leader", "otherLeader"] },
  { path: "/leader/me", allowed: ["leader", "otherLeader"] },
  { path: "/leader/commission", allowed: ["leader", "otherLeader"] },
  { path: "/leader/uncollected", allowed: ["leader", "otherLeader"] },
  { path: "/leader/promote", allowed: ["leader", "otherLeader"] },
  { path: "/leader/handover", allowed: ["leader", "otherLeader"] },
  { path: "/leader/notifications", allowed: ["leader", "otherLeader"] },
  { path: "/merchant", allowed: ["merchant", "otherMerchant"] },
  { path: "/admin", allowed: ["admin"] },
  { path: "/admin/users", allowed: ["admin"] },
  { path: "/admin/leaders", allowed: ["admin"] },
  { path: "/me/leader-apply", allowed: ["shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"] },
  { path: "/merchant/products", allowed: ["merchant", "otherMerchant"] },
  { path: "/merchant/products/new", allowed: ["merchant", "otherMerchant"] },
  { path: "/merchant/products/import", allowed: ["merchant", "otherMerchant"] },
  { path: "/admin/products", allowed: ["admin"] },
];

describe("role guards on every route tree", () => {
  for (const page of PAGES) {
    for (const who of ["anonymous", "shopper", "leader", "otherLeader", "merchant", "otherMerchant", "admin"]) {
      const expected = page.allowed.includes(who) ? 200 : who === "anonymous" ? 302 : 403;
      it(`${who} GET ${page.path} → ${expected}`, async () => {
        const res = await as[who]!.get(page.path);
        expect(res.status).toBe(expected);
        if (expected === 302) expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(page.path)}`);
        if (expected === 403) expect(await res.text()).toContain("没有权限");
      });
    }
  }

  it("guards actions too, not just pages: a shopper cannot post to the admin's role form", async () => {
    const res = await as.shopper!.post("/admin/users?index", { intent: "grant-role", userId: "usr_demoshopper010000000", role: "admin" });
    expect(res.status).toBe(403);
    const n = await worker.d1.prepare("SELECT count(*) AS n FROM user_roles WHERE role = 'admin' AND user_id = 'usr_demoshopper010000000'").first<{ n: number }>();
    expect(n!.n).toBe(0);
  });

  it("guards single-fetch data requests (.data) the same way", async () => {
    const res = await as.shopper!.get("/admin/users.data");
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toContain("ErrorResponse");
    expect(body).not.toContain("usr_demoadmin");
    const anon = await as.anonymous!.get("/admin/users.data");
    expect(await anon.text()).toContain("/login?redirectTo=%2Fadmin%2Fusers");
  });

  it("a leader edits only their own pickup point", async () => {
    const form = { name: "刘团长的新名字", area: "徐汇区 · 翠湖小区", address: "上海市徐汇区龙华中路 600 号", contactPhone: "13800000022", open: "07:00", close: "20:00" };
    const res = await as.otherLeader!.post("/leader/point", form);
    expect(res.status).toBe(200);
    const rows = await worker.d1
      .prepare("SELECT id, name FROM pickup_points WHERE id IN ('pkp_demosunshine00000000', 'pkp_demolakeside00000000') ORDER BY id")
      .all<{ id: string; name: string }>();
    expect(rows.results).toEqual([
      { id: "pkp_demolakeside00000000", name: "刘团长的新名字" },
      { id: "pkp_demosunshine00000000", name: "阳光花园便利店" },
    ]);
  });

  it("shows the leader's own full address but stores it encrypted", async () => {
    const html = await (await as.leader!.get("/leader/point")).text();
    expect(html).toContain("上海市浦东新区锦绣路 1888 弄 12 号楼底商");
    const row = await worker.d1.prepare("SELECT address_enc FROM pickup_points WHERE id = 'pkp_demosunshine00000000'").first<{ address_enc: string }>();
    expect(row!.address_enc).toMatch(/^v1\.k1\./);
    expect(row!.address_enc).not.toContain("锦绣路");
  });

  it("validates the pickup point form field by field and saves nothing on error", async () => {
    const res = await as.leader!.post("/leader/point", { name: "", area: "x", address: "x", contactPhone: "123", open: "09:00", close: "08:00" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("请填写名称");
    expect(html).toContain("请输入 11 位中国大陆手机号");
    // Cross-field rules run once every field is valid on its own.
    const order = await as.leader!.post("/leader/point", { name: "阳光花园便利店", area: "x", address: "x", contactPhone: "13800000021", open: "09:00", close: "08:00" });
    expect(order.status).toBe(400);
    expect(await order.text()).toContain("关门时间要晚于开门时间");
    const row = await worker.d1.prepare("SELECT name FROM pickup_points WHERE id = 'pkp_demosunshine00000000'").first<{ name: string }>();
    expect(row!.name).toBe("阳光花园便利店");
  });

  it("a merchant sees and edits only its own store; the licence number is masked", async () => {
    const html = await (await as.merchant!.get("/merchant")).text();
    expect(html).toContain("鲜果坊");
    expect(html).not.toContain("宝宝优选");
    expect(html).toContain("9131************1X");
    expect(html).not.toContain("91310000MA1FL0001X");
    const bad = await as.merchant!.post("/merchant?index", { contactName: "", contactPhone: "abc", description: "x".repeat(501) });
    expect(bad.status).toBe(400);
    const ok = await as.otherMerchant!.post("/merchant?index", { contactName: "王店长", contactPhone: "13800000012", description: "新介绍" });
    expect(ok.status).toBe(200);
    // An empty optional field is fine (a cleared description).
    expect((await as.otherMerchant!.post("/merchant?index", { contactName: "王店长", contactPhone: "13800000012", description: "" })).status).toBe(200);
    const rows = await worker.d1.prepare("SELECT id, contact_name FROM merchants ORDER BY id").all<{ id: string; contact_name: string }>();
    expect(rows.results).toEqual([
      { id: "mch_demobaby000000000000", contact_name: "王店长" },
      { id: "mch_demofruit00000000000", contact_name: "李鲜果" },
    ]);
  });
});

describe("admin role assignment", () => {
  it("searches users by exact phone (stored encrypted) and shows phones masked", async () => {
    const html = await (await as.admin!.get("/admin/users?q=13800000105")).text();
    expect(html).toContain("郑妈妈");
    expect(html).toContain("138****0105");
    expect(html).not.toContain("13800000105<");
    expect(html).toContain("共 1 位用户");
  });

  it("grants and removes a role, writing the audit log in the same batch", async () => {
    const target = "usr_demoshopper020000000";
    const grant = await as.admin!.post("/admin/users?index", { intent: "grant-role", userId: target, role: "leader" });
    expect(grant.status).toBe(200);
    expect(await grant.text()).toContain("已授予「团长」角色");
    const revoke = await as.admin!.post("/admin/users?index", { intent: "revoke-role", userId: target, role: "leader" });
    expect(revoke.status).toBe(200);
    const audit = await worker.d1
      .prepare("SELECT action, entity_id, actor_user_id FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid")
      .bind(target)
      .all<{ action: string; entity_id: string; actor_user_id: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["user.role.grant", "user.role.revoke"]);
    expect(audit.results[0]!.actor_user_id).toBe("usr_demoadmin00000000000");
  });

  it("refuses bad role input with a field error and writes nothing", async () => {
    const before = await worker.d1.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    for (const form of [
      { intent: "grant-role", userId: "usr_demoshopper020000000", role: "emperor" },
      { intent: "grant-role", userId: "'; DROP TABLE users; --", role: "leader" },
      { intent: "nuke", userId: "usr_demoshopper020000000", role: "leader" },
      { intent: "grant-role", role: "leader" },
    ]) {
      const res = await as.admin!.post("/admin/users?index", form as Record<string, string>);
      expect(res.status).toBe(400);
    }
    const missing = await as.admin!.post("/admin/users?index", { intent: "grant-role", userId: "usr_00000000000000000000", role: "leader" });
    expect(missing.status).toBe(404);
    const self = await as.admin!.post("/admin/users?index", { intent: "revoke-role", userId: "usr_demoadmin00000000000", role: "admin" });
    expect(self.status).toBe(409);
    const after = await worker.d1.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it("the audit log refuses updates and deletes", async () => {
    await expect(worker.d1.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/append-only/);
    await expect(worker.d1.prepare("UPDATE audit_log SET action = 'x'").run()).rejects.toThrow(/append-only/);
  });

  it("a role granted by an admin takes effect on the user's next request", async () => {
    const target = "usr_demoshopper010000000";
    expect((await as.shopper!.get("/leader")).status).toBe(403);
    await as.admin!.post("/admin/users?index", { intent: "grant-role", userId: target, role: "merchant" });
    // No store of their own yet: the role alone does not open another merchant's data.
    expect((await as.shopper!.get("/merchant")).status).toBe(403);
    await as.admin!.post("/admin/users?index", { intent: "revoke-role", userId: target, role: "merchant" });
  });
});
