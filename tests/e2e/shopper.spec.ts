import { DEMO, expect, expectForbidden, signInWithPhone, test } from "./fixtures";

const shopper = DEMO.shopper(1);

test("shopper: signs in with a phone code, sets language and large text, signs out; no admin or merchant area", async ({ page, consoleGuard }) => {
  await signInWithPhone(page, shopper.phone);
  // A shopper-only account without redirectTo lands on the storefront.
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { name: "今日推荐" })).toBeVisible();

  await expectForbidden(page, consoleGuard, "/admin");
  await expectForbidden(page, consoleGuard, "/merchant");

  await page.goto("/me");
  await expect(page.getByRole("heading", { level: 1, name: "小美" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "设置" })).toBeVisible();

  // Language: the button shows the target language's name.
  await page.locator("button", { hasText: /^English$/ }).click();
  await expect(page).toHaveURL("/me");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  expect((await page.context().cookies()).find((c) => c.name === "tg_lng")?.value).toBe("en");
  await page.goto("/login"); // signed in: /login sends us on to /me, still in English
  await expect(page).toHaveURL("/me");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();

  // Large text: a toggle button (aria-pressed) that sets html.text-large.
  const largeText = page.getByRole("button", { name: /Large text/ });
  await expect(largeText).toHaveAttribute("aria-pressed", "false");
  await expect(page.locator("html")).not.toHaveClass(/\btext-large\b/);
  await largeText.click();
  await expect(page.locator("html")).toHaveClass(/\btext-large\b/);
  await expect(page.getByRole("button", { name: /Large text/ })).toHaveAttribute("aria-pressed", "true");

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/me");
  await expect(page).toHaveURL("/login?redirectTo=%2Fme");
  await expect(page.getByRole("heading", { name: "Sign in to Neighbourly" })).toBeVisible();
});
