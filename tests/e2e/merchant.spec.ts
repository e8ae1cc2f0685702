import { DEMO, expect, expectForbidden, signInWithPhone, test } from "./fixtures";

const owner = DEMO.merchantFruit;

test("merchant: lands on the store profile; no leader or admin area", async ({ page, consoleGuard }) => {
  await signInWithPhone(page, owner.phone);
  await expect(page).toHaveURL("/merchant");
  await expect(page.getByRole("heading", { level: 1, name: "店铺资料" })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: new RegExp(`^${owner.store}$`) })).toBeVisible();
  await expect(page.getByRole("table")).toContainText(owner.name);
  await expect(page.getByLabel("联系人")).toHaveValue(owner.name);

  await expectForbidden(page, consoleGuard, "/leader");
  await expectForbidden(page, consoleGuard, "/admin");
});
