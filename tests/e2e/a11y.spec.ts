/**
 * axe-core on the main pages of every role (issue 11 item 6: zero serious violations): a guest,
 * a shopper with a paid order (cart, checkout, orders, the order with its pickup code, me), a
 * leader (today, handover, arrivals), a merchant (dashboard, products, orders, fulfilment) and the
 * admin (dashboard, settings, users, merchants, products). Each role has its own browser context;
 * signed-in roles use the password form or the quick phone sign-in (no per-phone code limits
 * shared with other journeys). Serious/critical findings fail with their selectors.
 */
import type { Browser, Page } from "@playwright/test";
import { DEMO, expect, expectNoSeriousA11yViolations, orderAndPay, signInQuickly, signInWithPassword, test, type ConsoleGuard } from "./fixtures";

/** A new shopper for this journey (range 13900001600–13900001619 belongs to the a11y/large-text specs). */
const SHOPPER_PHONE = "13900001600";
const SUNSHINE = "pkp_demosunshine00000000";
const EGGS = "sku_demoeggs000000000001";

/** Opens `path` (200), waits for its level-1 heading, then runs axe. */
async function audit(page: Page, path: string, heading?: RegExp | string) {
  const response = await page.goto(path);
  expect(response?.status(), `${path} status`).toBe(200);
  const h1 = page.getByRole("heading", { level: 1, ...(heading ? { name: heading } : {}) }).first();
  await expect(h1, `${path} has its heading`).toBeVisible();
  await expectNoSeriousA11yViolations(page);
}

async function newPage(browser: Browser, guard: ConsoleGuard) {
  // Playwright's browser fixture gives new contexts the project's options (mobile viewport, zh-CN, baseURL).
  const context = await browser.newContext();
  guard.watch(context);
  return context.newPage();
}

test("accessibility: a guest's and a shopper's main pages have no serious axe violations", async ({ page, browser, consoleGuard }) => {
  // axe on a dozen pages: about 45 s on two idle cores, beside two other journeys.
  test.setTimeout(120_000);
  // A guest: sign-in, storefront, a product.
  await audit(page, "/login", "登录邻里团");
  await audit(page, "/");
  await expect(page.getByRole("heading", { name: "今日推荐" })).toBeVisible();
  await audit(page, "/products/prd_demostrawberry000000", "丹东 99 红颜草莓");

  // A shopper with one paid order and one line in the cart.
  const shopper = await newPage(browser, consoleGuard);
  await signInQuickly(shopper, SHOPPER_PHONE);
  const origin = new URL(shopper.url()).origin;
  const orderPath = await orderAndPay(shopper.request, origin, { pickupPointId: SUNSHINE, skuId: EGGS, quantity: 1 });
  expect((await shopper.request.post("/cart", { form: { intent: "add", skuId: EGGS, quantity: "2" }, headers: { Origin: origin }, maxRedirects: 0 })).status()).toBeLessThan(400);
  await audit(shopper, "/cart");
  await audit(shopper, "/checkout");
  await audit(shopper, "/orders");
  await audit(shopper, orderPath);
  await expect(shopper.getByRole("region", { name: "取货码" })).toBeVisible();
  await audit(shopper, "/me");
  await audit(shopper, "/me/coupons");
  await shopper.context().close();
});

test("accessibility: the leader's, merchant's and admin's main pages have no serious axe violations", async ({ browser, consoleGuard }) => {
  test.setTimeout(120_000);
  // The leader of 阳光花园.
  const leader = await newPage(browser, consoleGuard);
  await signInWithPassword(leader, "leader1@demo.tuangou.test", "/leader");
  await audit(leader, "/leader");
  await audit(leader, "/leader/handover");
  await audit(leader, "/leader/arrivals");
  await leader.context().close();

  // A merchant.
  const merchant = await newPage(browser, consoleGuard);
  await signInWithPassword(merchant, "baby@demo.tuangou.test", "/merchant");
  await expect(merchant.getByRole("definition").filter({ hasText: new RegExp(`^${DEMO.merchantBaby.store}$`) })).toBeVisible();
  await expectNoSeriousA11yViolations(merchant);
  await audit(merchant, "/merchant/products");
  await audit(merchant, "/merchant/orders");
  await audit(merchant, "/merchant/fulfilment");
  await merchant.context().close();

  // The platform admin.
  const admin = await newPage(browser, consoleGuard);
  await signInWithPassword(admin, DEMO.admin.email, "/admin");
  await expectNoSeriousA11yViolations(admin);
  await audit(admin, "/admin/settings");
  await audit(admin, "/admin/users");
  await audit(admin, "/admin/merchants");
  await audit(admin, "/admin/products");
  await admin.context().close();
});
