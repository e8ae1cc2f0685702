import { DEMO, expect, signInWithPassword, solidPng, test } from "./fixtures";

const TITLE = "有机小番茄";

test("merchant creates a product with an image and submits it; the admin approves; a shopper finds it", async ({ page, browser, consoleGuard }) => {
  // Merchant: a new product with two variants.
  // Passwords: the a11y and admin journeys sign in with these accounts' phones in the same run.
  await signInWithPassword(page, "baby@demo.tuangou.test", "/merchant/products");
  await expect(page.getByRole("heading", { level: 1, name: "商品管理" })).toBeVisible();
  await page.getByRole("link", { name: "新建商品" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "新建商品" })).toBeVisible();
  await page.getByLabel("商品名称（中文）").fill(TITLE);
  await page.getByLabel("商品名称（英文）").fill("Organic cherry tomatoes");
  await page.getByLabel("类目").selectOption({ index: 1 });
  await page.getByLabel("单位").fill("盒");
  await page.getByLabel("规格名称（中文）").fill("250g");
  await page.getByLabel("规格名称（英文）").fill("250 g");
  await page.getByLabel("价格（元）").fill("12.5");
  await page.getByLabel("库存").fill("30");
  await page.getByRole("button", { name: "添加规格" }).click();
  const second = page.getByRole("listitem").filter({ hasText: "规格 2" });
  await second.getByLabel("规格名称（中文）").fill("500g");
  await second.getByLabel("规格名称（英文）").fill("500 g");
  await second.getByLabel("价格（元）").fill("22");
  await second.getByLabel("库存").fill("10");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByRole("status")).toContainText("商品已创建");
  await expect(page.getByText("草稿", { exact: true }).first()).toBeVisible();
  const productUrl = new URL(page.url()).pathname;
  const productId = productUrl.split("/").at(-1)!;

  // An image: the browser makes the resized copies and uploads them beside the original.
  await page.getByLabel("选择图片").setInputFiles({ name: "tomatoes.png", mimeType: "image/png", buffer: solidPng(800, 800, [220, 38, 38]) });
  await page.getByRole("button", { name: "上传图片" }).click();
  await expect(page.getByRole("status")).toHaveText("图片已上传。");
  const thumb = page.getByRole("img", { name: "图片 1" });
  await expect(thumb).toHaveAttribute("srcset", /@160w 160w, .*@320w 320w, .*@640w 640w/);

  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByRole("status")).toContainText("已提交审核");
  await expect(page.getByText("审核中", { exact: true }).first()).toBeVisible();

  // Admin: the review queue shows it with its image; approve.
  const adminContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  consoleGuard.watch(adminContext);
  const adminPage = await adminContext.newPage();
  await signInWithPassword(adminPage, DEMO.admin.email, "/admin");
  await adminPage.getByRole("link", { name: "商品审核" }).click();
  await expect(adminPage.getByRole("heading", { level: 1, name: "商品审核" })).toBeVisible();
  const card = adminPage.getByRole("article").filter({ hasText: TITLE });
  await expect(card).toContainText("¥12.50");
  await expect(card.getByRole("img")).toHaveCount(1);
  await card.getByRole("button", { name: "通过并上架" }).click();
  await expect(adminPage.getByRole("status")).toHaveText("已通过，商品已上架。");
  await expect(adminPage.getByRole("article").filter({ hasText: TITLE })).toHaveCount(0);
  await adminContext.close();

  // The merchant sees the outcome.
  await page.reload();
  await expect(page.getByText("在售", { exact: true }).first()).toBeVisible();

  // A shopper (not signed in) finds it by search and opens it.
  const shopperContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  consoleGuard.watch(shopperContext);
  const shopper = await shopperContext.newPage();
  await shopper.goto("/");
  await shopper.getByRole("searchbox", { name: "搜索商品" }).fill("番茄");
  await shopper.getByRole("searchbox", { name: "搜索商品" }).press("Enter");
  await expect(shopper).toHaveURL(/\/search\?q=/);
  const link = shopper.locator(`a[href="/products/${productId}"]`);
  await expect(link).toContainText(TITLE);
  // The card's image is decorative (alt=""), with the resized copies in srcset.
  await expect(link.locator("img")).toHaveAttribute("srcset", /@160w 160w/);
  await link.click();
  await expect(shopper.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
  await expect(shopper.getByText("¥12.50").first()).toBeVisible();
  await shopperContext.close();
});
