import { createHash } from "node:crypto";
import jsQR from "jsqr";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../app/context.server";
import { approveLeaderApplication, rejectLeaderApplication } from "../../app/modules/leaders/apply.server";
import { startWorker, TEST_SECRETS, type Client, type TestWorker } from "../support/worker";

// Becoming a leader (apply → admin review), invite links, share links with attribution and the
// promote page (issue #5 items 1 and 8). The edge cache is on, as in production, to check the
// attribution cookie neither stops nor poisons it.
let worker: TestWorker;
const as: Record<string, Client> = {};
let ipCounter = 20;
const nextIp = () => `198.18.9.${ipCounter++}`;

const ADMIN_ID = "usr_demoadmin00000000000";
const SUNSHINE = "pkp_demosunshine00000000";
const LAKESIDE = "pkp_demolakeside00000000";
const STRAWBERRY = "prd_demostrawberry000000";
const STRAWBERRY_SKU = "sku_demostrawberry000001"; // ¥39.90

beforeAll(async () => {
  worker = await startWorker({ vars: { EDGE_CACHE_TTL: "60" } });
  const accounts = {
    admin: "admin@demo.tuangou.test",
    leader1: "leader1@demo.tuangou.test",
    fruit: "fruit@demo.tuangou.test",
    shopper: "shopper1@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: nextIp() });
    expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status, who).toBe(302);
    as[who] = c;
  }
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;

const userIdOf = async (c: Client) => {
  const hash = createHash("sha256").update(c.cookies.get("tg_session")!).digest("hex");
  return (await one<{ user_id: string }>("SELECT user_id FROM sessions WHERE id = ?", hash)).user_id;
};

async function newUser(phone: string): Promise<Client> {
  const c = worker.client({ ip: nextIp() });
  expect((await c.signInWithPhone(worker, phone)).status).toBe(302);
  return c;
}

// A PNG by its signature (the server sniffs the bytes, not the declared type).
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

const FORM: Record<string, string | string[]> = {
  name: "绿地小区驿站",
  area: "闵行区 · 绿地小区",
  address: "上海市闵行区七莘路 100 弄 8 号楼",
  lat: "31.1123",
  lng: "121.3811",
  open: "08:30",
  close: "20:00",
  days: ["1", "2", "3", "4", "5", "6"],
  contactPhone: "13900000501",
  doorDelivery: "yes",
};

/** The application as the browser sends it: multipart, with the photo. */
async function apply(c: Client, fields: Record<string, string | string[]>, photo: { bytes: Uint8Array; name: string; type: string } | null = { bytes: PNG, name: "shop.png", type: "image/png" }) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) fd.append(k, x);
  if (photo) fd.append("photo", new File([new Uint8Array(photo.bytes)], photo.name, { type: photo.type }));
  const encoded = new Response(fd);
  const body = await encoded.arrayBuffer();
  return c.request("/me/leader-apply", { method: "POST", body, headers: { Origin: c.origin, "Content-Type": encoded.headers.get("Content-Type")! } });
}

const photoKeys = async () => (await worker.images.list({ prefix: "leader-photos/" })).objects.map((o) => o.key);

const state: { applicant?: Client; applicantId?: string; pointId?: string; code?: string; referred?: Client } = {};

describe("applying to become a leader", () => {
  it("validates field by field and writes nothing", async () => {
    const c = await newUser("13900000501");
    state.applicant = c;
    state.applicantId = await userIdOf(c);
    const me = await (await c.get("/me")).text();
    expect(me).toContain('href="/me/leader-apply"');
    expect(me).toContain("成为团长");
    const page = await c.get("/me/leader-apply");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("申请成为团长");

    const bad = await apply(c, { name: "x", area: "", address: "短", lat: "abc", lng: "", open: "8点", close: "20:00", contactPhone: "123" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    for (const text of [
      "请填写自提点名称（至少 2 个字）",
      "请填写小区或片区",
      "请填写详细地址（至少 5 个字）",
      "请填写数字，例如 31.2304",
      "请填写经度",
      "时间格式为 HH:MM",
      "请至少选择一个营业日",
      "请输入 11 位中国大陆手机号",
      "请选择是否送货上门",
    ]) {
      expect(html, text).toContain(text);
    }
    const swapped = await apply(c, { ...FORM, lat: "121.3811", lng: "31.1123" });
    expect(swapped.status).toBe(400);
    expect(await swapped.text()).toContain("这个位置不在中国境内");
    const late = await apply(c, { ...FORM, open: "21:00", close: "08:00" });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain("关门时间要晚于开门时间");

    const noPhoto = await apply(c, FORM, null);
    expect(noPhoto.status).toBe(400);
    expect(await noPhoto.text()).toContain("请上传身份证或门店照片");
    const notImage = await apply(c, FORM, { bytes: new TextEncoder().encode("<svg onload=alert(1)></svg>"), name: "x.png", type: "image/png" });
    expect(notImage.status).toBe(400);
    expect(await notImage.text()).toContain("只支持 JPG、PNG 或 WebP 图片");
    const tooBig = await apply(c, FORM, { bytes: new Uint8Array(5 * 1024 * 1024 + 1).fill(0x89, 0, 1), name: "big.png", type: "image/png" });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain("照片不能超过 5 MB");

    expect((await one<{ n: number }>("SELECT count(*) AS n FROM pickup_points WHERE leader_user_id = ?", state.applicantId)).n).toBe(0);
    expect(await photoKeys()).toEqual([]);
  });

  it("stores the application encrypted with a private photo, and allows no second one", async () => {
    const c = state.applicant!;
    const sent = await apply(c, FORM);
    expect(sent.status).toBe(302);
    expect(sent.headers.get("location")).toBe("/me/leader-apply?submitted=1");
    const row = await one<Record<string, unknown>>("SELECT * FROM pickup_points WHERE leader_user_id = ?", state.applicantId);
    state.pointId = row.id as string;
    expect(row).toMatchObject({ status: "pending", name: "绿地小区驿站", area: "闵行区 · 绿地小区", lat: 31.1123, lng: 121.3811, door_delivery: 1, invite_code: null });
    expect(JSON.parse(row.hours as string)).toEqual({ open: "08:30", close: "20:00", days: [1, 2, 3, 4, 5, 6] });
    expect(row.address_enc).not.toContain("七莘路");
    expect(row.contact_phone_enc).not.toContain("13900000501");
    expect(row.photo_key).toMatch(new RegExp(`^leader-photos/${state.pointId}/[0-9a-z]{16}\\.png$`));
    const object = await worker.images.get(row.photo_key as string);
    expect(object?.httpMetadata?.contentType).toBe("image/png");
    // The public image route never serves it.
    expect((await worker.fetch(`/images/${row.photo_key}`)).status).toBe(404);

    const page = await (await c.get("/me/leader-apply?submitted=1")).text();
    expect(page).toContain("申请已提交");
    expect(page).toContain("审核中");
    expect(page).toContain("周一、周二、周三、周四、周五、周六 08:30–20:00");
    expect(page).not.toContain('name="photo"');

    const again = await apply(c, { ...FORM, name: "第二个驿站" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("你已经有一份申请在审核中");
    const leader = await apply(as.leader1!, { ...FORM, name: "张团长的第二个点" });
    expect(leader.status).toBe(409);
    expect(await leader.text()).toContain("你已经是团长了");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM pickup_points WHERE name IN ('第二个驿站', '张团长的第二个点')")).n).toBe(0);
    expect(await photoKeys()).toHaveLength(1);

    // The admin's navigation shows the queue waiting, on every admin page; the home links to it.
    const waiting = (await one<{ n: number }>("SELECT count(*) AS n FROM pickup_points WHERE status = 'pending'")).n;
    expect(waiting).toBeGreaterThan(0);
    for (const path of ["/admin", "/admin/users"]) expect(await (await as.admin!.get(path)).text()).toContain(`（${waiting} 项待审核）`);
    expect(await (await as.admin!.get("/admin")).text()).toMatch(/待审自提点[\s\S]*?href="\/admin\/leaders"/);
  });
});

describe("reviewing leader applications", () => {
  it("is for reviewers only: shoppers, leaders and merchants get 403 on the queue, the photo and the decisions", async () => {
    for (const who of ["shopper", "leader1", "fruit"]) {
      const c = as[who]!;
      expect((await c.get("/admin/leaders")).status, who).toBe(403);
      expect((await c.get(`/admin/leaders/${state.pointId}/photo`)).status, who).toBe(403);
      expect((await c.post("/admin/leaders", { intent: "approve", pointId: state.pointId! })).status, who).toBe(403);
      expect((await c.post("/admin/leaders", { intent: "reject", pointId: state.pointId!, reason: "不行" })).status, who).toBe(403);
    }
    expect((await worker.client().get("/admin/leaders")).status).toBe(302); // guests sign in first
    expect((await one<{ status: string }>("SELECT status FROM pickup_points WHERE id = ?", state.pointId)).status).toBe("pending");

    const queue = await as.admin!.get("/admin/leaders");
    expect(queue.status).toBe(200);
    const html = await queue.text();
    expect(html).toContain("绿地小区驿站");
    expect(html).toContain("上海市闵行区七莘路 100 弄 8 号楼");
    expect(html).toContain("13900000501");
    expect(html).toContain("31.1123, 121.3811");
    expect(html).toContain(`href="/admin/leaders/${state.pointId}/photo"`);
    const photo = await as.admin!.get(`/admin/leaders/${state.pointId}/photo`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get("content-type")).toBe("image/png");
    expect(photo.headers.get("cache-control")).toBe("private, no-store");
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(PNG);
    expect((await as.admin!.get("/admin/leaders/pkp_nosuchpoint000000000/photo")).status).toBe(404);
    expect(await (await as.admin!.get("/admin")).text()).toContain('href="/admin/leaders"');
  });

  it("needs a reason to reject, tells the applicant why, and takes the corrected application back", async () => {
    const admin = as.admin!;
    const noReason = await admin.post("/admin/leaders", { intent: "reject", pointId: state.pointId!, reason: " " });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("请写明不通过的原因");
    expect((await one<{ status: string }>("SELECT status FROM pickup_points WHERE id = ?", state.pointId)).status).toBe("pending");

    const rejected = await admin.post("/admin/leaders", { intent: "reject", pointId: state.pointId!, reason: "门店照片看不清，请重新拍一张" });
    expect(rejected.status).toBe(200);
    expect(await rejected.text()).toContain("已退回“绿地小区驿站”的申请");
    expect(await one("SELECT status, reject_reason, reviewed_by FROM pickup_points WHERE id = ?", state.pointId)).toEqual({
      status: "rejected",
      reject_reason: "门店照片看不清，请重新拍一张",
      reviewed_by: ADMIN_ID,
    });
    const audit = await one<{ actor_user_id: string; data: string }>("SELECT actor_user_id, data FROM audit_log WHERE action = 'leader.reject' AND entity_id = ?", state.pointId);
    expect(audit.actor_user_id).toBe(ADMIN_ID);
    expect(JSON.parse(audit.data)).toMatchObject({ reason: "门店照片看不清，请重新拍一张" });
    const notice = await one<{ kind: string; data: string; link: string }>("SELECT kind, data, link FROM notifications WHERE user_id = ?", state.applicantId);
    expect(notice.kind).toBe("leader.application_rejected");
    expect(JSON.parse(notice.data)).toEqual({ point: "绿地小区驿站", reason: "门店照片看不清，请重新拍一张" });
    expect(notice.link).toBe("/me/leader-apply");
    const sms = await one<{ body: string }>("SELECT body FROM outbox_messages WHERE recipient = '13900000501' ORDER BY created_at DESC, rowid DESC LIMIT 1");
    expect(sms.body).toContain("门店照片看不清");
    // Deciding twice is refused and changes nothing.
    const twice = await admin.post("/admin/leaders", { intent: "approve", pointId: state.pointId! });
    expect(twice.status).toBe(409);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM user_roles WHERE user_id = ? AND role = 'leader'", state.applicantId)).n).toBe(0);

    const c = state.applicant!;
    const page = await (await c.get("/me/leader-apply")).text();
    expect(page).toContain("未通过原因：门店照片看不清，请重新拍一张");
    expect(page).toContain('value="绿地小区驿站"'); // the form, filled in to correct
    expect(page).toContain('value="上海市闵行区七莘路 100 弄 8 号楼"');
    expect(page).toContain("不选新照片就沿用上次提交的照片");

    const before = await one<{ photo_key: string }>("SELECT photo_key FROM pickup_points WHERE id = ?", state.pointId);
    const again = await apply(c, { ...FORM, name: "绿地小区便民驿站" }, null);
    expect(again.status).toBe(302);
    const row = await one<Record<string, unknown>>("SELECT id, status, name, reject_reason, reviewed_by, photo_key FROM pickup_points WHERE leader_user_id = ?", state.applicantId);
    expect(row).toEqual({ id: state.pointId, status: "pending", name: "绿地小区便民驿站", reject_reason: null, reviewed_by: null, photo_key: before.photo_key });
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM pickup_points WHERE leader_user_id = ?", state.applicantId)).n).toBe(1);
  });

  it("approves in one go: the point opens with an invite code, the role, an audit row and a notice", async () => {
    const approved = await as.admin!.post("/admin/leaders", { intent: "approve", pointId: state.pointId! });
    expect(approved.status).toBe(200);
    const row = await one<{ status: string; invite_code: string; reviewed_by: string; reviewed_at: number }>(
      "SELECT status, invite_code, reviewed_by, reviewed_at FROM pickup_points WHERE id = ?",
      state.pointId,
    );
    expect(row.status).toBe("active");
    expect(row.invite_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(row.reviewed_by).toBe(ADMIN_ID);
    state.code = row.invite_code;
    expect(await approved.text()).toContain(`邀请码 ${row.invite_code}`);
    const role = await one<{ granted_by: string; created_at: number }>("SELECT granted_by, created_at FROM user_roles WHERE user_id = ? AND role = 'leader'", state.applicantId);
    expect(role.granted_by).toBe(ADMIN_ID);
    const audit = await all<{ data: string }>("SELECT data FROM audit_log WHERE action = 'leader.approve' AND entity_id = ?", state.pointId);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ applicant: state.applicantId, inviteCode: row.invite_code });
    const notice = await one<{ data: string; link: string; created_at: number }>(
      "SELECT data, link, created_at FROM notifications WHERE user_id = ? AND kind = 'leader.application_approved'",
      state.applicantId,
    );
    expect(JSON.parse(notice.data)).toEqual({ point: "绿地小区便民驿站", code: row.invite_code });
    expect(notice.link).toBe("/leader");
    // Written by one batch: the same instant on the point, the role and the notice.
    expect(role.created_at).toBe(row.reviewed_at);
    expect(notice.created_at).toBe(row.reviewed_at);
    const sms = await one<{ body: string }>("SELECT body FROM outbox_messages WHERE recipient = '13900000501' ORDER BY created_at DESC, rowid DESC LIMIT 1");
    expect(sms.body).toContain(row.invite_code);

    expect((await as.admin!.post("/admin/leaders", { intent: "reject", pointId: state.pointId!, reason: "太晚了" })).status).toBe(409);
    expect((await one<{ status: string }>("SELECT status FROM pickup_points WHERE id = ?", state.pointId)).status).toBe("active");

    // The new leader's role works at once (roles are read per request).
    const c = state.applicant!;
    const page = await (await c.get("/me/leader-apply")).text();
    expect(page).toContain("已通过");
    expect(page).toContain('href="/leader"');
    expect((await c.get("/leader/promote")).status).toBe(200);
    const listed = await (await as.admin!.get("/admin/leaders?status=active")).text();
    expect(listed).toContain(row.invite_code);

    // Editing the point's times later keeps its opening days.
    const edited = await c.post("/leader/point", {
      name: "绿地小区便民驿站",
      area: "闵行区 · 绿地小区",
      address: "上海市闵行区七莘路 100 弄 8 号楼",
      contactPhone: "13900000501",
      open: "08:00",
      close: "20:30",
    });
    expect(edited.status).toBe(200);
    const hours = await one<{ hours: string }>("SELECT hours FROM pickup_points WHERE id = ?", state.pointId);
    expect(JSON.parse(hours.hours)).toEqual({ open: "08:00", close: "20:30", days: [1, 2, 3, 4, 5, 6] });
    await worker.d1.prepare("UPDATE pickup_points SET hours = ? WHERE id = ?").bind(JSON.stringify({ open: "08:30", close: "20:00", days: [1, 2, 3, 4, 5, 6] }), state.pointId).run();
  });

  it("lets one of two reviewers acting at once decide; the other's batch changes nothing", async () => {
    const c = await newUser("13900000505");
    const userId = await userIdOf(c);
    expect((await apply(c, { ...FORM, name: "同时审核驿站", contactPhone: "13900000505" })).status).toBe(302);
    const { id } = await one<{ id: string }>("SELECT id FROM pickup_points WHERE leader_user_id = ?", userId);
    const admin2 = worker.client({ ip: nextIp() });
    expect((await admin2.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    const [a, b] = await Promise.all([
      as.admin!.post("/admin/leaders", { intent: "approve", pointId: id }),
      admin2.post("/admin/leaders", { intent: "reject", pointId: id, reason: "资料不全" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const status = (await one<{ status: string }>("SELECT status FROM pickup_points WHERE id = ?", id)).status;
    const audits = await all<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = ?", id);
    const notices = await all<{ kind: string }>("SELECT kind FROM notifications WHERE user_id = ?", userId);
    const roles = (await one<{ n: number }>("SELECT count(*) AS n FROM user_roles WHERE user_id = ? AND role = 'leader'", userId)).n;
    if (status === "active") {
      expect(audits).toEqual([{ action: "leader.approve" }]);
      expect(notices).toEqual([{ kind: "leader.application_approved" }]);
      expect(roles).toBe(1);
    } else {
      expect(status).toBe("rejected");
      expect(audits).toEqual([{ action: "leader.reject" }]);
      expect(notices).toEqual([{ kind: "leader.application_rejected" }]);
      expect(roles).toBe(0);
    }
  });

  it("aborts the whole decision batch when the application stopped being pending after it was read", async () => {
    const c = await newUser("13900000506");
    const userId = await userIdOf(c);
    expect((await apply(c, { ...FORM, name: "过期读取驿站", contactPhone: "13900000506" })).status).toBe(302);
    const stale = await worker.db.query.pickupPoints.findFirst({ where: (p, { eq }) => eq(p.leaderUserId, userId) });
    // Another reviewer decides between this reviewer's read and its write.
    await worker.d1.prepare("UPDATE pickup_points SET status = 'rejected', reject_reason = '先到' WHERE id = ?").bind(stale!.id).run();
    // The modules, run here against the same D1, with the stale read the slower reviewer made.
    const db = new Proxy(worker.db, {
      get(target, prop) {
        if (prop === "query") return { ...target.query, pickupPoints: { findFirst: async () => stale } };
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ctx = { env: { ...TEST_SECRETS, DB: worker.d1, IMAGES: worker.images }, db, waitUntil: () => undefined } as unknown as AppContext;
    expect(await approveLeaderApplication(ctx, ADMIN_ID, stale!.id)).toEqual({ ok: false, error: { code: "not_pending", field: "pointId" } });
    expect(await rejectLeaderApplication(ctx, ADMIN_ID, stale!.id, "后到")).toEqual({ ok: false, error: { code: "not_pending", field: "pointId" } });
    expect(await one("SELECT status, reject_reason, invite_code FROM pickup_points WHERE id = ?", stale!.id)).toEqual({ status: "rejected", reject_reason: "先到", invite_code: null });
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE entity_id = ?", stale!.id)).n).toBe(0);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM notifications WHERE user_id = ?", userId)).n).toBe(0);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM user_roles WHERE user_id = ? AND role = 'leader'", userId)).n).toBe(0);
  });
});

describe("invite links", () => {
  it("show the point and bind a guest through the pickup-point cookie, merged at sign-in", async () => {
    const guest = worker.client({ ip: nextIp() });
    const page = await guest.get(`/join/${state.code!.toLowerCase()}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("绿地小区便民驿站");
    expect(html).toContain("闵行区 · 绿地小区");
    expect(html).toContain("周一、周二、周三、周四、周五、周六 08:30–20:00");
    expect(html).toContain("支持送货上门");
    expect(html).toContain("在这里取货");
    expect(html).not.toContain("8 号楼"); // the door is masked
    expect(guest.cookies.has("tg_pickup")).toBe(false); // opening the link chooses nothing

    const joined = await guest.post(`/join/${state.code!.toLowerCase()}`, {});
    expect(joined.status).toBe(302);
    expect(joined.headers.get("location")).toBe("/");
    expect(guest.cookies.get("tg_pickup")).toBe(state.pointId);
    expect(guest.cookies.get("tg_ref")).toBe(state.pointId);
    expect(await (await guest.get("/")).text()).toContain("绿地小区便民驿站");

    const res = await guest.signInWithPhone(worker, "13900000502");
    expect(res.status).toBe(302);
    const userId = await userIdOf(guest);
    expect(await one("SELECT pickup_point_id, source FROM user_pickup_points WHERE user_id = ?", userId)).toEqual({ pickup_point_id: state.pointId, source: "invite" });
  });

  it("bind a signed-in shopper with source invite", async () => {
    const c = as.shopper!;
    await c.post("/pickup", { pickupPointId: LAKESIDE });
    const page = await (await c.get(`/join/${state.code}`)).text();
    expect(page).toContain("在这里取货");
    expect((await c.post(`/join/${state.code}`, {})).status).toBe(302);
    expect(await one("SELECT pickup_point_id, source FROM user_pickup_points WHERE user_id = 'usr_demoshopper010000000'")).toEqual({
      pickup_point_id: state.pointId,
      source: "invite",
    });
    expect(await (await c.get(`/join/${state.code}`)).text()).toContain("这已经是你的自提点了");
  });

  it("answer unknown codes and points that are not open with a clear 404", async () => {
    const guest = worker.client({ ip: nextIp() });
    const unknown = await guest.get("/join/NOPE2345");
    expect(unknown.status).toBe(404);
    const html = await unknown.text();
    expect(html).toContain("邀请码无效");
    expect(html).toContain('href="/pickup"');
    expect((await guest.post("/join/NOPE2345", {})).status).toBe(404);
    expect(guest.cookies.has("tg_pickup")).toBe(false);
    // A point that is not active (here: suspended) is not joinable.
    await worker.d1.prepare("UPDATE pickup_points SET status = 'suspended' WHERE id = ?").bind(LAKESIDE).run();
    expect((await guest.get("/join/LAKE2026")).status).toBe(404);
    await worker.d1.prepare("UPDATE pickup_points SET status = 'active' WHERE id = ?").bind(LAKESIDE).run();
    expect((await guest.get("/join/lake2026")).status).toBe(200);
  });
});

describe("share links /r/<code>", () => {
  const product = `/products/${STRAWBERRY}`;

  it("set the 7-day attribution cookie and bind a visitor who had no pickup point, then redirect with 303", async () => {
    const guest = worker.client({ ip: nextIp() });
    const res = await guest.get(`/r/${state.code!.toLowerCase()}?to=${product}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(product);
    const cookies = res.headers.getSetCookie();
    const ref = cookies.find((c) => c.startsWith("tg_ref="))!;
    expect(ref).toBe(`tg_ref=${state.pointId}; Path=/; Max-Age=604800; SameSite=Lax; HttpOnly`);
    expect(cookies.some((c) => c.startsWith(`tg_pickup=${state.pointId};`))).toBe(true);
    const page = await guest.get(product);
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie()).toEqual([]);
    expect(await page.text()).toContain("绿地小区便民驿站");
  });

  it("never change a pickup point already chosen", async () => {
    const guest = worker.client({ ip: nextIp() });
    await guest.post("/pickup", { pickupPointId: LAKESIDE });
    const res = await guest.get(`/r/${state.code}?to=${product}`);
    expect(res.status).toBe(303);
    expect(guest.cookies.get("tg_ref")).toBe(state.pointId);
    expect(guest.cookies.get("tg_pickup")).toBe(LAKESIDE);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("tg_pickup="))).toBe(false);

    // Signed in with a chosen point: unchanged; signed in without one: bound, source invite.
    const chosen = as.leader1!;
    await chosen.post("/pickup", { pickupPointId: SUNSHINE });
    await chosen.get(`/r/${state.code}?to=/`);
    expect((await one<{ pickup_point_id: string }>("SELECT pickup_point_id FROM user_pickup_points WHERE user_id = 'usr_demoleader0100000000'")).pickup_point_id).toBe(SUNSHINE);
    const fresh = await newUser("13900000503");
    const freshId = await userIdOf(fresh);
    expect((await fresh.get(`/r/${state.code}?to=${product}`)).status).toBe(303);
    expect(await one("SELECT pickup_point_id, source FROM user_pickup_points WHERE user_id = ?", freshId)).toEqual({ pickup_point_id: state.pointId, source: "invite" });
    state.referred = fresh;
  });

  it("refuse to leave the site: any `to` that is not a path here lands on the home page", async () => {
    for (const to of [
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "http:/evil.example",
      "%2F%2Fevil.example",
      "",
    ]) {
      const res = await worker.client({ ip: nextIp() }).get(`/r/${state.code}?to=${encodeURIComponent(to)}`);
      expect(res.status, to).toBe(303);
      expect(res.headers.get("location"), to).toBe("/");
    }
    const noTo = await worker.client({ ip: nextIp() }).get(`/r/${state.code}`);
    expect(noTo.headers.get("location")).toBe("/");
    const search = await worker.client({ ip: nextIp() }).get(`/r/${state.code}?to=${encodeURIComponent("/search?q=草莓")}`);
    expect(search.headers.get("location")).toBe("/search?q=%E8%8D%89%E8%8E%93");
  });

  it("answer an unknown or closed code with a 404 page and set nothing", async () => {
    const guest = worker.client({ ip: nextIp() });
    const res = await guest.get(`/r/NOPE2345?to=${product}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("链接无效");
    expect(guest.cookies.size).toBe(0);
  });

  it("keep catalogue pages edge-cacheable: the attribution cookie neither blocks the cache nor enters its key", async () => {
    const path = `/products/${STRAWBERRY}?via=ref-test`;
    const get = async (cookie: string) => {
      const res = await worker.client({ ip: nextIp() }).get(path, { Cookie: cookie });
      await res.text();
      await new Promise((r) => setTimeout(r, 30));
      return res;
    };
    const first = await get(`tg_pickup=${SUNSHINE}; tg_ref=${state.pointId}`);
    expect(first.headers.get("X-Edge-Cache")).toBe("MISS");
    const again = await get(`tg_pickup=${SUNSHINE}; tg_ref=${LAKESIDE}`);
    expect(again.headers.get("X-Edge-Cache")).toBe("HIT");
    expect((await get(`tg_pickup=${SUNSHINE}`)).headers.get("X-Edge-Cache")).toBe("HIT");
    // Any other cookie still makes the page personal.
    expect((await get(`tg_pickup=${SUNSHINE}; tg_ref=${state.pointId}; other=1`)).headers.get("X-Edge-Cache")).toBeNull();
  });
});

/** Places an order from the cart with the sandbox provider, as the checkout page submits it. */
async function placeOrder(c: Client): Promise<string> {
  expect((await c.post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "1" })).status).toBeLessThan(400);
  const html = await (await c.get("/checkout?coupon=none")).text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  const placed = await c.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
  expect(placed.status).toBe(302);
  const paymentId = placed.headers.get("location")!.split("/").pop()!;
  return (await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId)).order_id;
}

describe("attribution on orders and the promote page", () => {
  it("records the referring point on a placed order only when the cookie names an active point", async () => {
    const referred = state.referred!;
    const orderId = await placeOrder(referred);
    expect((await one<{ referral_point_id: string | null }>("SELECT referral_point_id FROM orders WHERE id = ?", orderId)).referral_point_id).toBe(state.pointId);

    const plain = await newUser("13900000504");
    await plain.post("/pickup", { pickupPointId: SUNSHINE });
    const unattributed = await placeOrder(plain);
    expect((await one<{ referral_point_id: string | null }>("SELECT referral_point_id FROM orders WHERE id = ?", unattributed)).referral_point_id).toBeNull();
    // A cookie naming a point that is not active (or not a point) is not recorded.
    await worker.d1.prepare("UPDATE pickup_points SET status = 'suspended' WHERE id = ?").bind(LAKESIDE).run();
    plain.cookies.set("tg_ref", LAKESIDE);
    const forged = await placeOrder(plain);
    await worker.d1.prepare("UPDATE pickup_points SET status = 'active' WHERE id = ?").bind(LAKESIDE).run();
    expect((await one<{ referral_point_id: string | null }>("SELECT referral_point_id FROM orders WHERE id = ?", forged)).referral_point_id).toBeNull();
    // Paid, the referred order counts on the leader's page.
    await worker.d1.prepare("UPDATE orders SET status = 'paid' WHERE id = ?").bind(orderId).run();
  });

  it("shows the leader its own invite link, QR, share links and referral counts, and no other leader's", async () => {
    const c = state.applicant!;
    const page = await c.get(`/leader/promote?q=${encodeURIComponent("草莓")}&product=${STRAWBERRY}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`http://localhost/join/${state.code}`);
    expect(html).toContain(`http://localhost/r/${state.code}?to=/products/${STRAWBERRY}`);
    expect(html).toContain('<path stroke="#111827"'); // the server-rendered QR codes
    expect(html).toContain("丹东 99 红颜草莓");
    expect(html).toMatch(/data-testid="referrals-week" data-count="1"/);
    expect(html).toMatch(/data-testid="referrals-total" data-count="1"/);
    expect(html).toContain(`href="/leader/promote/poster?product=${STRAWBERRY}"`);

    const other = await (await as.leader1!.get(`/leader/promote?point=${state.pointId}`)).text();
    expect(other).toContain("SUNNY888");
    expect(other).not.toContain(state.code!);
    expect(other).toMatch(/data-testid="referrals-total" data-count="0"/);
    for (const who of ["shopper", "fruit"]) expect((await as[who]!.get("/leader/promote")).status, who).toBe(403);
    expect((await c.get("/leader/promote?product=not-a-product")).status).toBe(400);
  });
});

/** Reads the QR drawn by qrcode's SVG renderer (1-unit modules as horizontal strokes) and decodes it. */
function decodeQr(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path stroke="#111827" d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) return null;
  const scale = 8;
  const margin = 4;
  const width = (size + 2 * margin) * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    if (cmd === "M") [x, y] = [Number(a), Number(b)];
    else if (cmd === "m") [x, y] = [x + Number(a), y + Number(b)];
    else {
      const row = Math.floor(y);
      for (let cx = x; cx < x + Number(a); cx++) {
        for (let py = 0; py < scale; py++)
          for (let px = 0; px < scale; px++) {
            const i = (((row + margin) * scale + py) * width + (cx + margin) * scale + px) * 4;
            pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
          }
      }
      x += Number(a);
    }
  }
  return jsQR(pixels, width, width)?.data ?? null;
}

describe("posters", () => {
  it("draw a product poster with the price, the product image and a QR of the attributed share link", async () => {
    const c = state.applicant!;
    const res = await c.get(`/leader/promote/poster?product=${STRAWBERRY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="poster-${state.code}-${STRAWBERRY}.svg"`);
    const svg = await res.text();
    expect(svg).toContain("丹东 99 红颜草莓");
    expect(svg).toContain('<tspan font-size="40">¥</tspan><tspan font-size="76">39.90</tspan>');
    expect(svg).toContain("绿地小区便民驿站");
    expect(svg).toMatch(/href="data:image\/(svg\+xml|png|jpeg|webp);base64,[A-Za-z0-9+/=]{100,}"/);
    const qr = /<svg x="490" y="900" [^]*?<\/svg>/.exec(svg)?.[0] ?? "";
    expect(decodeQr(qr)).toBe(`http://localhost/r/${state.code}?to=/products/${STRAWBERRY}`);
  });

  it("draw the invite poster, and refuse products not on sale and other people", async () => {
    const c = state.applicant!;
    const res = await c.get("/leader/promote/poster");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="invite-${state.code}.svg"`);
    const svg = await res.text();
    expect(svg).toContain("在绿地小区便民驿站团购取货");
    expect(decodeQr(/<svg x="175" y="570" [^]*?<\/svg>/.exec(svg)?.[0] ?? "")).toBe(`http://localhost/join/${state.code}`);

    expect((await c.get("/leader/promote/poster?product=prd_nosuchproduct0000000")).status).toBe(404);
    expect((await c.get("/leader/promote/poster?product=../etc")).status).toBe(400);
    expect((await as.shopper!.get(`/leader/promote/poster?product=${STRAWBERRY}`)).status).toBe(403);
    const leader1 = await (await as.leader1!.get(`/leader/promote/poster?product=${STRAWBERRY}`)).text();
    expect(decodeQr(/<svg x="490" y="900" [^]*?<\/svg>/.exec(leader1)?.[0] ?? "")).toBe(`http://localhost/r/SUNNY888?to=/products/${STRAWBERRY}`);
  });
});
