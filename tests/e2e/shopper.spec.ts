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

  // An English reader of the storefront fetches the English core only, not the consoles' strings;
  // a page that needs them (the notifications) brings them on a client-side navigation.
  const consoleChunks: string[] = [];
  const documents: string[] = [];
  page.on("request", (r) => {
    if (/\/en\.(console|admin)-[A-Z0-9]+\.js$/.test(r.url())) consoleChunks.push(r.url());
    if (r.resourceType() === "document") documents.push(r.url());
  });
  await page.reload();
  await page.waitForFunction(() => "__remixRouter" in window);
  await page.waitForLoadState("networkidle");
  expect(consoleChunks).toEqual([]);
  documents.length = 0;
  await page.getByRole("link", { name: /^Notifications/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  expect(documents, "a client-side navigation").toEqual([]);
  expect(consoleChunks.map((u) => u.replace(/.*\/(en\.\w+)-.*/, "$1"))).toEqual(["en.console"]);
  await page.goBack();

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
