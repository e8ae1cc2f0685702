import type { Locator, Page } from "@playwright/test";
import { DEMO, expect, expectNoSeriousA11yViolations, signInWithPhone, test } from "./fixtures";

/** 吴先生: a plain demo shopper with no pickup point chosen, holding one of each demo coupon. */
const shopper = DEMO.shopper(4);
const LAKESIDE = DEMO.leaderLakeside.point; // 翠湖小区驿站
const STRAWBERRIES = "丹东 99 红颜草莓";
const EGGS = "农家散养土鸡蛋 30 枚";

/** One line of a money breakdown ("商品金额 … ¥119.70"): the <p> row whose label starts with `label`. */
function moneyRow(region: Locator, label: string) {
  return region.locator("p").filter({ has: region.page().getByText(new RegExp(`^${label}`)) });
}

/** The shop shell: the header (pickup point, product search) and the bottom tab bar. */
function shell(page: Page) {
  const header = page.getByRole("banner");
  const tabs = page.getByRole("navigation", { name: "商城导航" });
  return {
    header,
    productSearch: header.getByRole("searchbox", { name: "搜索商品" }),
    tab: (name: string) => tabs.getByRole("link", { name: new RegExp(`^(\\d+\\s*)?${name}`) }),
  };
}

/** Opens the cart tab and goes on to checkout; returns the checkout's price breakdown. */
async function checkOutFromCart(page: Page, goods: string) {
  await shell(page).tab("购物车").click();
  await expect(page.getByRole("heading", { level: 1, name: "购物车" })).toBeVisible();
  await expect(page.getByRole("region", { name: "购物车合计" })).toContainText(goods);
  await page.getByRole("link", { name: "去结算", exact: true }).click();
  await expect(page).toHaveURL("/checkout");
  await expect(page.getByRole("heading", { level: 1, name: "确认订单" })).toBeVisible();
  return page.getByRole("region", { name: "价格明细" });
}

/** On the checkout page: picks a coupon (or "不使用优惠券"); with JavaScript the choice applies at once. */
async function applyCoupon(page: Page, name: RegExp | string) {
  await page.getByRole("radio", { name }).check();
  await expect(page).toHaveURL(/\/checkout\?coupon=/);
}

/** Taps the checkout's submit button (the fixed pay bar sits above the tab bar, never under it). */
async function placeOrder(page: Page) {
  const submit = page.getByRole("button", { name: "提交订单并支付", exact: true });
  await expect(submit).toBeEnabled();
  await submit.click();
}

/** Submits the checkout with the (pre-selected) sandbox provider and lands on the cashier. */
async function submitToSandboxCashier(page: Page, amount: string) {
  const sandbox = page.getByRole("radio", { name: "沙箱支付（本地测试）" });
  await expect(sandbox).toBeChecked();
  await placeOrder(page);
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await expect(page.getByRole("heading", { level: 1, name: "沙箱收银台" })).toBeVisible();
  await expect(page.getByText(amount, { exact: true })).toBeVisible();
}

test("shopper buys with a coupon and the sandbox cashier, then cancels a second order", async ({ page }) => {
  // A long journey (two orders, two axe runs) on a two-core machine next to wrangler dev.
  test.setTimeout(120_000);
  const { header, productSearch, tab } = shell(page);

  await signInWithPhone(page, shopper.phone);
  await expect(page).toHaveURL("/");

  // 1. Choose a pickup point from the header and come back to where we were.
  const choosePoint = header.getByRole("link", { name: "选择自提点", exact: true });
  await expect(choosePoint).toHaveText("选择自提点");
  await choosePoint.click();
  await expect(page).toHaveURL("/pickup?returnTo=%2F");
  await expect(page.getByRole("heading", { level: 1, name: "选择自提点" })).toBeVisible();
  await page.getByRole("searchbox", { name: "搜索自提点" }).fill("翠湖");
  await page.getByRole("main").getByRole("button", { name: "搜索", exact: true }).click();
  await expect(page).toHaveURL(/\/pickup\?returnTo=%2F&q=/);
  const points = page.getByRole("main").getByRole("listitem");
  await expect(points).toHaveCount(1);
  const lakeside = points.filter({ hasText: LAKESIDE });
  // The visible label is "选这里"; the accessible name says which point it chooses.
  const chooseLakeside = lakeside.getByRole("button", { name: new RegExp(`^选这里\\s*：${LAKESIDE}$`) });
  await expect(chooseLakeside).toContainText("选这里");
  await chooseLakeside.click();
  await expect(page).toHaveURL("/");
  await expect(header.getByRole("link", { name: `自提点：${LAKESIDE}，点击更换` })).toHaveText(LAKESIDE);

  // 2. Search, open the product, add the first option three times.
  await productSearch.fill("草莓");
  await productSearch.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.getByRole("heading", { level: 1, name: "“草莓”的搜索结果" })).toBeVisible();
  await page.getByRole("main").getByRole("link", { name: new RegExp(`^${STRAWBERRIES}`) }).click();
  await expect(page).toHaveURL(/\/products\/prd_[0-9a-z]{20}$/);
  const summary = page.getByRole("region", { name: STRAWBERRIES });
  await expect(summary.getByRole("heading", { level: 1, name: STRAWBERRIES })).toBeVisible();
  await expect(summary.getByText("¥39.90", { exact: true })).toBeVisible();
  const struck = summary.locator("s");
  await expect(struck).toHaveText("¥49.90");
  await expect(struck).toHaveAccessibleName("近 30 天价格 ¥49.90");

  const addStrawberries = page.getByRole("button", { name: new RegExp(`^把${STRAWBERRIES}`) }).first();
  await expect(addStrawberries).toHaveAccessibleName(`把${STRAWBERRIES} 约 500g加入购物车`);
  await expect(tab("购物车")).toHaveAccessibleName(/^购物车$/);
  for (const count of [1, 2, 3]) {
    // Like a person, wait for the badge to change before tapping again.
    await addStrawberries.click();
    await expect(tab("购物车")).toHaveAccessibleName(new RegExp(`购物车 \\(${count}\\)$`));
  }

  // 3. Cart → checkout: full reduction plus the best coupon, then switch to the ¥5 coupon.
  let breakdown = await checkOutFromCart(page, "¥119.70");
  await expect(page.getByRole("region", { name: "自提点", exact: true })).toContainText(LAKESIDE);
  await expect(moneyRow(breakdown, "商品金额")).toContainText("¥119.70");
  await expect(moneyRow(breakdown, "满减")).toContainText("−¥20.00");
  await expect(moneyRow(breakdown, "优惠券")).toContainText("鲜果坊满 80 减 15");
  await expect(moneyRow(breakdown, "优惠券")).toContainText("−¥15.00");
  await expect(moneyRow(breakdown, "实付")).toContainText("¥84.70");
  await expect(page.getByRole("radio", { name: /^鲜果坊满 80 减 15/ })).toBeChecked();

  await applyCoupon(page, /^无门槛 5 元券/);
  await expect(page.getByRole("radio", { name: /^无门槛 5 元券/ })).toBeChecked();
  await expect(moneyRow(breakdown, "满减")).toContainText("−¥20.00");
  await expect(moneyRow(breakdown, "优惠券")).toContainText("无门槛 5 元券");
  await expect(moneyRow(breakdown, "优惠券")).toContainText("−¥5.00");
  await expect(moneyRow(breakdown, "实付")).toContainText("¥94.70");
  await expectNoSeriousA11yViolations(page);

  // 4. Pay in the sandbox cashier.
  await submitToSandboxCashier(page, "¥94.70");
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
  const firstOrderUrl = page.url();
  await expect(page.getByRole("heading", { level: 1, name: "已付款，等待截单" })).toBeVisible();
  const qr = page.getByRole("img", { name: /^取货二维码/ });
  await expect(qr.locator("svg")).toBeVisible();
  const pickupCode = page.getByRole("region", { name: "取货码" }).getByText(/^\d{8}$/);
  await expect(pickupCode).toBeVisible();
  await expect(qr).toHaveAccessibleName(`取货二维码，取货码 ${await pickupCode.textContent()}`);
  const timeline = page.getByRole("region", { name: "订单进度" });
  await expect(timeline.getByText("提交订单", { exact: true })).toBeVisible();
  await expect(timeline.getByText("支付成功", { exact: true })).toBeVisible();
  await expect(moneyRow(page.getByRole("region", { name: "商品", exact: true }), "实付")).toContainText("¥94.70");
  await expectNoSeriousA11yViolations(page);
  // The cart was emptied by the order.
  await expect(tab("购物车")).toHaveAccessibleName(/^购物车$/);

  // 5. The orders tab lists it.
  await tab("订单").click();
  await expect(page.getByRole("heading", { level: 1, name: "我的订单" })).toBeVisible();
  const firstOrder = page.getByRole("main").getByRole("link").filter({ hasText: STRAWBERRIES });
  await expect(firstOrder).toHaveCount(1);
  await expect(firstOrder).toContainText("¥94.70");
  await expect(firstOrder).toContainText("已付款，等待截单");
  await expect(firstOrder).toHaveAttribute("href", new URL(firstOrderUrl).pathname);

  // 6. A second order: eggs from the categories tab, no coupon, payment fails, then cancel.
  await tab("分类").click();
  const fresh = page.getByRole("navigation", { name: "分类" }).getByRole("link", { name: "生鲜果蔬", exact: true });
  await fresh.click();
  // 生鲜果蔬 is also the default category: wait for its own page before tapping a product.
  await expect(page).toHaveURL("/categories?c=fresh");
  await expect(fresh).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { level: 1, name: "生鲜果蔬" })).toBeVisible();
  await page.getByRole("main").getByRole("link", { name: new RegExp(`^${EGGS}`) }).click();
  await expect(page.getByRole("heading", { level: 1, name: EGGS })).toBeVisible();
  await page.getByRole("button", { name: new RegExp(`^把${EGGS}`) }).first().click();
  await expect(tab("购物车")).toHaveAccessibleName(/购物车 \(1\)$/);

  breakdown = await checkOutFromCart(page, "¥29.80");
  // The ¥5 coupon went to the first order: it is not offered again.
  await expect(page.getByRole("radio", { name: /^鲜果坊满 80 减 15/ })).toBeVisible();
  await expect(page.getByRole("radio", { name: /^无门槛 5 元券/ })).toHaveCount(0);
  await applyCoupon(page, "不使用优惠券");
  await expect(page.getByRole("radio", { name: "不使用优惠券" })).toBeChecked();
  await expect(moneyRow(breakdown, "商品金额")).toContainText("¥29.80");
  await expect(moneyRow(breakdown, "优惠券")).toHaveCount(0);
  await expect(moneyRow(breakdown, "实付")).toContainText("¥29.80");

  await submitToSandboxCashier(page, "¥29.80");
  await page.getByRole("button", { name: "模拟支付失败", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}\?payment=failed$/);
  await expect(page.getByRole("alert").filter({ hasText: "支付没有完成，可以再试一次。" })).toBeVisible();
  expect(page.url()).not.toBe(firstOrderUrl);
  await expect(page.getByRole("heading", { level: 1, name: "待付款" })).toBeVisible();
  await expect(page.getByRole("button", { name: "立即支付 ¥29.80", exact: true })).toBeVisible();
  await expect(page.getByRole("img", { name: /^取货二维码/ })).toHaveCount(0);

  await page.getByRole("button", { name: "取消订单", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "已取消" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("订单已取消");
  await expect(page.getByRole("region", { name: "订单进度" }).getByText("订单已取消", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: /^立即支付/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "取消订单", exact: true })).toHaveCount(0);

  // Both orders are listed with their own status; the first one is untouched.
  await tab("订单").click();
  const orders = page.getByRole("main").getByRole("list").getByRole("link");
  await expect(orders).toHaveCount(2);
  await expect(orders.filter({ hasText: EGGS })).toContainText("已取消");
  await expect(orders.filter({ hasText: STRAWBERRIES })).toContainText("已付款，等待截单");
});
