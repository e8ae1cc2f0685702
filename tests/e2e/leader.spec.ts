import { DEMO, expect, expectForbidden, signInWithPhone, test } from "./fixtures";

const leader = DEMO.leaderSunshine;

test("leader: lands on the pickup point, an invalid closing time is refused, a valid one is saved; no admin area", async ({ page, consoleGuard }) => {
  await signInWithPhone(page, leader.phone);
  await expect(page).toHaveURL("/leader");
  await page.goto("/leader/point");
  await expect(page.getByRole("heading", { level: 1, name: "我的自提点" })).toBeVisible();

  const summary = page.getByRole("region", { name: "自提点概况" });
  await expect(summary).toContainText(leader.point);
  await expect(summary).toContainText(`${leader.open}–${leader.close}`);

  const close = page.getByLabel("关门时间");
  await expect(close).toHaveValue(leader.close);

  // An impossible time: the error is shown under the field and tied to it; nothing is saved.
  await close.fill("25:00");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  const closeError = page.locator(`#${await close.getAttribute("aria-describedby")}`);
  await expect(closeError).toHaveText("时间格式为 HH:MM，例如 08:00。");
  await expect(close).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("status").filter({ hasText: "已保存" })).toHaveCount(0);
  await page.reload();
  await expect(summary).toContainText(`${leader.open}–${leader.close}`);
  await expect(page.getByLabel("关门时间")).toHaveValue(leader.close);

  // A valid change is saved and shown in the summary.
  await page.getByLabel("关门时间").fill("20:30");
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "已保存。" })).toBeVisible();
  await expect(summary).toContainText(`${leader.open}–20:30`);
  await page.reload();
  await expect(summary).toContainText(`${leader.open}–20:30`);
  await expect(page.getByLabel("关门时间")).toHaveValue("20:30");

  // In English the console pages load their strings with the English core (a lazy chunk): the
  // switch, a cold load and a client-side navigation all render complete, with no console error.
  await page.goto("/leader/me");
  await page.getByRole("banner").locator("button", { hasText: /^English$/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Me" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("link", { name: /Pickup point details/ })).toBeVisible();
  await page.getByRole("link", { name: /Pickup point details/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My pickup point" })).toBeVisible();
  await page.getByRole("banner").locator("button", { hasText: /^中文$/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "我的自提点" })).toBeVisible();

  await expectForbidden(page, consoleGuard, "/admin");
});
