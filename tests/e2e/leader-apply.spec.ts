import { readFile } from "node:fs/promises";
import { DEMO, expect, expectNoSeriousA11yViolations, signInQuickly, signInWithPhone, test } from "./fixtures";

// Two shoppers no other journey uses: one becomes a leader, the other joins through the invite link.
const applicant = DEMO.shopper(10);
const neighbour = DEMO.shopper(2);
const point = { name: "绿地小区驿站", area: "闵行区 · 绿地小区", address: "上海市闵行区七莘路 100 弄 8 号楼", lat: 31.1123, lng: 121.3811 };
// A PNG by its signature: the server checks the bytes, not the name.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]);

test("becoming a leader: a shopper applies with a photo, the admin approves, the leader shares the invite link and a neighbour is bound to the point", async ({
  page,
  context,
  browser,
  consoleGuard,
}) => {
  // Four people in three browsers: ~30 s on a quiet machine, over 45 s on a busy one.
  test.setTimeout(90_000);
  // The shopper applies from 我的, filling the location from the phone's position.
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: point.lat, longitude: point.lng });
  await signInWithPhone(page, applicant.phone);
  await page.goto("/me");
  await page.getByRole("link", { name: "成为团长" }).click();
  await expect(page).toHaveURL("/me/leader-apply");
  await expect(page.getByRole("heading", { level: 1, name: "申请成为团长" })).toBeVisible();
  await page.getByLabel("自提点名称").fill(point.name);
  await page.getByLabel("小区 / 片区").fill(point.area);
  await page.getByLabel("详细地址").fill(point.address);
  await page.getByRole("button", { name: "使用我当前的位置" }).click();
  await expect(page.getByLabel("纬度")).toHaveValue("31.112300");
  await expect(page.getByLabel("经度")).toHaveValue("121.381100");
  await page.getByRole("checkbox", { name: "周日" }).uncheck();
  await page.getByLabel("联系电话").fill(applicant.phone);
  await page.getByLabel("身份证或门店照片").setInputFiles({ name: "shop.png", mimeType: "image/png", buffer: PNG });
  // Door delivery not chosen yet: a field-level error, nothing sent.
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page.getByText("请选择是否送货上门。")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("radio", { name: "可以免费送货上门" }).check();
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page).toHaveURL("/me/leader-apply?submitted=1");
  await expect(page.getByTestId("leader-application-status")).toHaveText("审核中");

  // The admin approves it at a desk, in another browser.
  const desk = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  consoleGuard.watch(desk);
  const admin = await desk.newPage();
  await admin.goto("/login");
  const signedIn = await admin.request.post("/login", {
    form: { intent: "password", email: DEMO.admin.email, password: DEMO.admin.password },
    headers: { Origin: new URL(admin.url()).origin },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  await admin.goto("/admin");
  await admin.getByRole("link", { name: "团长审核" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "团长申请审核" })).toBeVisible();
  const card = admin.getByRole("listitem").filter({ has: admin.getByRole("heading", { name: point.name }) });
  await expect(card).toContainText(point.address);
  await expect(card).toContainText("周一、周二、周三、周四、周五、周六 08:00–21:00");
  await expect(card.getByRole("link", { name: "查看照片" })).toHaveAttribute("href", /^\/admin\/leaders\/pkp_[0-9a-z]{20}\/photo$/);
  await card.getByRole("button", { name: `通过“${point.name}”的申请` }).click();
  const approved = admin.getByRole("status");
  await expect(approved).toContainText(`已通过“${point.name}”，邀请码`);
  const code = /邀请码 ([0-9A-Z]{8})/.exec((await approved.textContent()) ?? "")![1]!;
  await desk.close();

  // The new leader opens the promote page and takes the invite link.
  await page.goto("/me/leader-apply");
  await expect(page.getByTestId("leader-application-status")).toHaveText("已通过");
  await page.getByRole("link", { name: "进入团长工作台" }).click();
  await expect(page).toHaveURL("/leader");
  await page.goto("/leader/promote");
  await expect(page.getByRole("heading", { level: 1, name: "推广" })).toBeVisible();
  await expect(page.getByRole("img", { name: "邀请二维码" }).locator("svg")).toBeVisible();
  const inviteLink = await page.getByTestId("invite-link").inputValue();
  expect(inviteLink).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/join/${code}$`));
  // The invite poster, saved as a picture for the chat app.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "邀请海报存为图片 (PNG)" }).click();
  const png = await download;
  expect(png.suggestedFilename()).toBe(`invite-${code}.png`);
  expect((await readFile((await png.path())!)).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

  // A neighbour, on their own phone, opens the link and collects there from now on.
  const phone = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  consoleGuard.watch(phone);
  const other = await phone.newPage();
  await signInQuickly(other, neighbour.phone);
  await other.goto(inviteLink.toLowerCase().replace(/^https?:\/\/[^/]+/, ""));
  const invited = other.getByTestId("join-point");
  await expect(invited.getByRole("heading", { name: point.name })).toBeVisible();
  await expect(invited).toContainText("支持送货上门");
  await invited.getByRole("button", { name: "在这里取货" }).click();
  await expect(other).toHaveURL("/");
  await expect(other.getByRole("banner")).toContainText(point.name);
  await phone.close();
});
