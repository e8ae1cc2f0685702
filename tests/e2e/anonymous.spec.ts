import { DEMO, expect, test } from "./fixtures";

test("anonymous: a role area sends you to sign in and back again afterwards", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL("/login?redirectTo=%2Fadmin");
  await expect(page.getByRole("heading", { name: "登录邻里团" })).toBeVisible();

  // The password tab keeps redirectTo. (The admin's phone is used by the admin journey, and codes
  // are limited to one per phone per minute, so this journey signs in with the password.)
  await page.getByRole("link", { name: "密码登录" }).click();
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fadmin&method=password$/);
  await page.getByLabel("邮箱").fill(DEMO.admin.email);
  await page.getByLabel("密码", { exact: true }).fill(DEMO.admin.password);
  await page.getByRole("button", { name: "登录", exact: true }).click();

  await expect(page).toHaveURL("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "平台概览" })).toBeVisible();
});
