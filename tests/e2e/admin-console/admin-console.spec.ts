/**
 * The admin console in the browser (issue #6, "done when"): an admin approves a merchant, a leader
 * and a product; changes the leader commission (an order placed afterwards carries the new rate,
 * the earlier ones keep theirs — read on the merchant's finance page); disables a user whose
 * session then fails; reads the analytics charts; and finds all of it in the audit log.
 *
 * It changes a platform setting for everyone, so it runs in its own project after every other
 * journey (playwright.config.ts).
 */
import type { Browser, Page } from "@playwright/test";
import { ConsoleGuard, DEMO, formPoster, expect, expectNoSeriousA11yViolations, signInQuickly, solidPng, test } from "../fixtures";

// People no other journey knows: they sign up through the real phone-code flow here.
const merchantApplicant = { phone: "13900000701", store: "巷口粮油铺", licence: "91310000MA1FL0701D" };
const leaderApplicant = { phone: "13900000702" };
const buyer = { phone: "13900000703", name: "用户0703" };
const point = { name: "梧桐苑驿站", area: "长宁区 · 梧桐苑", address: "上海市长宁区天山路 600 弄 3 号" };
const product = { title: "崇明金瓜 2 只装", titleEn: "Chongming golden melon, 2 pack" };
const SUNSHINE = "pkp_demosunshine00000000";
const STRAWBERRY_SKU = "sku_demostrawberry000001";
// The smallest valid PNG header: the server checks the bytes, not the name.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]);

const desk = { locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } } as const;
const phone = { locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

async function open(browser: Browser, guard: ConsoleGuard, options: typeof desk | typeof phone): Promise<Page> {
  const context = await browser.newContext(options);
  guard.watch(context);
  return context.newPage();
}

/** A desk browser signed in with a demo account's password. */
async function deskSignedIn(browser: Browser, guard: ConsoleGuard, email: string): Promise<Page> {
  const page = await open(browser, guard, desk);
  await page.goto("/login");
  const signedIn = await page.request.post("/login", {
    form: { intent: "password", email, password: DEMO.admin.password },
    headers: { Origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  return page;
}

/** "¥1,234.56" → 123456 fen. */
const fen = (text: string | null) => {
  const m = /(-?)¥([\d,]+)\.(\d{2})/.exec(text ?? "");
  expect(m, `money in "${text}"`).toBeTruthy();
  return (m![1] ? -1 : 1) * (Number(m![2]!.replace(/,/g, "")) * 100 + Number(m![3]));
};
/** Half-up basis points of an amount, as the money rules define it (ADR 005). */
const bpOf = (amount: number, bp: number) => Math.floor((amount * bp + 5000) / 10000);

test("admin console: approve a merchant, a leader and a product, change the commission, disable a user, read analytics, audit all of it", async ({
  browser,
  consoleGuard,
}) => {
  test.setTimeout(180_000);

  // --- Three applications arrive -------------------------------------------------------------
  const applicant = await open(browser, consoleGuard, phone);
  await signInQuickly(applicant, merchantApplicant.phone);
  await applicant.goto("/me/merchant-apply");
  await applicant.getByLabel("店铺名称").fill(merchantApplicant.store);
  await applicant.getByLabel("公司名称（与营业执照一致）").fill("上海巷口粮油商贸有限公司");
  await applicant.getByLabel("营业执照号").fill(merchantApplicant.licence);
  await applicant.getByLabel("营业执照照片").setInputFiles({ name: "licence.png", mimeType: "image/png", buffer: PNG });
  await applicant.getByLabel("联系人").fill("钱粮油");
  await applicant.getByLabel("联系电话").fill(merchantApplicant.phone);
  await applicant.getByRole("checkbox", { name: "生鲜果蔬" }).check();
  await applicant.getByRole("button", { name: "提交申请" }).click();
  await expect(applicant).toHaveURL("/me/merchant-apply?submitted=1");

  const neighbour = await open(browser, consoleGuard, phone);
  await signInQuickly(neighbour, leaderApplicant.phone);
  await neighbour.goto("/me/leader-apply");
  await neighbour.getByLabel("自提点名称").fill(point.name);
  await neighbour.getByLabel("小区 / 片区").fill(point.area);
  await neighbour.getByLabel("详细地址").fill(point.address);
  await neighbour.getByLabel("纬度").fill("31.2124");
  await neighbour.getByLabel("经度").fill("121.4126");
  await neighbour.getByLabel("联系电话").fill(leaderApplicant.phone);
  await neighbour.getByLabel("身份证或门店照片").setInputFiles({ name: "shop.png", mimeType: "image/png", buffer: PNG });
  await neighbour.getByRole("radio", { name: "可以免费送货上门" }).check();
  await neighbour.getByRole("button", { name: "提交申请" }).click();
  await expect(neighbour).toHaveURL("/me/leader-apply?submitted=1");

  const fruit = await deskSignedIn(browser, consoleGuard, "fruit@demo.tuangou.test");
  await fruit.goto("/merchant/products/new");
  await fruit.getByLabel("商品名称（中文）").fill(product.title);
  await fruit.getByLabel("商品名称（英文）").fill(product.titleEn);
  await fruit.getByLabel("类目").selectOption({ index: 1 });
  await fruit.getByLabel("单位").fill("份");
  await fruit.getByLabel("规格名称（中文）").fill("2 只");
  await fruit.getByLabel("规格名称（英文）").fill("2 melons");
  await fruit.getByLabel("价格（元）").fill("19.9");
  await fruit.getByLabel("库存").fill("40");
  await fruit.getByRole("button", { name: "保存草稿" }).click();
  await expect(fruit.getByRole("status")).toContainText("商品已创建");
  await fruit.getByLabel("选择图片").setInputFiles({ name: "melon.png", mimeType: "image/png", buffer: solidPng(400, 400, [234, 179, 8]) });
  await fruit.getByRole("button", { name: "上传图片" }).click();
  await expect(fruit.getByRole("status")).toHaveText("图片已上传。");
  await fruit.getByRole("button", { name: "提交审核" }).click();
  await expect(fruit.getByRole("status")).toContainText("已提交审核");

  // --- The admin works through the queues ----------------------------------------------------
  const admin = await deskSignedIn(browser, consoleGuard, DEMO.admin.email);
  await admin.goto("/admin");
  const nav = admin.getByRole("navigation", { name: "管理导航" });
  for (const queue of ["商家审核", "团长审核", "商品审核"]) {
    await expect(nav.getByRole("link", { name: new RegExp(`^${queue}`) }), queue).toContainText(/项待审核/);
  }
  await expectNoSeriousA11yViolations(admin);

  await nav.getByRole("link", { name: /^商家审核/ }).click();
  const merchantCard = admin.getByRole("listitem").filter({ has: admin.getByRole("heading", { name: merchantApplicant.store }) });
  await merchantCard.getByRole("button", { name: `通过 ${merchantApplicant.store} 的入驻申请` }).click();
  await expect(admin.getByRole("status")).toHaveText(`已通过 ${merchantApplicant.store} 的入驻申请，并已通知申请人。`);

  await nav.getByRole("link", { name: /^团长审核/ }).click();
  const leaderCard = admin.getByRole("listitem").filter({ has: admin.getByRole("heading", { name: point.name }) });
  await leaderCard.getByRole("button", { name: `通过“${point.name}”的申请` }).click();
  await expect(admin.getByRole("status")).toContainText(`已通过“${point.name}”，邀请码`);

  await nav.getByRole("link", { name: /^商品审核/ }).click();
  const productCard = admin.getByRole("article").filter({ hasText: product.title });
  await productCard.getByRole("button", { name: "通过并上架" }).click();
  await expect(admin.getByRole("status")).toHaveText("已通过，商品已上架。");

  // The applicants hear about it in their inboxes.
  await applicant.goto("/me/notifications");
  await expect(applicant.getByRole("main")).toContainText("商家入驻已通过");
  await fruit.goto("/me/notifications");
  await expect(fruit.getByRole("main")).toContainText("商品审核已通过");
  await neighbour.goto("/me/leader-apply");
  await expect(neighbour.getByTestId("leader-application-status")).toHaveText("已通过");

  // --- The leader commission goes from 10% to 12% --------------------------------------------
  await nav.getByRole("link", { name: "平台设置", exact: true }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "平台设置" })).toBeVisible();
  await expectNoSeriousA11yViolations(admin);
  const fees = admin.locator("form").filter({ has: admin.getByLabel("团长佣金（默认）") });
  await expect(fees.getByLabel("团长佣金（默认）")).toHaveValue("10");
  await fees.getByLabel("团长佣金（默认）").fill("12");
  await fees.getByLabel("修改原因（选填）").fill("年末团长激励");
  await fees.getByRole("button", { name: "保存本节" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "已保存" })).toContainText("修改了 1 项设置");
  await expect(fees.getByLabel("团长佣金（默认）")).toHaveValue("12");

  // A neighbour buys afterwards: their order carries 12%; every earlier order keeps 10%.
  const shopper = await open(browser, consoleGuard, phone);
  await signInQuickly(shopper, buyer.phone);
  const origin = new URL(shopper.url()).origin;
  const post = formPoster(shopper.request, origin);
  await post("/pickup", { pickupPointId: SUNSHINE });
  await post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "2" });
  await shopper.goto("/checkout?coupon=none");
  await shopper.getByRole("button", { name: "提交订单并支付", exact: true }).click();
  await expect(shopper).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await shopper.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(shopper).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
  const newOrderId = shopper.url().split("/").at(-1)!;

  await fruit.goto("/merchant/finance");
  const rows = fruit.locator("tbody tr[data-order]");
  await expect(rows.first()).toBeVisible();
  let earlier = 0;
  for (const row of await rows.all()) {
    const cells = row.locator("td");
    const sale = fen(await cells.nth(3).textContent());
    const refunded = fen(await cells.nth(4).textContent());
    const commission = fen(await cells.nth(6).textContent());
    const id = await row.getAttribute("data-order");
    const bp = id === newOrderId ? 1200 : 1000;
    expect(commission, `commission of ${id}`).toBe(bpOf(sale - refunded, bp));
    if (id !== newOrderId) earlier += 1;
  }
  expect(earlier, "orders placed before the change").toBeGreaterThan(0);
  await expect(fruit.locator(`tr[data-order="${newOrderId}"]`)).toHaveCount(1);

  // --- The buyer is disabled: their next page is the sign-in ---------------------------------
  await nav.getByRole("link", { name: "用户", exact: true }).click();
  await admin.getByRole("searchbox", { name: "搜索用户" }).fill(buyer.phone);
  await admin.getByRole("button", { name: "搜索", exact: true }).click();
  await admin.locator("tbody tr").first().getByRole("link", { name: buyer.name }).click();
  await expect(admin.getByRole("heading", { level: 1, name: buyer.name })).toBeVisible();
  await expect(admin.getByRole("main")).toContainText(newOrderId);
  await admin.getByLabel("原因（会记入操作日志）").fill("疑似盗用账号，冻结核查");
  await admin.getByRole("button", { name: "停用账号" }).click();
  await expect(admin.getByRole("status")).toHaveText("账号已停用，该用户已在所有设备上退出登录。");
  await shopper.goto("/orders");
  await expect(shopper).toHaveURL("/login?redirectTo=%2Forders");

  // --- Analytics over the seeded history -----------------------------------------------------
  await nav.getByRole("link", { name: "数据分析" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "数据分析" })).toBeVisible();
  // The seeded history (rolled up when the demo world was seeded): charts with their tables.
  await expect(admin.getByTestId("section-sales").getByRole("img", { name: /^成交额，.*合计 ¥/ })).toBeVisible();
  await expect(admin.getByTestId("section-funnel").getByRole("img", { name: /^转化漏斗：/ })).toBeVisible();
  await expect(admin.getByRole("region", { name: "商品排行明细（可滚动）" })).toContainText("丹东 99 红颜草莓");
  await expectNoSeriousA11yViolations(admin);

  // --- The audit log shows every step --------------------------------------------------------
  await nav.getByRole("link", { name: "操作日志" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "操作日志" })).toBeVisible();
  const log = admin.getByRole("table");
  for (const label of ["通过商家入驻", "通过团长申请", "通过商品审核", "修改平台设置", "停用账号"]) {
    await expect(log.getByText(label, { exact: true }).first(), label).toBeVisible();
  }
  await expectNoSeriousA11yViolations(admin);
  await admin.getByLabel("类别").selectOption({ label: "平台设置" });
  await admin.getByRole("button", { name: "搜索", exact: true }).click();
  await expect(admin).toHaveURL(/\/admin\/audit\?(.*&)?group=setting/);
  const settingRow = admin.locator("tbody tr").first();
  await expect(settingRow).toContainText("修改平台设置");
  await settingRow.getByRole("button", { name: "查看详情" }).or(settingRow.getByText("查看详情")).first().click();
  await expect(settingRow).toContainText("commission.leader_rate_bp");
  await expect(admin.locator("tbody tr")).not.toContainText(["停用账号"]);
});
