import type { Page } from "@playwright/test";
import { DEMO, expect, expectNoSeriousA11yViolations, signInWithPhone, test } from "./fixtures";

const SUNSHINE = DEMO.leaderSunshine.point; // 阳光花园便利店: delivers to the door
const EGGS = "农家散养土鸡蛋 30 枚";

/** Chooses 阳光花园 and puts one box of eggs in the cart (plain forms: works with or without JavaScript). */
async function pointAndCart(page: Page) {
  await page.goto("/pickup?returnTo=%2F");
  await page.getByRole("searchbox", { name: "搜索自提点" }).fill("阳光");
  await page.getByRole("main").getByRole("button", { name: "搜索", exact: true }).click();
  const point = page.getByRole("main").getByRole("listitem").filter({ hasText: SUNSHINE });
  await expect(point).toContainText("可送货上门");
  await point.getByRole("button", { name: new RegExp(`^选这里\\s*：${SUNSHINE}$`) }).click();
  await expect(page).toHaveURL("/");
  await page.goto(`/search?q=${encodeURIComponent("鸡蛋")}`);
  await page.getByRole("main").getByRole("link", { name: new RegExp(`^${EGGS}`) }).click();
  await page.getByRole("button", { name: new RegExp(`^把${EGGS}`) }).first().click();
  // The cart has the box before anything goes on to checkout (with JavaScript the add is a fetch).
  await expect(page.getByRole("navigation", { name: "商城导航" }).getByRole("link", { name: "购物车 (1)" })).toBeVisible();
}

/** From checkout with no saved address: adds one and comes back with door delivery to it selected. */
async function addAddressFromCheckout(page: Page, detail: string) {
  await page.goto("/checkout");
  const delivery = page.getByRole("group", { name: "收货方式" });
  await expect(delivery.getByRole("radio", { name: /^到自提点自取/ })).toBeChecked();
  await expect(delivery).toContainText("还没有收货地址");
  await delivery.getByRole("link", { name: "新增收货地址" }).click();
  await expect(page).toHaveURL(/\/me\/addresses\?returnTo=/);
  await page.getByLabel("收货人").fill("吴先生");
  await page.getByLabel("手机号").fill("13800000104");
  await page.getByLabel("省 / 市 / 区").fill("上海市 浦东新区");
  await page.getByLabel("详细地址").fill(detail);
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await expect(page).toHaveURL(/\/checkout\?fulfilment=door&addressId=adr_[0-9a-z]{20}$/);
  await expect(delivery.getByRole("radio", { name: /^团长送货上门/ })).toBeChecked();
  await expect(delivery.getByRole("radio", { name: new RegExp(detail) })).toBeChecked();
  return delivery;
}

async function payAndOpenOrder(page: Page) {
  const submit = page.getByRole("button", { name: "提交订单并支付", exact: true });
  await submit.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
}

test("door delivery with JavaScript: add an address from checkout, keep the choice across a coupon change, pay", async ({ page }) => {
  test.setTimeout(90_000);
  await signInWithPhone(page, DEMO.shopper(7).phone);
  await pointAndCart(page);
  const delivery = await addAddressFromCheckout(page, "锦绣路 1888 弄 7 号 702 室");
  await expectNoSeriousA11yViolations(page);
  // A coupon change re-renders the page (GET form); the delivery choice stays as it was.
  await page.getByRole("radio", { name: "不使用优惠券" }).check();
  await expect(page).toHaveURL(/coupon=none/);
  await expect(delivery.getByRole("radio", { name: /^团长送货上门/ })).toBeChecked();
  await payAndOpenOrder(page);
  const fulfilment = page.getByRole("region", { name: "收货方式" });
  await expect(fulfilment).toContainText("团长送货上门");
  await expect(fulfilment).toContainText("上海市 浦东新区 锦绣路 1888 弄 7 号 702 室");
  await expect(page.getByText("团长送货上门时，出示二维码或报取货码签收。")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.goto("/orders");
  await expect(page.getByRole("main").getByRole("link").filter({ hasText: EGGS })).toContainText("送货上门");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("door delivery by plain form posts: the delivery choice outside the pay form is submitted with it", async ({ page }) => {
    test.setTimeout(90_000);
    await signInWithPhone(page, DEMO.shopper(8).phone);
    await pointAndCart(page);
    await addAddressFromCheckout(page, "锦绣路 1888 弄 8 号 801 室");
    await payAndOpenOrder(page);
    await expect(page.getByRole("region", { name: "收货方式" })).toContainText("上海市 浦东新区 锦绣路 1888 弄 8 号 801 室");
  });
});
