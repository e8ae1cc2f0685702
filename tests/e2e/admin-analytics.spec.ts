import { readFile } from "node:fs/promises";
import { DEMO, expect, expectNoSeriousA11yViolations, signInWithPassword, test } from "./fixtures";

/** "2026-05-11" in Asia/Shanghai, `days` from today. */
const shanghaiDay = (days = 0) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

test("admin: reads the analytics of the seeded orders, switches range and granularity, downloads a CSV", async ({ page }) => {
  await signInWithPassword(page, "admin@demo.tuangou.test", "/admin/analytics");
  await expect(page.getByRole("heading", { level: 1, name: "数据分析" })).toBeVisible();
  await expect(page.getByRole("link", { name: "近 30 天" })).toHaveAttribute("aria-current", "page");

  // The seed's 12 collected orders of the last three weeks and the paid order of its open group
  // deal (a payment counts on its day; if the group fails, the refund shows in the refunds),
  // rolled up at the end of seeding.
  await expect(page.getByTestId("kpi-orders-value")).toHaveText("13");
  await expect(page.getByTestId("kpi-gmv-value")).toHaveText(/^¥\d+\.\d{2}$/);
  const sales = page.getByTestId("section-sales");
  await expect(sales.getByRole("img", { name: /^成交额，.*合计 ¥/ })).toBeVisible();
  await expect(sales.getByRole("img", { name: /^订单数，.*合计 13，/ })).toBeVisible();
  const salesTable = page.getByRole("region", { name: "成交明细（可滚动）" });
  await expect(salesTable.locator("tbody tr")).toHaveCount(30);
  await expect(page.getByTestId("section-funnel").getByRole("img", { name: /^转化漏斗：/ })).toBeVisible();
  await expect(page.getByTestId("section-customers").getByRole("img", { name: /^新老买家，/ })).toBeVisible();
  const products = page.getByTestId("section-products");
  await expect(products.getByRole("img", { name: /^商品排行：/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "商品排行明细（可滚动）" })).toContainText("丹东 99 红颜草莓");
  await expect(page.getByRole("region", { name: "自提点排行明细（可滚动）" })).toContainText(DEMO.leaderSunshine.point);
  await expect(page.getByRole("region", { name: "商家排行明细（可滚动）" })).toContainText(DEMO.merchantFruit.store);
  await expectNoSeriousA11yViolations(page);

  // Range and granularity live in the URL.
  await page.getByRole("link", { name: "近 7 天" }).click();
  await expect(page).toHaveURL("/admin/analytics?range=7&g=day");
  await expect(salesTable.locator("tbody tr")).toHaveCount(7);
  await page.getByRole("link", { name: "按周", exact: true }).click();
  await expect(page).toHaveURL("/admin/analytics?range=7&g=week");
  await expect(salesTable.locator("tbody tr").first()).toContainText(/^\d{4}-W\d{2}/);

  const from = shanghaiDay(-20);
  const to = shanghaiDay(-1);
  await page.getByLabel("开始日期").fill(from);
  await page.getByLabel("结束日期").fill(to);
  await page.getByLabel("统计粒度", { exact: true }).selectOption("day");
  await page.getByRole("button", { name: "查看", exact: true }).click();
  await expect(page).toHaveURL(`/admin/analytics?from=${from}&to=${to}&g=day`);
  await expect(page.getByText(`${from} 至 ${to}`, { exact: true })).toBeVisible();
  await expect(salesTable.locator("tbody tr")).toHaveCount(20);

  // Every table has its CSV: the products, whole, for this range.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "导出商品排行的 CSV" }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe(`analytics-products-${from}_${to}.csv`);
  const text = await readFile((await csv.path())!, "utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.slice(1).split("\r\n");
  expect(lines[0]).toBe("排名,编号,名称,成交额（元）,成交额占比（%）,订单数,件数,退款（元）");
  expect(lines[1]).toMatch(/^1,prd_[0-9a-z]{20},[^,]+,\d+\.\d{2},\d+\.\d,\d+,\d+,\d+\.\d{2}$/);
});

test("storefront page views reach the first-party beacon; Global Privacy Control turns it off", async ({ browser }) => {
  // Headless Chromium names itself "HeadlessChrome", which the server rightly takes for a bot.
  const userAgent = (await browser.newBrowserCDPSession().then(async (s) => (await s.send("Browser.getVersion")).userAgent)).replace("HeadlessChrome", "Chrome");
  const options = { locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 390, height: 844 }, userAgent } as const;
  const visitor = await browser.newContext(options);
  const page = await visitor.newPage();
  await page.goto("/");
  await expect.poll(async () => (await visitor.cookies()).find((c) => c.name === "tg_vid")?.httpOnly ?? false).toBe(true);
  await visitor.close();

  const private_ = await browser.newContext({ ...options, extraHTTPHeaders: { "Sec-GPC": "1" } });
  const other = await private_.newPage();
  const beacon = other.waitForRequest((r) => new URL(r.url()).pathname === "/beacon");
  await other.goto("/");
  await (await beacon).response();
  expect((await private_.cookies()).some((c) => c.name === "tg_vid")).toBe(false);
  await private_.close();
});
