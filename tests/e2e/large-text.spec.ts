/**
 * Large-text mode (the tg_text cookie the server renders with: html.text-large, root font-size
 * 125%) on the key screens: home, a product, the checkout, the order with its pickup code and the
 * leader's today page. Each screen is checked twice:
 * - layout assertions that cannot flake: the root font is bigger than in normal mode, nothing
 *   overflows sideways (scrollWidth ≤ innerWidth), and every visible button is at least 44 px tall;
 * - a screenshot of the first screen against the committed one (large-text.spec.ts-snapshots/),
 *   with numbers, times, the QR code and the lists other journeys change masked.
 *
 * The world is shared with the other journeys, so counts, stock and group progress move while this
 * runs (and the cut-off wording follows the clock): everything set in `.tabular` (all numbers),
 * <time>, sold counts, "…截单/…到货" lines, the home page's flash-sale and group
 * strips, the QR code and pickup code, and the leader's order lists and clock-relative cycle line
 * are masked, and the comparison allows a small share of differing pixels (2 %).
 */
import type { Locator, Page } from "@playwright/test";
import { expect, formPoster, orderAndPay, signInQuickly, signInWithPassword, test } from "./fixtures";

/** Phones 13900001600–13900001619 belong to the a11y and large-text specs. */
const SHOPPER_PHONE = "13900001601";
const SUNSHINE = "pkp_demosunshine00000000";
const APPLES = "sku_demoapple00000000001";
const MIN_TARGET_PX = 44;

/** Turns large text on the way a person does: the preference form (sets the tg_text cookie). */
async function turnOnLargeText(page: Page) {
  const post = formPoster(page.request, new URL(page.url()).origin);
  expect((await post("/preferences", { textSize: "large", returnTo: "/" })).status()).toBe(302);
}

async function rootFontPx(page: Page) {
  return page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
}

/** The layout checks, then the screenshot of the first screen. */
async function expectLargeTextScreen(page: Page, name: string, extraMasks: Locator[] = []) {
  await expect(page.locator("html")).toHaveClass(/\btext-large\b/);
  expect(await rootFontPx(page), "root font-size in large-text mode").toBe(20);
  const overflow = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
  expect(overflow.scroll, `${name}: no horizontal overflow`).toBeLessThanOrEqual(overflow.inner);
  const small = await page.evaluate((min) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("button, [role=button], input[type=submit]")) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === "hidden" || el.closest("[hidden], .sr-only")) continue;
      if (r.height < min) out.push(`${el.outerHTML.slice(0, 120)} is ${r.height.toFixed(1)} px tall`);
    }
    return out;
  }, MIN_TARGET_PX);
  expect(small, `${name}: buttons at least ${MIN_TARGET_PX} px tall`).toEqual([]);
  await page.evaluate(() => document.fonts.ready);
  await expect(page).toHaveScreenshot(`${name}.png`, {
    mask: [page.locator(".tabular, time, [data-testid=home-flash], [data-testid=home-groups]"), page.getByText(/已团|截单|到货/), ...extraMasks],
    maxDiffPixelRatio: 0.02,
  });
}

test("large-text mode: key screens are bigger, fit the screen and look as committed", async ({ page, browser, consoleGuard }) => {
  // Normal mode first, for the comparison.
  await page.goto("/");
  const normalRoot = await rootFontPx(page);
  expect(normalRoot).toBe(16);

  // A shopper with a pickup point, a paid order and apples in the cart.
  await signInQuickly(page, SHOPPER_PHONE);
  const origin = new URL(page.url()).origin;
  const orderPath = await orderAndPay(page.request, origin, { pickupPointId: SUNSHINE, skuId: APPLES, quantity: 1 });
  expect((await formPoster(page.request, origin)("/cart", { intent: "add", skuId: APPLES, quantity: "1" })).status()).toBeLessThan(400);
  await turnOnLargeText(page);

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "今日推荐" })).toBeVisible();
  expect(await rootFontPx(page)).toBeGreaterThan(normalRoot);
  await expectLargeTextScreen(page, "home");

  await page.goto("/products/prd_demoapple00000000000");
  await expect(page.getByRole("heading", { level: 1, name: "烟台红富士苹果" })).toBeVisible();
  await expectLargeTextScreen(page, "product");

  await page.goto("/checkout?coupon=none");
  await expect(page.getByRole("button", { name: "提交订单并支付", exact: true })).toBeVisible();
  await expectLargeTextScreen(page, "checkout");

  await page.goto(orderPath);
  const code = page.getByRole("region", { name: "取货码" });
  await expect(code).toBeVisible();
  await code.scrollIntoViewIfNeeded();
  await expectLargeTextScreen(page, "order-pickup-code", [page.getByRole("img", { name: /^取货二维码/ }), code.getByText(/^\d{8}$/)]);

  // The leader of 阳光花园 (another context: the preference is per browser).
  const context = await browser.newContext();
  consoleGuard.watch(context);
  const leader = await context.newPage();
  await signInWithPassword(leader, "leader1@demo.tuangou.test", "/leader");
  await turnOnLargeText(leader);
  await leader.goto("/leader");
  await expect(leader.getByRole("heading", { level: 1 }).first()).toBeVisible();
  // The cycle's heading and "明天 21:00 截单 · …到货" line depend on the hour of the run.
  await expectLargeTextScreen(leader, "leader-today", [leader.locator("main ul, main ol, main table, #cycle-title, #cycle-title ~ p")]);
  await context.close();
});
