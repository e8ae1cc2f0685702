/**
 * The daily cycle in the browser (issue #4): a shopper pays; the admin runs the cut-off; the
 * merchant opens the picking sheet and ships the pickup point's batch; the leader confirms the
 * arrival one box short; the shopper gets that box refunded and the merchant sees the shortage.
 *
 * The cut-off locks every paid order of the day in the shared e2e world, so this file runs in the
 * "daily-cycle" project, after every other journey has finished (playwright.config.ts).
 */
import type { Browser, Page } from "@playwright/test";
import { ConsoleGuard, DEMO, formPoster, expect, expectNoSeriousA11yViolations, signInWithPhone, test } from "../fixtures";
import { handoverJourney, placeHandoverOrders, type HandoverOrders } from "./handover-journey";

// The hand-over journey (issue #5) needs orders the cut-off below locks: they are placed first,
// and it runs after this journey, in this file (files of one project may run in parallel).
test.describe.configure({ mode: "serial" });
let handoverOrders: HandoverOrders;
test.beforeAll(async ({ browser }) => {
  test.setTimeout(90_000);
  const guard = new ConsoleGuard();
  handoverOrders = await placeHandoverOrders(browser, guard);
  guard.assertClean();
});

const SUNSHINE = { id: "pkp_demosunshine00000000", name: DEMO.leaderSunshine.point };
const STRAWBERRY_SKU = "sku_demostrawberry000001";
/** A 1×1 PNG: the leader's "photo" of a shortage. */
const TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

/** A desk browser signed in with a demo account's password (no sign-in code needed). */
async function deskPage(browser: Browser, guard: ConsoleGuard, email: string): Promise<Page> {
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  guard.watch(context);
  const page = await context.newPage();
  await page.goto("/login");
  const signedIn = await page.request.post("/login", {
    form: { intent: "password", email, password: "demo-pass-2026" },
    headers: { Origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  return page;
}

/** The daily cut-off time, changed in the timing section of the platform settings. */
async function setCutoffTime(admin: Page, time: string) {
  await admin.goto("/admin/settings");
  const timing = admin.locator("form").filter({ has: admin.getByLabel("每日截单时间") });
  await timing.getByLabel("每日截单时间").fill(time);
  await timing.getByRole("button", { name: "保存本节" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "已保存" })).toContainText("修改了 1 项设置");
  await expect(timing.getByLabel("每日截单时间")).toHaveValue(time);
}

test("daily cycle: cut-off, picking sheet, shipping, arrival with a shortage refunded", async ({ browser, page, consoleGuard }) => {
  test.setTimeout(120_000);

  // The shopper buys 3 boxes of strawberries for 阳光花园 and pays at the sandbox cashier.
  await signInWithPhone(page, DEMO.shopper(12).phone);
  const origin = new URL(page.url()).origin;
  const post = formPoster(page.request, origin);
  await post("/pickup", { pickupPointId: SUNSHINE.id });
  await post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "3" });
  await page.goto("/checkout?coupon=none");
  await page.getByRole("button", { name: "提交订单并支付", exact: true }).click();
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
  const orderUrl = page.url();

  // The admin runs today's cut-off by hand. A run after the configured time (21:00) locks only
  // what was paid before it, and these orders were paid just now: so the admin first moves the
  // cut-off to 23:59 (the run then locks everything paid until now, whatever the hour the suite
  // runs at), and afterwards puts it back.
  const admin = await deskPage(browser, consoleGuard, DEMO.admin.email);
  await setCutoffTime(admin, "23:59");
  await admin.goto("/admin/fulfilment");
  await admin.getByRole("button", { name: "立即截单" }).click();
  await expect(admin.getByRole("status")).toContainText(/已截单|已经截过单/);
  await setCutoffTime(admin, "21:00");
  await admin.context().close();

  // The merchant sees the batch, opens the picking sheet for the point, and ships it.
  const merchant = await deskPage(browser, consoleGuard, "fruit@demo.tuangou.test");
  await merchant.goto("/merchant/fulfilment");
  await expect(merchant.getByRole("heading", { level: 1, name: "截单与配送" })).toBeVisible();
  await merchant.getByRole("link", { name: "拣货单" }).click();
  await expect(merchant.getByRole("heading", { name: new RegExp(SUNSHINE.name) }).first()).toBeVisible();
  await expect(merchant.getByRole("main")).toContainText("丹东 99 红颜草莓");
  await expectNoSeriousA11yViolations(merchant);
  await merchant.getByRole("link", { name: "返回截单与配送" }).click();
  await merchant.getByRole("button", { name: `将 ${SUNSHINE.name} 的批次标记为已发货` }).click();
  await expect(merchant.getByRole("status")).toContainText("已发货");

  // The leader counts one box fewer than expected and says why.
  const leader = await deskPage(browser, consoleGuard, "leader1@demo.tuangou.test");
  await leader.goto("/leader/arrivals");
  const item = leader.getByRole("group", { name: /丹东 99 红颜草莓/ });
  const received = item.getByLabel("实到数量");
  const expected = Number(await received.inputValue());
  expect(expected).toBeGreaterThanOrEqual(3);
  await received.fill(String(expected - 1));
  await item.getByLabel("缺货说明（缺货时必填）").fill("一盒压坏");
  // A photo of the damage goes with it (any small PNG).
  await item.getByLabel("缺货照片（选填）").setInputFiles({ name: "shortage.png", mimeType: "image/png", buffer: Buffer.from(TINY_PNG, "base64") });
  await expectNoSeriousA11yViolations(leader);
  await leader.getByRole("button", { name: "确认到货" }).first().click();
  await expect(leader.getByRole("status")).toContainText("缺货 1 件");
  await leader.context().close();

  // The merchant sees the shortage on the batch, with the leader's photo.
  await merchant.goto("/merchant/fulfilment");
  await expect(merchant.getByRole("main")).toContainText("缺货 1 件");
  await merchant.getByRole("link", { name: SUNSHINE.name, exact: true }).first().click();
  const photo = merchant.getByRole("link", { name: "查看缺货照片" });
  const photoResponse = await merchant.request.get((await photo.getAttribute("href"))!);
  expect(photoResponse.status()).toBe(200);
  expect(photoResponse.headers()["content-type"]).toBe("image/png");
  await merchant.context().close();

  // The shortage goes to the point's newest order with strawberries: this one (every other journey
  // finished before it). Its timeline shows the arrival, and one box's share is refunded.
  await page.goto(orderUrl);
  const main = page.getByRole("main");
  await expect(main).toContainText("已到达自提点");
  await expect(main).toContainText(/已退款 ¥\d+\.\d{2}/);
});

test("daily cycle: the leader hands orders over by typed code (part, then the rest), offline (synced later; a conflict reported) and by QR through the camera", async ({ browser, consoleGuard, baseURL }, testInfo) => {
  test.setTimeout(150_000);
  await handoverJourney(browser, consoleGuard, handoverOrders, testInfo, baseURL!);
});
