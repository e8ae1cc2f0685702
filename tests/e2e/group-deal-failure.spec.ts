import type { Page } from "@playwright/test";
import { DEMO, expect, signInQuickly, signInWithPassword, test } from "./fixtures";

/**
 * Issue 7, the other half of the done-when: a group that stays at one member fails at its deadline
 * and is refunded automatically. A merchant creates a campaign whose window ends in two minutes
 * (the group's deadline is the campaign's end), a reviewer approves it, a fresh shopper starts a
 * group alone and pays; at the deadline the group's room closes it as failed, refunds the shopper
 * in full through the sandbox, and the open group page shows it without a reload. Uses 宝宝优选's
 * laundry liquid (¥39.90), which no other journey touches.
 */
const PHONE = "13900000806";
const SUNSHINE = DEMO.leaderSunshine.point;
const DETERGENT = "prd_demodetergent0000000";

/** "YYYY-MM-DDTHH:MM" in Asia/Shanghai, for a datetime-local input. */
function shanghaiLocal(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 16);
}

async function choosePoint(page: Page) {
  await page.goto("/pickup?returnTo=%2F");
  await page.getByRole("searchbox", { name: "搜索自提点" }).fill("阳光");
  await page.getByRole("main").getByRole("button", { name: "搜索", exact: true }).click();
  const point = page.getByRole("main").getByRole("listitem").filter({ hasText: SUNSHINE });
  await point.getByRole("button", { name: new RegExp(`^选这里\\s*：${SUNSHINE}$`) }).click();
  await expect(page).toHaveURL("/");
}

test("a group that stays at one member fails at its deadline and is refunded in full, automatically", async ({ page, browser, consoleGuard }) => {
  test.setTimeout(300_000);
  const minute = 60_000;
  const now = Date.now();
  const endsAt = Math.floor(now / minute) * minute + 2 * minute;

  // The merchant's campaign: one tier, 3 people at ¥35.90, ending in about two minutes.
  const merchantContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  consoleGuard.watch(merchantContext);
  const merchant = await merchantContext.newPage();
  await signInWithPassword(merchant, "baby@demo.tuangou.test", "/merchant/group-deals");
  await merchant.getByLabel("商品规格").selectOption({ label: "洗衣液 薰衣草香 · 3kg · ¥39.90" });
  await merchant.getByLabel("第 1 档成团人数").fill("3");
  await merchant.getByLabel("第 1 档每人单价（元）").fill("35.90");
  await merchant.getByLabel("活动开始").fill(shanghaiLocal(now - minute));
  await merchant.getByLabel("活动结束").fill(shanghaiLocal(endsAt));
  await merchant.getByRole("button", { name: "提交审核" }).click();
  await expect(merchant.getByRole("status")).toHaveText("拼团活动已提交，平台审核通过后生效。");
  await merchantContext.close();

  const adminContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  consoleGuard.watch(adminContext);
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, "reviewer@demo.tuangou.test", "/admin/group-deals");
  await admin.locator("article", { hasText: "洗衣液 薰衣草香 · 3kg" }).getByRole("button", { name: "通过“洗衣液 薰衣草香 · 3kg”的拼团活动" }).click();
  await expect(admin.getByRole("status")).toHaveText("已通过，商家已收到通知。");
  await adminContext.close();

  // A shopper starts a group alone and pays the tier price.
  await signInQuickly(page, PHONE);
  await choosePoint(page);
  await page.goto(`/products/${DETERGENT}`);
  await expect(page.getByTestId("product-group-deal")).toContainText("3人团");
  await page.getByRole("button", { name: "发起拼团 ¥35.90", exact: true }).click();
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
  const orderPath = new URL(page.url()).pathname;
  await page.getByRole("link", { name: "查看拼团进度" }).click();
  await expect(page).toHaveURL(/\/groups\/grp_[0-9a-z]{20}$/);
  await expect(page.getByTestId("group-progress")).toHaveText("1/3 人");
  await expect(page.getByTestId("group-live")).toHaveAttribute("data-connected", "true");

  // The deadline passes: the room closes the group as failed and the refund goes through, live.
  await expect(page.getByTestId("group-status")).toHaveText("未成团", { timeout: Math.max(10_000, endsAt - Date.now() + 30_000) });
  await expect(page.getByTestId("group-mine")).toContainText("¥35.90", { timeout: 15_000 });
  await expect(page.getByTestId("group-mine")).toContainText(/已全额退款|退款/);

  // The order: refunded in full, with the group's failure on its timeline; the inbox says so too.
  await page.goto(orderPath);
  await expect(page.getByText("已退款").first()).toBeVisible();
  await expect(page.getByText("拼团未成，全额退款")).toBeVisible();
  await page.goto("/me/notifications");
  await expect(page.getByText("拼团未成功")).toBeVisible();
});
