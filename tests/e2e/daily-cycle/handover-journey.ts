/**
 * The leader's hand-over in the browser (issue #5), run by ./fulfilment.spec.ts: its orders must be
 * paid before that journey's cut-off (a cut-off runs once a day and locks every paid order), and
 * files of one project may run in parallel, so the two journeys share one file.
 *
 * A shopper orders four times for 幸福里社区团购点 (`placeHandoverOrders`, before the cut-off). After
 * the cut-off the merchant ships the point's batch and 陈团长 confirms its arrival; then on a
 * phone (`handoverJourney`): Today lists the customers; order A is handed over by typed code,
 * part first and then the rest; order B offline (queued, synced when the connection returns,
 * collected on the server); the hand-over page opens offline from a cold start with its list;
 * order D is confirmed offline while another phone hands it over, and the sync reports the conflict;
 * order C is scanned as a QR code through Chromium's fake camera (a Y4M video made from the
 * order's own QR), which on Linux exercises the jsQR fallback (no BarcodeDetector there).
 */
import { chromium, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import { writeFileSync } from "node:fs";
// @ts-expect-error -- qrcode's core has no type declarations (see app/lib/qr.server.ts)
import QRCodeCore from "qrcode/lib/core/qrcode.js";
import { ConsoleGuard, DEMO, formPoster, expect, expectNoSeriousA11yViolations, RESOURCE_STATUS, signInWithPhone } from "../fixtures";

export const HAPPY = { id: "pkp_demohappylane0000000", name: "幸福里社区团购点" };
const LEADER = { email: "leader3@demo.tuangou.test", name: "陈团长" };
const SHOPPER = { ...DEMO.shopper(9), name: "何师傅" };
const TOMATO = { sku: "sku_demotomato0000000001", title: "普罗旺斯西红柿" };
const GREENS = { sku: "sku_demogreens0000000001", title: "上海青 新鲜现摘" };
const EGGS = { sku: "sku_demoeggs000000000001", title: "农家散养土鸡蛋 30 枚" };

export interface HandoverOrder {
  url: string;
  code: string;
}
export interface HandoverOrders {
  a: HandoverOrder;
  b: HandoverOrder;
  c: HandoverOrder;
  d: HandoverOrder;
}

const MOBILE = { locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

/** The shopper's four orders for 幸福里, paid at the sandbox cashier; their pickup codes from the order page. */
export async function placeHandoverOrders(browser: Browser, guard: ConsoleGuard): Promise<HandoverOrders> {
  const context = await browser.newContext(MOBILE);
  guard.watch(context);
  const page = await context.newPage();
  await signInWithPhone(page, SHOPPER.phone);
  const origin = new URL(page.url()).origin;
  const post = formPoster(page.request, origin);
  await post("/pickup", { pickupPointId: HAPPY.id });
  const order = async (lines: Array<[string, number]>): Promise<HandoverOrder> => {
    for (const [sku, quantity] of lines) await post("/cart", { intent: "add", skuId: sku, quantity: String(quantity) });
    await page.goto("/checkout?coupon=none");
    await page.getByRole("button", { name: "提交订单并支付", exact: true }).click();
    await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
    await page.getByRole("button", { name: "确认支付", exact: true }).click();
    await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
    const code = /\d{8}/.exec((await page.getByRole("region", { name: "取货码" }).textContent()) ?? "")?.[0];
    expect(code, "the order page shows an 8-digit pickup code").toBeTruthy();
    return { url: page.url(), code: code! };
  };
  const a = await order([
    [TOMATO.sku, 2],
    [GREENS.sku, 1],
  ]);
  const b = await order([[EGGS.sku, 1]]);
  const c = await order([[GREENS.sku, 1]]);
  const d = await order([[TOMATO.sku, 1]]);
  await context.close();
  return { a, b, c, d };
}

async function signedInContext(browser: Browser, guard: ConsoleGuard, email: string, options: Parameters<Browser["newContext"]>[0] = MOBILE, baseURL?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options, ...(baseURL ? { baseURL } : {}) });
  guard.watch(context);
  const page = await context.newPage();
  await page.goto("/login");
  const signedIn = await page.request.post("/login", {
    form: { intent: "password", email, password: DEMO.admin.password },
    headers: { Origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  return { context, page };
}

/**
 * A Y4M video (the format Chromium's fake camera reads) of `text` as a QR code: a few grey-scale
 * I420 frames, the code drawn black on white in the middle of a grey scene.
 */
function qrVideo(text: string, frames = 6): Buffer {
  const qr = (QRCodeCore as { create(t: string, o: { errorCorrectionLevel: string }): { modules: { size: number; get(r: number, c: number): number | boolean } } }).create(text, {
    errorCorrectionLevel: "M",
  });
  const [W, H] = [640, 480];
  const size = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor((H * 0.8) / (size + 2 * quiet));
  const side = (size + 2 * quiet) * scale;
  const [x0, y0] = [Math.floor((W - side) / 2), Math.floor((H - side) / 2)];
  const luma = Buffer.alloc(W * H, 150);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const [r, c] = [Math.floor(y / scale) - quiet, Math.floor(x / scale) - quiet];
      const dark = r >= 0 && c >= 0 && r < size && c < size && Boolean(qr.modules.get(r, c));
      luma[(y0 + y) * W + x0 + x] = dark ? 16 : 235;
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from("FRAME\n"), luma, chroma);
  return Buffer.concat(parts);
}

/** Waits until the service worker controls the page (it registers after the first load). */
async function waitForServiceWorker(page: Page) {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then(() => Boolean(navigator.serviceWorker.controller))), { timeout: 15_000 }).toBe(true);
}

/** Types a code into the hand-over page's field and looks it up. */
async function typeCode(page: Page, code: string) {
  await page.getByRole("textbox", { name: "取货码" }).fill(code);
  await page.getByRole("button", { name: "查找", exact: true }).click();
}

export async function handoverJourney(browser: Browser, guard: ConsoleGuard, orders: HandoverOrders, testInfo: TestInfo, baseURL: string) {
  // The merchant ships 幸福里's batch; the leader confirms it arrived in full.
  const merchant = await signedInContext(browser, guard, "fruit@demo.tuangou.test", { locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  await merchant.page.goto("/merchant/fulfilment");
  await merchant.page.getByRole("button", { name: `将 ${HAPPY.name} 的批次标记为已发货` }).click();
  await expect(merchant.page.getByRole("status")).toContainText("已发货");
  await merchant.context.close();

  const { context, page } = await signedInContext(browser, guard, LEADER.email);
  await page.goto("/leader/arrivals");
  await page.getByRole("button", { name: "确认到货" }).first().click();
  await expect(page.getByRole("status")).toContainText("已确认到货");

  // The leader tells the customers their orders are ready (in-app + push), once.
  const notify = page.getByRole("region", { name: "通知顾客取货" });
  await notify.getByRole("button", { name: "通知顾客取货" }).click();
  await expect(notify.getByRole("status")).toHaveText(/^已通知 \d+ 位顾客来取货$/);
  await expect(notify.getByRole("button", { name: "通知顾客取货" })).toBeDisabled();

  // Today: the customer is waiting, with a tap-to-call number; the countdown shows.
  await page.goto("/leader");
  await expect(page.getByRole("heading", { level: 1, name: "今日" })).toBeVisible();
  await expect(page.getByRole("timer")).toHaveText(/^\d{2}:\d{2}:\d{2}$/);
  const waiting = page.getByRole("region", { name: /还没取货的顾客/ });
  await expect(waiting).toContainText(SHOPPER.name);
  await expect(waiting.getByRole("link", { name: new RegExp(`给 ${SHOPPER.name} 打电话`) }).first()).toHaveAttribute("href", `tel:${SHOPPER.phone}`);
  await expectNoSeriousA11yViolations(page);
  await waitForServiceWorker(page);

  // To the hand-over tab (a client-side navigation: the service worker keeps its data and page).
  await page.getByRole("navigation", { name: "团长导航" }).getByRole("link", { name: "核销" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "核销取货" })).toBeVisible();
  const list = page.getByRole("region", { name: /待取货/ });
  await expect(list).toContainText(SHOPPER.name);

  // A: typed code, part of the order first (1 of 2 tomatoes, no greens) …
  await typeCode(page, orders.a.code);
  const card = page.getByRole("region", { name: `${SHOPPER.name} 的订单` });
  await expect(card).toBeVisible();
  await expect(card.getByRole("spinbutton", { name: new RegExp(TOMATO.title) })).toHaveValue("2");
  await card.getByRole("button", { name: `${TOMATO.title} 少交 1 件` }).click();
  await card.getByRole("spinbutton", { name: new RegExp(GREENS.title) }).fill("0");
  await expectNoSeriousA11yViolations(page);
  await card.getByRole("button", { name: "确认交付 1 件" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已交付" })).toContainText(`已交付 ${SHOPPER.name} 1 件，还有 2 件未取。`);
  // … then the rest. From the code to "handed over" the page makes one request: the confirm.
  const requests: string[] = [];
  const record = (r: { method(): string; url(): string }) => {
    const url = new URL(r.url());
    if (url.origin === new URL(page.url()).origin && !url.pathname.startsWith("/build/")) requests.push(`${r.method()} ${url.pathname}`);
  };
  page.on("request", record);
  await typeCode(page, orders.a.code);
  await expect(card.getByRole("spinbutton", { name: new RegExp(TOMATO.title) })).toHaveValue("1");
  await card.getByRole("button", { name: "确认交付 2 件" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已核销" })).toContainText(`已核销：${SHOPPER.name} 的 2 件商品已全部交付。`);
  page.off("request", record);
  expect(requests).toEqual(["POST /api/v1/leader/pickups"]);
  // A second time: refused at once, from the local list.
  await typeCode(page, orders.a.code);
  await expect(page.getByRole("alert")).toContainText("这个订单已经取过货了");

  // B: offline. Confirmed on the phone, queued, shown in the banner; synced when back online.
  await context.setOffline(true);
  await typeCode(page, orders.b.code);
  await card.getByRole("button", { name: "确认交付 1 件" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已记在手机上" })).toBeVisible();
  const banner = page.getByTestId("offline-banner");
  await expect(banner).toContainText("离线中");
  await expect(banner).toContainText("1 笔核销待同步");
  await expectNoSeriousA11yViolations(page);
  // Offline, the same order cannot be handed over twice.
  await typeCode(page, orders.b.code);
  await expect(page.getByRole("alert")).toContainText("这个订单已经取过货了");
  // Back online: the queue syncs, and the list is fetched again (awaited before going offline again).
  const listRefreshed = page.waitForResponse((r) => r.url().endsWith("/api/v1/leader/pickups") && r.request().method() === "GET");
  await context.setOffline(false);
  await expect(banner).toBeHidden({ timeout: 15_000 });
  expect((await listRefreshed).ok()).toBe(true);
  const bOnServer = await page.request.get(`/api/v1/leader/pickups/${orders.b.code}`);
  expect(bOnServer.status()).toBe(200);
  expect((await bOnServer.json()).order).toMatchObject({ status: "picked_up", refusal: "already_collected" });
  const aOnServer = await page.request.get(`/api/v1/leader/pickups/${orders.a.code}`);
  expect((await aOnServer.json()).order.status).toBe("picked_up");

  // D: confirmed here offline while another phone (online) hands it over too. The sync finds it
  // collected (the server answers 409, which Chromium logs) and reports that; the leader dismisses it.
  guard.allow(RESOURCE_STATUS(409), "/api/v1/leader/pickups");
  await context.setOffline(true);
  await typeCode(page, orders.d.code);
  await card.getByRole("button", { name: "确认交付 1 件" }).click();
  await expect(banner).toContainText("1 笔核销待同步");
  const otherPhone = await page.request.post("/api/v1/leader/pickups", {
    data: { code: orders.d.code },
    headers: { Origin: new URL(page.url()).origin, "Idempotency-Key": `other-phone-${orders.d.code}` },
  });
  expect(otherPhone.status()).toBe(201);
  const listRefreshedAgain = page.waitForResponse((r) => r.url().endsWith("/api/v1/leader/pickups") && r.request().method() === "GET");
  await context.setOffline(false);
  const conflicts = page.getByRole("region", { name: "这些离线核销没有同步成功" });
  await expect(conflicts).toContainText(`${SHOPPER.name} · ${TOMATO.title} ×1`, { timeout: 15_000 });
  await expect(conflicts).toContainText("这个订单已经取过货了");
  await expect(banner).toBeHidden();
  await expectNoSeriousA11yViolations(page);
  await conflicts.getByRole("button", { name: `关闭 ${SHOPPER.name} 的提示` }).click();
  await expect(conflicts).toBeHidden();
  expect((await listRefreshedAgain).ok()).toBe(true);

  // A cold start without a connection: the hand-over page opens with its list (C still waiting),
  // and says it is offline because its first fetch of the list got no answer (Chromium 150 reports
  // navigator.onLine as true in a page the service worker served while the network is emulated off).
  guard.allow(/net::ERR_INTERNET_DISCONNECTED/, "/api/v1/leader/pickups");
  await context.setOffline(true);
  await page.goto("/leader/handover");
  await expect(page.getByRole("heading", { level: 1, name: "核销取货" })).toBeVisible();
  await expect(page.getByTestId("offline-banner")).toContainText("离线中");
  await expect(list).toContainText(SHOPPER.name);
  await expect(list.getByRole("listitem").filter({ hasText: SHOPPER.name })).toHaveCount(1);
  await context.setOffline(false);
  await context.close();

  // C: the customer's QR code through the camera (Chromium's fake camera playing the QR).
  const video = testInfo.outputPath("pickup-qr.y4m");
  writeFileSync(video, qrVideo(`TG-PICKUP:${orders.c.code}`));
  const camera = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  try {
    const phone = await signedInContext(camera, guard, LEADER.email, { ...MOBILE, permissions: ["camera"] }, baseURL);
    await phone.page.goto("/leader/handover");
    const scanned = phone.page.getByRole("region", { name: `${SHOPPER.name} 的订单` });
    await expect(scanned).toBeVisible({ timeout: 20_000 });
    await expect(scanned.getByRole("spinbutton", { name: new RegExp(GREENS.title) })).toHaveValue("1");
    await scanned.getByRole("button", { name: "确认交付 1 件" }).click();
    await expect(phone.page.getByRole("status").filter({ hasText: "已核销" })).toContainText(`已核销：${SHOPPER.name} 的 1 件商品已全部交付。`);
    const cOnServer = await phone.page.request.get(`/api/v1/leader/pickups/${orders.c.code}`);
    expect((await cOnServer.json()).order.status).toBe("picked_up");
    await phone.context.close();
  } finally {
    await camera.close();
  }
}
