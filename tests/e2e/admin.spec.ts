import { DEMO, expect, expectOk, signInWithPhone, test } from "./fixtures";

const admin = DEMO.admin;
const target = { ...DEMO.shopper(5), name: "郑妈妈" };

test("admin: lands on the dashboard, finds a shopper by phone, grants and removes the leader role", async ({ page }) => {
  await signInWithPhone(page, admin.phone);
  await expect(page).toHaveURL("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "平台概览" })).toBeVisible();

  await page.getByRole("link", { name: "用户" }).click();
  await expect(page).toHaveURL("/admin/users");
  await expect(page.getByRole("heading", { level: 1, name: "用户管理" })).toBeVisible();

  await page.getByRole("searchbox", { name: "搜索用户" }).fill(target.phone);
  await page.getByRole("button", { name: "搜索", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/users\\?q=${target.phone}`));
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText(target.name);
  // The phone is shown masked, never in full.
  await expect(row).not.toContainText(target.phone);
  const roles = row.locator("td").nth(2).getByRole("listitem");
  await expect(roles).toHaveText(["顾客"]);

  await row.getByLabel(`给${target.name}分配角色`).selectOption({ label: "团长" });
  await row.getByRole("button", { name: "授予", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("已授予「团长」角色。");
  await expect(roles).toHaveText(["顾客", "团长"].map((r) => new RegExp(`^${r}`)));

  await row.getByRole("button", { name: `移除${target.name}的团长角色` }).click();
  await expect(page.getByRole("status")).toHaveText("已移除「团长」角色。");
  await expect(roles).toHaveText(["顾客"]);

  // Nothing an admin needs is refused.
  for (const path of ["/admin", "/admin/users", "/me", "/"]) await expectOk(page, path);
});
