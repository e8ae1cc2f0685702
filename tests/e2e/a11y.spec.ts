import { DEMO, expect, expectNoSeriousA11yViolations, signInWithPhone, test } from "./fixtures";

test("accessibility: sign-in page, storefront and the merchant area have no serious axe violations", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "登录邻里团" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "今日推荐" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const owner = DEMO.merchantBaby;
  await signInWithPhone(page, owner.phone);
  await expect(page).toHaveURL("/merchant");
  await expect(page.getByRole("definition").filter({ hasText: new RegExp(`^${owner.store}$`) })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
