import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};
let ipCounter = 20;
const nextIp = () => `198.18.7.${ipCounter++}`;

beforeAll(async () => {
  worker = await startWorker();
  const accounts = {
    admin: "admin@demo.tuangou.test",
    fruit: "fruit@demo.tuangou.test",
    baby: "baby@demo.tuangou.test",
    shopper: "shopper1@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: nextIp() });
    expect(
      (
        await c.post("/login", {
          intent: "password",
          email,
          password: "demo-pass-2026",
        })
      ).status,
      who,
    ).toBe(302);
    as[who] = c;
  }
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const one = async <T>(sql: string, ...args: unknown[]) =>
  (await worker.d1
    .prepare(sql)
    .bind(...args)
    .first<T>())!;
/** The signed-in user's id, from the session row (its id is SHA-256 of the cookie's token). */
const userIdOf = async (c: Client) => {
  const html = await (await c.get("/me")).text();
  expect(html).toContain('href="/me/merchant-apply"');
  const hash = createHash("sha256").update(c.cookies.get("tg_session")!).digest("hex");
  return (await one<{ user_id: string }>("SELECT user_id FROM sessions WHERE id = ?", hash)).user_id;
};

async function newUser(phone: string): Promise<Client> {
  const c = worker.client({ ip: nextIp() });
  const res = await c.signInWithPhone(worker, phone);
  expect(res.status).toBe(302);
  return c;
}

// A PNG by its signature (the server sniffs the bytes, not the declared type).
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

const FORM = {
  storeName: "邻家菜园",
  companyName: "上海邻家菜园农业有限公司",
  licenceNo: "91310000MA1FL0301A",
  contactName: "陈菜园",
  contactPhone: "13800000301",
  categoryIds: "cat_demofresh00000000000",
};

/** A multipart form POST, as the browser sends the application with its photo. */
async function apply(
  c: Client,
  fields: Record<string, string | string[]>,
  image: { bytes: Uint8Array; name: string; type: string } | null = {
    bytes: PNG,
    name: "licence.png",
    type: "image/png",
  },
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) fd.append(k, x);
  if (image) fd.append("licenceImage", new File([new Uint8Array(image.bytes)], image.name, { type: image.type }));
  const encoded = new Response(fd); // serialises the multipart body and its boundary
  const body = await encoded.arrayBuffer();
  return c.request("/me/merchant-apply", {
    method: "POST",
    body,
    headers: {
      Origin: c.origin,
      "Content-Type": encoded.headers.get("Content-Type")!,
    },
  });
}

const state: { applicant?: Client; applicantId?: string; merchantId?: string } = {};

describe("merchant application", () => {
  it("validates field by field, refuses a licence already registered, and stores the application encrypted", async () => {
    const c = await newUser("13800000301");
    state.applicant = c;
    state.applicantId = await userIdOf(c);
    const page = await c.get("/me/merchant-apply");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("商家入驻申请");

    const bad = await apply(c, {
      storeName: "",
      companyName: "x",
      licenceNo: "abc",
      contactName: "陈",
      contactPhone: "123",
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("请填写店铺名称");
    expect(badHtml).toContain("营业执照号应为 18 位统一社会信用代码");
    expect(badHtml).toContain("请输入 11 位中国大陆手机号");
    const { categoryIds: _none, ...noCategories } = FORM;
    const uncategorised = await apply(c, noCategories);
    expect(uncategorised.status).toBe(400);
    expect(await uncategorised.text()).toContain("请至少选择一个经营类目");
    expect((await apply(c, { ...FORM, categoryIds: "cat_nosuchcategory000000" })).status).toBe(400);

    const taken = await apply(c, {
      ...FORM,
      licenceNo: "9131 0000 ma1fl0001x",
    }); // 鲜果坊's, typed loosely
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("这个营业执照号已经入驻或正在审核");

    const noImage = await apply(c, FORM, null);
    expect(noImage.status).toBe(400);
    expect(await noImage.text()).toContain("请上传营业执照照片");
    const notImage = await apply(c, FORM, {
      bytes: new TextEncoder().encode("<svg></svg>"),
      name: "x.png",
      type: "image/png",
    });
    expect(notImage.status).toBe(400);
    expect(await notImage.text()).toContain("只支持 JPG、PNG 或 WebP 图片");
    const tooBig = await apply(c, FORM, {
      bytes: new Uint8Array(5 * 1024 * 1024 + 1).fill(0x89, 0, 1),
      name: "big.png",
      type: "image/png",
    });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain("照片不能超过 5 MB");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM merchants WHERE created_by = ?", state.applicantId)).n).toBe(0);

    const ok = await apply(c, {
      ...FORM,
      categoryIds: ["cat_demofresh00000000000", "cat_demogrocery000000000"],
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/me/merchant-apply?submitted=1");
    const row = await one<{
      id: string;
      status: string;
      licence_no_enc: string;
      contact_phone_enc: string;
      licence_image_key: string;
    }>("SELECT id, status, licence_no_enc, contact_phone_enc, licence_image_key FROM merchants WHERE created_by = ?", state.applicantId);
    state.merchantId = row.id;
    expect(row.status).toBe("pending");
    expect(row.licence_no_enc).toMatch(/^v1\.k1\./);
    expect(row.licence_no_enc).not.toContain("MA1FL0301A");
    expect(row.contact_phone_enc).not.toContain("13800000301");
    expect(row.licence_image_key).toMatch(new RegExp(`^licences/${row.id}/[0-9a-z]+\\.png$`));
    expect(await worker.images.get(row.licence_image_key)).not.toBeNull();
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM merchant_categories WHERE merchant_id = ?", row.id)).n).toBe(2);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'merchant.apply' AND entity_id = ?", row.id)).n).toBe(1);
    // The licence photo is not public.
    expect((await as.shopper!.get(`/images/${row.licence_image_key}`)).status).toBe(404);

    const html = await (await c.get("/me/merchant-apply?submitted=1")).text();
    expect(html).toContain("申请已提交");
    expect(html).toContain("审核中");
    expect((await apply(c, FORM)).status).toBe(409); // one pending application at a time

    // Someone else with the same (pending) licence is refused too.
    const other = await newUser("13800000305");
    const dup = await apply(other, { ...FORM, contactPhone: "13800000305" });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain("这个营业执照号已经入驻或正在审核");
    // Not a merchant yet.
    expect((await c.get("/merchant")).status).toBe(403);
  });

  it("reviewers see the queue with the full licence number and photo; others get 403", async () => {
    const queue = await as.admin!.get("/admin/merchants");
    expect(queue.status).toBe(200);
    const html = await queue.text();
    expect(html).toContain("邻家菜园");
    expect(html).toContain("91310000MA1FL0301A");
    expect(html).toContain(`/admin/merchants/${state.merchantId}/licence`);
    const image = await as.admin!.get(`/admin/merchants/${state.merchantId}/licence`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("cache-control")).toBe("private, no-store");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    for (const who of ["shopper", "fruit"]) {
      expect((await as[who]!.get("/admin/merchants")).status, who).toBe(403);
      expect((await as[who]!.get(`/admin/merchants/${state.merchantId}/licence`)).status, who).toBe(403);
      expect(
        (
          await as[who]!.post("/admin/merchants", {
            intent: "approve",
            merchantId: state.merchantId!,
          })
        ).status,
        who,
      ).toBe(403);
    }
    expect((await as.admin!.get("/admin/merchants/mch_nosuchmerchant0000000/licence")).status).toBe(404);
  });

  it("approval needs no reason, rejection does; approval grants the merchant role and ownership and tells the applicant", async () => {
    const noReason = await as.admin!.post("/admin/merchants", {
      intent: "reject",
      merchantId: state.merchantId!,
      reason: " ",
    });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("请填写驳回原因");
    expect(
      (
        await as.admin!.post("/admin/merchants", {
          intent: "approve",
          merchantId: "mch_nosuchmerchant0000000",
        })
      ).status,
    ).toBe(404);

    const approved = await as.admin!.post("/admin/merchants", {
      intent: "approve",
      merchantId: state.merchantId!,
    });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain("已通过 邻家菜园 的入驻申请");
    expect((await one<{ status: string }>("SELECT status FROM merchants WHERE id = ?", state.merchantId)).status).toBe("approved");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM user_roles WHERE user_id = ? AND role = 'merchant'", state.applicantId)).n).toBe(1);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND kind = 'merchant.application_approved'", state.applicantId)).n).toBe(1);
    expect(
      (await one<{ staff_role: string }>("SELECT staff_role FROM merchant_staff WHERE merchant_id = ? AND user_id = ?", state.merchantId, state.applicantId))
        .staff_role,
    ).toBe("owner");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'merchant.approve' AND entity_id = ?", state.merchantId)).n).toBe(1);
    const sms = await one<{ body: string }>("SELECT body FROM outbox_messages WHERE recipient = '13800000301' ORDER BY created_at DESC, rowid DESC LIMIT 1");
    expect(sms.body).toContain("已通过入驻审核");

    expect(
      (
        await as.admin!.post("/admin/merchants", {
          intent: "approve",
          merchantId: state.merchantId!,
        })
      ).status,
    ).toBe(409);

    const c = state.applicant!;
    const console = await c.get("/merchant");
    expect(console.status).toBe(200);
    expect(await console.text()).toContain("邻家菜园");
    const status = await (await c.get("/me/merchant-apply")).text();
    expect(status).toContain("已通过");
    expect(status).toContain('href="/merchant"');
  });

  it("a rejected applicant sees the reason and applies again", async () => {
    const c = await newUser("13800000302");
    const form = {
      ...FORM,
      storeName: "好邻居杂货",
      licenceNo: "91310000MA1FL0302B",
      contactPhone: "13800000302",
      categoryIds: "cat_demogrocery000000000",
    };
    expect((await apply(c, form)).status).toBe(302);
    const id = (await one<{ id: string }>("SELECT id FROM merchants WHERE name = '好邻居杂货'")).id;
    const rejected = await as.admin!.post("/admin/merchants", {
      intent: "reject",
      merchantId: id,
      reason: "执照照片看不清，请重新拍摄",
    });
    expect(rejected.status).toBe(200);
    const sms = await one<{ body: string }>("SELECT body FROM outbox_messages WHERE recipient = '13800000302' ORDER BY created_at DESC, rowid DESC LIMIT 1");
    expect(sms.body).toContain("执照照片看不清");
    expect((await c.get("/merchant")).status).toBe(403);

    const page = await (await c.get("/me/merchant-apply")).text();
    expect(page).toContain("未通过");
    expect(page).toContain("执照照片看不清，请重新拍摄");
    expect(page).toContain("重新提交申请");
    expect(page).toContain("91310000MA1FL0302B"); // the form comes back filled in

    const again = await apply(c, {
      ...form,
      companyName: "上海好邻居杂货有限公司",
    });
    expect(again.status).toBe(302);
    const row = await one<{
      id: string;
      status: string;
      reject_reason: string | null;
      company_name: string;
    }>("SELECT id, status, reject_reason, company_name FROM merchants WHERE created_by = (SELECT created_by FROM merchants WHERE id = ?)", id);
    expect(row).toEqual({
      id,
      status: "pending",
      reject_reason: null,
      company_name: "上海好邻居杂货有限公司",
    });
    expect(await (await as.admin!.get("/admin/merchants")).text()).toContain("上海好邻居杂货有限公司");
  });
});

describe("staff invitations", () => {
  async function invite(owner: Client, note = "") {
    const res = await owner.post("/merchant/staff", { intent: "invite", note });
    expect(res.status).toBe(200);
    const token = /\/join\/merchant\/([A-Za-z0-9_-]{43})/.exec(await res.text())?.[1];
    expect(token).toBeTruthy();
    return token!;
  }

  it("an owner invites, a signed-in user accepts once and becomes staff; used, expired and revoked links are refused", async () => {
    const owner = state.applicant!;
    const token = await invite(owner, "仓库小王");
    const inv = await one<{
      id: string;
      token_hash: string;
      expires_at: number;
      created_at: number;
    }>("SELECT id, token_hash, expires_at, created_at FROM merchant_invitations WHERE merchant_id = ?", state.merchantId);
    expect(inv.token_hash).not.toBe(token);
    expect(inv.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(inv.expires_at - inv.created_at).toBe(7 * 24 * 60 * 60 * 1000);

    const anonymous = worker.client({ ip: nextIp() });
    const signIn = await anonymous.get(`/join/merchant/${token}`);
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/join/merchant/${token}`)}`);

    const joiner = await newUser("13800000303");
    const joinerId = await userIdOf(joiner);
    const page = await joiner.get(`/join/merchant/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("“邻家菜园”邀请你成为店铺员工");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM merchant_staff WHERE user_id = ?", joinerId)).n).toBe(0); // opening is not accepting
    const accepted = await joiner.post(`/join/merchant/${token}`, {});
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/merchant");
    expect((await one<{ staff_role: string }>("SELECT staff_role FROM merchant_staff WHERE user_id = ?", joinerId)).staff_role).toBe("staff");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM user_roles WHERE user_id = ? AND role = 'merchant'", joinerId)).n).toBe(1);
    expect((await joiner.get("/merchant")).status).toBe(200);

    // Used.
    const late = await newUser("13800000304");
    const used = await late.post(`/join/merchant/${token}`, {});
    expect(used.status).toBe(410);
    expect(await used.text()).toContain("这个邀请链接已经被使用过了");
    expect((await late.get(`/join/merchant/${token}`)).status).toBe(410);
    // Expired.
    const old = await invite(owner, "过期");
    await worker.d1
      .prepare("UPDATE merchant_invitations SET expires_at = ? WHERE note = '过期'")
      .bind(Date.now() - 1)
      .run();
    const expired = await late.post(`/join/merchant/${old}`, {});
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("这个邀请链接已过期");
    // Revoked.
    const withdrawn = await invite(owner, "撤销");
    const withdrawnId = (await one<{ id: string }>("SELECT id FROM merchant_invitations WHERE note = '撤销'")).id;
    // Another merchant can neither see nor revoke it.
    expect(await (await as.fruit!.get("/merchant/staff")).text()).not.toContain(withdrawnId);
    expect(
      (
        await as.fruit!.post("/merchant/staff", {
          intent: "revoke",
          invitationId: withdrawnId,
        })
      ).status,
    ).toBe(404);
    // Staff (not owners) cannot manage invitations.
    expect(
      (
        await joiner.post("/merchant/staff", {
          intent: "revoke",
          invitationId: withdrawnId,
        })
      ).status,
    ).toBe(403);
    expect((await joiner.post("/merchant/staff", { intent: "invite", note: "" })).status).toBe(403);
    const revoked = await owner.post("/merchant/staff", {
      intent: "revoke",
      invitationId: withdrawnId,
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toContain("已撤销");
    const refused = await late.post(`/join/merchant/${withdrawn}`, {});
    expect(refused.status).toBe(410);
    expect(await refused.text()).toContain("这个邀请链接已被店主撤销");
    expect(
      (
        await owner.post("/merchant/staff", {
          intent: "revoke",
          invitationId: withdrawnId,
        })
      ).status,
    ).toBe(409);
    // Unknown or malformed tokens.
    expect((await late.get(`/join/merchant/${"A".repeat(43)}`)).status).toBe(404);
    expect((await late.get("/join/merchant/short")).status).toBe(404);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM merchant_staff WHERE merchant_id = ?", state.merchantId)).n).toBe(2);

    // The staff list; removing a member takes their merchant role; the owner cannot remove themself.
    const list = await (await owner.get("/merchant/staff")).text();
    expect(list).toContain("仓库小王");
    expect(list).toContain("已接受");
    expect(list).toContain("已过期");
    expect(
      (
        await as.fruit!.post("/merchant/staff", {
          intent: "remove",
          userId: joinerId,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await owner.post("/merchant/staff", {
          intent: "remove",
          userId: state.applicantId!,
        })
      ).status,
    ).toBe(409);
    const removed = await owner.post("/merchant/staff", {
      intent: "remove",
      userId: joinerId,
    });
    expect(removed.status).toBe(200);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM user_roles WHERE user_id = ? AND role = 'merchant'", joinerId)).n).toBe(0);
    expect((await joiner.get("/merchant")).status).toBe(403);
  });

  it("an owner may remove a co-owner but never themself, so a store always keeps an owner", async () => {
    const owner = state.applicant!;
    const coOwner = await newUser("13800000306");
    const coOwnerId = await userIdOf(coOwner);
    await worker.d1.batch([
      worker.d1
        .prepare("INSERT INTO merchant_staff (merchant_id, user_id, staff_role, created_at) VALUES (?, ?, 'owner', ?)")
        .bind(state.merchantId, coOwnerId, Date.now()),
      worker.d1.prepare("INSERT INTO user_roles (user_id, role, created_at) VALUES (?, 'merchant', ?)").bind(coOwnerId, Date.now()),
    ]);
    expect(
      (
        await owner.post("/merchant/staff", {
          intent: "remove",
          userId: coOwnerId,
        })
      ).status,
    ).toBe(200);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM merchant_staff WHERE merchant_id = ? AND staff_role = 'owner'", state.merchantId)).n).toBe(1);
  });
});

describe("merchant marketing", () => {
  const TOMATO = "sku_demotomato0000000001"; // ¥15.90, 鲜果坊
  const local = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

  async function payable(c: Client) {
    const html = await (await c.get("/checkout?coupon=none")).text();
    return Number(/type="hidden" name="expectedPayableFen" value="(\d+)"/.exec(html)?.[1]);
  }

  it("a limited-time discount on the merchant's own SKU prices the cart; other merchants cannot see or end it", async () => {
    const buyer = await newUser("13800000307");
    await buyer.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
    await buyer.post("/cart", { intent: "add", skuId: TOMATO, quantity: "2" });
    expect(await payable(buyer)).toBe(3180);

    const now = Date.now();
    const base = {
      intent: "create-discount",
      name: "番茄尝鲜价",
      skuId: TOMATO,
      kind: "fixed_price",
      unitPrice: "9.9",
      startsAt: local(now),
      endsAt: local(now + 86_400_000),
    };
    const notLower = await as.fruit!.post("/merchant/marketing", {
      ...base,
      unitPrice: "15.90",
    });
    expect(notLower.status).toBe(400);
    expect(await notLower.text()).toContain("活动价必须低于商品原价");
    const past = await as.fruit!.post("/merchant/marketing", {
      ...base,
      startsAt: local(now - 86_400_000),
    });
    expect(past.status).toBe(400);
    expect(await past.text()).toContain("开始时间不能早于现在");
    const backwards = await as.fruit!.post("/merchant/marketing", {
      ...base,
      endsAt: local(now - 3600_000),
    });
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain("结束时间必须晚于开始时间");
    const junk = await as.fruit!.post("/merchant/marketing", {
      ...base,
      unitPrice: "9.999",
      startsAt: "tomorrow",
    });
    expect(junk.status).toBe(400);
    const junkHtml = await junk.text();
    expect(junkHtml).toContain("请填写有效金额");
    expect(junkHtml).toContain("请选择正确的日期和时间");
    // Another merchant's SKU is not yours to discount.
    expect((await as.baby!.post("/merchant/marketing", base)).status).toBe(404);

    const created = await as.fruit!.post("/merchant/marketing", base);
    expect(created.status).toBe(200);
    const row = await one<{
      id: string;
      merchant_id: string;
      kind: string;
      unit_price_fen: number;
      sku_ids: string;
      product_ids: string | null;
      status: string;
    }>("SELECT id, merchant_id, kind, unit_price_fen, sku_ids, product_ids, status FROM limited_time_discounts WHERE name = '番茄尝鲜价'");
    expect(row).toMatchObject({
      merchant_id: "mch_demofruit00000000000",
      kind: "fixed_price",
      unit_price_fen: 990,
      sku_ids: JSON.stringify([TOMATO]),
      product_ids: null,
      status: "active",
    });
    expect(await payable(buyer)).toBe(1980);
    expect((await as.fruit!.post("/merchant/marketing", base)).status).toBe(409); // overlaps the live one

    expect(await (await as.fruit!.get("/merchant/marketing")).text()).toContain(row.id);
    expect(await (await as.baby!.get("/merchant/marketing")).text()).not.toContain(row.id);
    expect(
      (
        await as.baby!.post("/merchant/marketing", {
          intent: "end-discount",
          id: row.id,
        })
      ).status,
    ).toBe(404);
    expect(await payable(buyer)).toBe(1980);

    const ended = await as.fruit!.post("/merchant/marketing", {
      intent: "end-discount",
      id: row.id,
    });
    expect(ended.status).toBe(200);
    expect(await payable(buyer)).toBe(3180);
    expect(
      (
        await as.fruit!.post("/merchant/marketing", {
          intent: "end-discount",
          id: row.id,
        })
      ).status,
    ).toBe(409);
  });

  it("creates merchant-funded coupon templates with checked terms", async () => {
    const now = Date.now();
    const base = {
      intent: "create-coupon",
      nameZh: "鲜果坊满 50 减 8",
      nameEn: "",
      kind: "threshold",
      amount: "8",
      threshold: "50",
      totalLimit: "200",
      perUserLimit: "1",
      validDays: "7",
      startsAt: local(now),
      endsAt: local(now + 7 * 86_400_000),
    };
    const low = await as.fruit!.post("/merchant/marketing", {
      ...base,
      threshold: "8",
    });
    expect(low.status).toBe(400);
    expect(await low.text()).toContain("使用门槛要高于优惠金额");
    const noLimit = await as.fruit!.post("/merchant/marketing", {
      ...base,
      totalLimit: "0",
      perUserLimit: "11",
    });
    expect(noLimit.status).toBe(400);
    expect(await noLimit.text()).toContain("发放总量请填写");

    expect((await as.fruit!.post("/merchant/marketing", base)).status).toBe(200);
    const row = await one<{
      id: string;
      funding: string;
      merchant_id: string;
      kind: string;
      amount_fen: number;
      threshold_fen: number;
      name_en: string;
      valid_days: number;
      total_limit: number;
    }>(
      "SELECT id, funding, merchant_id, kind, amount_fen, threshold_fen, name_en, valid_days, total_limit FROM coupon_templates WHERE name_zh = '鲜果坊满 50 减 8'",
    );
    expect(row).toMatchObject({
      funding: "merchant",
      merchant_id: "mch_demofruit00000000000",
      kind: "threshold",
      amount_fen: 800,
      threshold_fen: 5000,
      name_en: "鲜果坊满 50 减 8",
      valid_days: 7,
      total_limit: 200,
    });
    expect(await (await as.baby!.get("/merchant/marketing")).text()).not.toContain(row.id);
    expect(
      (
        await as.baby!.post("/merchant/marketing", {
          intent: "end-coupon",
          id: row.id,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await as.fruit!.post("/merchant/marketing", {
          intent: "end-coupon",
          id: row.id,
        })
      ).status,
    ).toBe(200);
    expect((await one<{ status: string }>("SELECT status FROM coupon_templates WHERE id = ?", row.id)).status).toBe("paused");
  });
});
