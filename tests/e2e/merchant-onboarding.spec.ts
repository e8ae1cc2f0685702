import { expect, expectNoSeriousA11yViolations, signInWithPhone, test } from "./fixtures";

// A person with no account yet (a phone no other journey uses).
const applicant = { phone: "13900000351", store: "街角鲜蔬铺", licence: "91310000MA1FL0351C" };
// The smallest valid PNG header: the server checks the bytes, not the name.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]);

test("merchant onboarding: a new user applies from 我的, an admin approves, the user opens the merchant console", async ({ page, browser }) => {
  await signInWithPhone(page, applicant.phone);
  await page.goto("/me");
  await page.getByRole("link", { name: "成为商家" }).click();
  await expect(page).toHaveURL("/me/merchant-apply");
  await expect(page.getByRole("heading", { level: 1, name: "商家入驻申请" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // A field-level error first (no category ticked), then the full application.
  await page.getByLabel("店铺名称").fill(applicant.store);
  await page.getByLabel("公司名称（与营业执照一致）").fill("上海街角鲜蔬商贸有限公司");
  await page.getByLabel("营业执照号").fill(applicant.licence.toLowerCase());
  await page.getByLabel("营业执照照片").setInputFiles({ name: "licence.png", mimeType: "image/png", buffer: PNG });
  await page.getByLabel("联系人").fill("周鲜蔬");
  await page.getByLabel("联系电话").fill(applicant.phone);
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page.getByText("请至少选择一个经营类目。")).toBeVisible();
  await page.getByRole("checkbox", { name: "生鲜果蔬" }).check();
  // Ticking a category clears its error at once (errors revalidate on input).
  await expect(page.getByText("请至少选择一个经营类目。")).toHaveCount(0);
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page).toHaveURL("/me/merchant-apply?submitted=1");
  await expect(page.getByRole("status")).toHaveText("申请已提交，请等待平台审核。");
  await expect(page.getByTestId("merchant-application-status")).toHaveText("审核中");

  // The admin, at a desk in another browser, approves it from the queue.
  const desk = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  const admin = await desk.newPage();
  await admin.goto("/login");
  const signedIn = await admin.request.post("/login", {
    form: { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" },
    headers: { Origin: new URL(admin.url()).origin },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  await admin.goto("/admin/merchants");
  await expect(admin.getByRole("heading", { level: 1, name: "商家入驻审核" })).toBeVisible();
  const card = admin.getByRole("listitem").filter({ has: admin.getByRole("heading", { name: applicant.store }) });
  await expect(card).toContainText(applicant.licence);
  await expect(card.getByRole("link", { name: "查看执照照片" })).toHaveAttribute("href", /\/admin\/merchants\/mch_[0-9a-z]+\/licence$/);
  await expectNoSeriousA11yViolations(admin);
  await card.getByRole("button", { name: `通过 ${applicant.store} 的入驻申请` }).click();
  await expect(admin.getByRole("status")).toHaveText(`已通过 ${applicant.store} 的入驻申请，并已通知申请人。`);
  await expect(admin.getByRole("heading", { name: applicant.store })).toHaveCount(0);
  await desk.close();

  // The applicant sees the approval and opens the merchant console.
  await page.goto("/me/merchant-apply");
  await expect(page.getByTestId("merchant-application-status")).toHaveText("已通过");
  await page.getByRole("link", { name: "进入商家后台" }).click();
  await expect(page).toHaveURL("/merchant");
  await expect(page.getByRole("heading", { level: 1, name: "店铺资料" })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: new RegExp(`^${applicant.store}$`) })).toBeVisible();
});
