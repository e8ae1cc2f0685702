import { expect, expectNoSeriousA11yViolations, RESOURCE_STATUS, signInWithPassword, test } from "./fixtures";

/**
 * Issue 7, campaigns: a merchant creates a tiered group deal with JavaScript off (plain form
 * posts, field errors on the tier row), then a reviewer approves it and the merchant reads the
 * decision on the campaign list. Uses the pork SKU, which no other journey touches.
 */
test.describe("group-deal campaigns", () => {
  test("merchant creates one without JavaScript; the reviewer approves it", async ({ browser, consoleGuard }) => {
    test.setTimeout(90_000);
    const merchantContext = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
    consoleGuard.watch(merchantContext);
    consoleGuard.allow(RESOURCE_STATUS(400), "/merchant/group-deals");
    const merchant = await merchantContext.newPage();
    await signInWithPassword(merchant, "fruit@demo.tuangou.test", "/merchant/group-deals");
    await expect(merchant.getByRole("heading", { level: 1, name: "拼团活动" })).toBeVisible();

    await merchant.getByLabel("商品规格").selectOption({ label: "黑猪前腿肉 · 500g · ¥32.90" });
    await merchant.getByLabel("第 1 档成团人数").fill("2");
    await merchant.getByLabel("第 1 档每人单价（元）").fill("29.90");
    await merchant.getByLabel("第 2 档成团人数").fill("5");
    await merchant.getByLabel("第 2 档每人单价（元）").fill("30");
    await merchant.getByRole("button", { name: "提交审核" }).click();
    // Answered on the row to correct, everything typed kept.
    const price2 = merchant.getByLabel("第 2 档每人单价（元）");
    await expect(price2).toHaveAttribute("aria-invalid", "true");
    await expect(merchant.locator(`[id="${await price2.getAttribute("aria-describedby")}"]`)).toHaveText("人数更多的档位，单价要更低。");
    await expect(merchant.getByLabel("第 1 档每人单价（元）")).toHaveValue("29.90");

    await price2.fill("26.5");
    await merchant.getByLabel("仅限同一自提点的顾客参团").check();
    await merchant.getByRole("button", { name: "提交审核" }).click();
    await expect(merchant.getByRole("status")).toHaveText("拼团活动已提交，平台审核通过后生效。");
    const row = merchant.locator("tr", { hasText: "黑猪前腿肉 · 500g" });
    await expect(row).toContainText("2人 ¥29.90 → 5人 ¥26.50");
    await expect(row).toContainText("待审核");
    await expect(row).toContainText("仅限同一自提点");

    const adminContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
    consoleGuard.watch(adminContext);
    const admin = await adminContext.newPage();
    await signInWithPassword(admin, "reviewer@demo.tuangou.test", "/admin/group-deals");
    const nav = admin.getByRole("navigation", { name: "管理导航" });
    await expect(nav.getByRole("link", { name: /拼团审核/ })).toBeVisible();
    const card = admin.locator("article", { hasText: "黑猪前腿肉 · 500g" });
    await expect(card).toContainText("第一档比日常价低 ¥3.00");
    await expectNoSeriousA11yViolations(admin);
    await card.getByRole("button", { name: "通过“黑猪前腿肉 · 500g”的拼团活动" }).click();
    await expect(admin.getByRole("status")).toHaveText("已通过，商家已收到通知。");

    // (A reload would post the form again; the overlap guard would refuse it with a 409.)
    await merchant.goto("/merchant/group-deals");
    await expect(merchant.locator("tr", { hasText: "黑猪前腿肉 · 500g" })).toContainText(/未开始|进行中/);
    await merchantContext.close();

    // The merchant's page with JavaScript (axe runs in the page): no serious findings.
    const checkContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
    consoleGuard.watch(checkContext);
    const check = await checkContext.newPage();
    await signInWithPassword(check, "fruit@demo.tuangou.test", "/merchant/group-deals");
    await expectNoSeriousA11yViolations(check);
    await checkContext.close();
    await adminContext.close();
  });
});
