import { DEMO, RESOURCE_STATUS, expect, readCodeFromOutbox, test } from "./fixtures";

// Plain HTML forms: every step is a full-page POST and a server-rendered answer.
test.use({ javaScriptEnabled: false });

const shopper = { ...DEMO.shopper(3), name: "周阿姨" };

test("no JavaScript: phone sign-in by plain form posts, with server-side field errors", async ({ page, context, consoleGuard }) => {
  // The invalid phone is answered with 400 and the form again; Chromium logs that status.
  consoleGuard.allow(RESOURCE_STATUS(400), "/login");

  await page.goto("/login");
  await page.getByLabel("手机号").fill("12345");
  await page.getByRole("button", { name: "获取验证码", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  const phone = page.getByLabel("手机号");
  await expect(page.locator(`#${await phone.getAttribute("aria-describedby")}`)).toHaveText("请输入 11 位中国大陆手机号。");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await expect(phone).toHaveValue("12345");

  await phone.fill(shopper.phone);
  await page.getByRole("button", { name: "获取验证码", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("验证码已发送");
  const code = await readCodeFromOutbox(context, shopper.phone);
  await page.getByLabel("验证码").fill(code);
  await page.getByRole("button", { name: "登录", exact: true }).click();

  await expect(page).toHaveURL("/");
  await page.goto("/me");
  await expect(page.getByRole("heading", { level: 1, name: shopper.name })).toBeVisible();
});
