import { DEMO, expect, expectNoSeriousA11yViolations, signInWithPassword, signInWithPhone, test } from "./fixtures";

// A person no other journey knows: they sign up in this test through the real phone-code flow.
const fresh = { phone: "13900000601", name: "用户0601" };

test("admin: finds a new user, disables them (their next page is the sign-in), then re-enables them", async ({ page, browser, consoleGuard }) => {
  // Two people, two browsers and two axe runs over large pages (the permission matrix): more than the default 45 s on a busy machine.
  test.setTimeout(90_000);
  // The new user signs in on their phone (first sign-in creates the account).
  await signInWithPhone(page, fresh.phone);
  await page.goto("/me");
  await expect(page).toHaveURL("/me");

  // The admin works at a desk, in another browser.
  const desk = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  consoleGuard.watch(desk);
  const admin = await desk.newPage();
  await signInWithPassword(admin, DEMO.admin.email, "/admin/users");
  await admin.getByRole("searchbox", { name: "搜索用户" }).fill(fresh.phone);
  await admin.getByRole("button", { name: "搜索", exact: true }).click();
  const rows = admin.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole("link", { name: fresh.name }).click();

  await expect(admin).toHaveURL(/\/admin\/users\/usr_[0-9a-z]{20}$/);
  await expect(admin.getByRole("heading", { level: 1, name: fresh.name })).toBeVisible();
  await expect(admin.getByTestId("user-status")).toHaveText("正常");
  await expect(admin.getByText("139****0601")).toBeVisible();
  await expect(admin.getByTestId("active-sessions")).toHaveText("1 个");
  await expect(admin.getByText("这位用户还没有下过单。")).toBeVisible();
  await expectNoSeriousA11yViolations(admin);

  // The reason is required: the browser stops an empty one, the server would too.
  const reason = admin.getByLabel("原因（会记入操作日志）");
  await expect(reason).toHaveAttribute("required", "");
  await reason.fill("多次恶意下单后取消");
  await admin.getByRole("button", { name: "停用账号" }).click();
  await expect(admin.getByRole("status")).toHaveText("账号已停用，该用户已在所有设备上退出登录。");
  await expect(admin.getByTestId("user-status")).toHaveText("已停用");
  await expect(admin.getByTestId("active-sessions")).toHaveText("0 个");

  // The user's very next navigation finds them signed out.
  await page.goto("/orders");
  await expect(page).toHaveURL("/login?redirectTo=%2Forders");
  await expect(page.getByRole("heading", { name: "登录邻里团" })).toBeVisible();

  // Re-enabled, with a reason too.
  await admin.getByLabel("原因（会记入操作日志）").fill("用户申诉，核实无误");
  await admin.getByRole("button", { name: "重新启用" }).click();
  await expect(admin.getByRole("status")).toHaveText("账号已重新启用。");
  await expect(admin.getByTestId("user-status")).toHaveText("正常");
  await expect(admin.getByRole("button", { name: "停用账号" })).toBeVisible();

  // The permission matrix is one click away for a super admin, and readable.
  await admin.getByRole("link", { name: "管理员权限" }).click();
  await expect(admin).toHaveURL("/admin/roles");
  await expect(admin.getByRole("heading", { level: 1, name: "管理员权限" })).toBeVisible();
  await expect(admin.getByTestId("holders-reviewer")).toContainText("审核专员");
  await expectNoSeriousA11yViolations(admin);
  await desk.close();
});
