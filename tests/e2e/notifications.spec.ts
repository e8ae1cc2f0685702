import { chromium } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO, expect, expectNoSeriousA11yViolations, orderAndPay, signInWithPassword, signInWithPhone, test } from "./fixtures";

/** 何师傅 (no other journey uses this phone) buys at 幸福里社区团购点, whose leader is 陈团长 (leader3). */
const shopper = DEMO.shopper(6);
const HAPPY_LANE = "pkp_demohappylane0000000";
const STRAWBERRY = "sku_demostrawberry000001"; // ¥39.90

test("notifications: a leader reads a new-order notice and marks all read; the service worker shows pushes", async ({ browser, page, context, baseURL }) => {
  test.setTimeout(90_000);
  // The shopper, in a separate browser context.
  const shopperContext = await browser.newContext();
  const shopperPage = await shopperContext.newPage();
  await signInWithPhone(shopperPage, shopper.phone);
  await orderAndPay(shopperContext.request, baseURL!, { pickupPointId: HAPPY_LANE, skuId: STRAWBERRY, quantity: 1 });
  await shopperContext.close();

  // The leader of that pickup point opens the inbox.
  await signInWithPassword(page, "leader3@demo.tuangou.test", "/leader");
  await page.goto("/leader/notifications");
  await expect(page.getByRole("heading", { level: 1, name: "消息通知" })).toBeVisible();
  await expect(page.getByTestId("inbox-unread")).toHaveText("1 条未读");
  const item = page.getByTestId("inbox-item");
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute("data-read", "false");
  await expect(item).toContainText("新订单");
  await expect(item).toContainText("收到一笔新订单：1 件商品，实付 ¥39.90。");
  await expect(item.getByRole("link")).toHaveAttribute("href", "/leader");
  // Push is configured (.dev.vars) and this browser has the Push API: the toggle offers to turn it on.
  await expect(page.getByRole("region", { name: "推送通知" })).toHaveAttribute("data-push-state", "off", { timeout: 15_000 });
  await expectNoSeriousA11yViolations(page);
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/leader-inbox.png`, fullPage: true });

  await page.getByRole("button", { name: "全部标为已读", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "已将 1 条消息标为已读" })).toBeVisible();
  await expect(page.getByTestId("inbox-unread")).toHaveText("0 条未读");
  await expect(item).toHaveAttribute("data-read", "true");
  await expect(page.getByRole("button", { name: "全部标为已读" })).toHaveCount(0);

  // The service worker shows a pushed message (public/sw-push.js): delivered here through the
  // DevTools protocol, as the browser does once it has decrypted a push.
  await context.grantPermissions(["notifications"], { origin: baseURL! });
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) =>
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${baseURL}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    }),
  );
  await cdp.send("ServiceWorker.enable");
  // A push delivered while the worker is still installing is dropped (seen under load in CI): wait
  // for the active worker, and deliver again if nothing shows (the tag makes a repeat replace, not add).
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  const message = { title: "商品已到自提点", body: "你的订单已到 幸福里社区团购点。", url: "/orders/ord_0000000000000000000x", tag: "ready-ord_x" };
  await expect(async () => {
    await cdp.send("ServiceWorker.deliverPushMessage", { origin: baseURL!, registrationId: await registrationId, data: JSON.stringify(message) });
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const registration = await navigator.serviceWorker.ready;
            return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data as unknown }));
          }),
        { timeout: 5_000 },
      )
      .toEqual([{ title: message.title, body: message.body, tag: message.tag, icon: `${baseURL}/icons/icon-192.png`, data: { url: message.url } }]);
  }).toPass({ timeout: 30_000 });
  // A message that is not ours still shows something (a push that shows nothing is penalised), and never links off-site.
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: baseURL!, registrationId: await registrationId, data: JSON.stringify({ title: "x", url: "https://evil.example/" }) });
  await expect
    .poll(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => (n.data as { url: string }).url)))
    .toEqual(expect.arrayContaining(["/"]));
});

/**
 * Turning push on in a real (non-incognito) Chromium profile: Playwright's default contexts are
 * incognito, where Chromium refuses the Push API outright. Subscribing needs Chromium's push
 * service (Firebase Cloud Messaging), which this offline machine cannot reach, and Chromium then
 * never settles `pushManager.subscribe()`: the toggle gives up after its timeout, says so, and
 * offers a retry (the inbox works regardless).
 */
test("notifications: turning push on where the browser's push service is unreachable fails gracefully", async ({ baseURL, consoleGuard }) => {
  test.setTimeout(90_000);
  const profile = mkdtempSync(path.join(tmpdir(), "push-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-component-update", "--disable-sync"],
    baseURL,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  try {
    consoleGuard.watch(context);
    await context.grantPermissions(["notifications"], { origin: baseURL! });
    const page = await context.newPage();
    await signInWithPassword(page, "leader3@demo.tuangou.test", "/leader");
    await page.goto("/leader/notifications");
    const toggle = page.getByRole("region", { name: "推送通知" });
    await expect(toggle).toHaveAttribute("data-push-state", "off", { timeout: 15_000 });
    await expect(toggle.getByRole("status")).toHaveText("开启后，新订单、到货等消息会推送到这台设备，不打开网页也能收到。");
    await toggle.getByRole("button", { name: "开启推送", exact: true }).click();
    await expect(toggle.getByRole("button", { name: "请稍候……" })).toBeDisabled();
    await expect(toggle).toHaveAttribute("data-push-state", "failed", { timeout: 30_000 });
    await expect(toggle.getByRole("status")).toHaveText("未能开启推送（连不上推送服务）。站内消息不受影响，可稍后重试。");
    await expect(toggle.getByRole("button", { name: "重试", exact: true })).toBeEnabled();
    await expect(page.getByRole("heading", { level: 1, name: "消息通知" })).toBeVisible();
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
