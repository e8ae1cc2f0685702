import type { Browser, Page } from "@playwright/test";
import { completePhoneSignIn, DEMO, expect, expectNoSeriousA11yViolations, signInQuickly, test, type ConsoleGuard } from "./fixtures";

/**
 * Group deals (拼团, issue 7), the done-when journey: a shopper starts a group of apples (3人 ¥25.90,
 * 5人 ¥22.90), invites friends by link, the price drops for everyone when the fifth pays, the
 * group closes and each sees the final charge and the refund. Five fresh shoppers (phones used by
 * no other journey), each in their own browser; the starter's page follows along live, over the
 * room's WebSocket, without a reload.
 */
const PHONES = { a: "13900000801", b: "13900000802", c: "13900000803", d: "13900000804", e: "13900000805" } as const;
const SUNSHINE = DEMO.leaderSunshine.point; // 阳光花园便利店
const APPLE = "prd_demoapple00000000000"; // 烟台红富士苹果 5 斤装 ¥29.90

/** Chooses 阳光花园 as the pickup point (a plain form). */
async function choosePoint(page: Page) {
  await page.goto("/pickup?returnTo=%2F");
  await page.getByRole("searchbox", { name: "搜索自提点" }).fill("阳光");
  await page.getByRole("main").getByRole("button", { name: "搜索", exact: true }).click();
  const point = page.getByRole("main").getByRole("listitem").filter({ hasText: SUNSHINE });
  await point.getByRole("button", { name: new RegExp(`^选这里\\s*：${SUNSHINE}$`) }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("banner")).toContainText(SUNSHINE);
}

/** A friend's own phone: a fresh browser context, watched by the console guard. */
async function friendPhone(browser: Browser, guard: ConsoleGuard): Promise<Page> {
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  guard.watch(context);
  return context.newPage();
}

/** On the group page: join one box and pay in the sandbox cashier; back on the group page after. */
async function joinAndPay(page: Page, groupPath: string) {
  await expect(page.getByRole("region", { name: "参团", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "¥25.90 立即参团", exact: true }).click();
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await expect(page.getByText("¥25.90")).toBeVisible();
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
  await page.goto(groupPath);
}

test("a group of five: start, invite by link, the price drops to the second tier for all, each sees the final charge and the refund", async ({ page, browser, consoleGuard }) => {
  test.setTimeout(240_000);

  // A starts a group from the apples' product page and pays.
  await signInQuickly(page, PHONES.a);
  await choosePoint(page);
  await page.goto(`/products/${APPLE}`);
  const deal = page.getByTestId("product-group-deal");
  await expect(deal).toContainText("3人团");
  await expect(deal).toContainText("¥25.90");
  await expect(deal).toContainText("5人团");
  await expect(deal).toContainText("¥22.90");
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "发起拼团 ¥25.90", exact: true }).click();
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);
  await expect(page.getByTestId("order-group")).toContainText("已付款，等待成团；成团后按成团价结算，差价自动退回。");
  await expect(page.getByRole("button", { name: /取消/ })).toHaveCount(0);
  await page.getByRole("link", { name: "查看拼团进度" }).click();
  await expect(page).toHaveURL(/\/groups\/grp_[0-9a-z]{20}$/);
  const groupPath = new URL(page.url()).pathname;

  const progress = page.getByTestId("group-progress");
  await expect(progress).toHaveText("1/5 人");
  await expect(page.getByTestId("group-live")).toContainText("已有 1 人参团");
  await expect(page.getByTestId("group-mine")).toContainText("已付款 ¥25.90，等待成团");
  await expect(page.getByText("再邀 2 人成团，每人 ¥25.90")).toBeVisible();
  await expect(page.getByTestId("group-members")).toContainText("发起人");
  await expect(page.getByRole("timer")).toHaveText(/^\d{2}:\d{2}:\d{2}$/);
  const shareLink = await page.getByTestId("group-share-link").inputValue();
  // The sharer's own link (/s/<code>, share rewards) leading through the leader's (/r/<invite>) to the group page.
  expect(shareLink).toMatch(/\/s\/[0-9a-z]+\?to=/);
  expect(new URL(shareLink).searchParams.get("to")).toMatch(new RegExp(`^/r/SUNNY888\\?to=${groupPath}%3Ffrom%3Dusr_[0-9a-z]{20}$`));
  await expect(page.getByTestId("group-qr").locator("svg")).toBeVisible();
  await expect(page.getByRole("button", { name: "复制链接" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  // From here on A's page is never reloaded: everything it shows comes live, over the room's WebSocket.
  await expect(page.getByTestId("group-live")).toHaveAttribute("data-connected", "true");
  await expect(page.getByText("实时更新中")).toBeVisible();
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  // B and C open the share link on their own phones, sign in from the group page, join and pay.
  const friends: Page[] = [];
  for (const [i, phone] of [PHONES.b, PHONES.c].entries()) {
    const friend = await friendPhone(browser, consoleGuard);
    friends.push(friend);
    await friend.goto(shareLink);
    await expect(friend).toHaveURL(new RegExp(`${groupPath}\\?from=usr_[0-9a-z]{20}$`));
    // The leader's link made 阳光花园 their pickup point.
    await expect(friend.getByRole("banner")).toContainText(SUNSHINE);
    await friend.getByRole("link", { name: "登录后参团" }).click();
    await expect(friend).toHaveURL(/\/login\?redirectTo=/);
    await completePhoneSignIn(friend, phone);
    await expect(friend).toHaveURL(new RegExp(`${groupPath}\\?from=usr_[0-9a-z]{20}$`));
    await joinAndPay(friend, groupPath);
    await expect(friend.getByTestId("group-mine")).toContainText("已付款 ¥25.90，等待成团");
    await expect(progress).toHaveText(`${i + 2}/5 人`, { timeout: 15_000 });
  }
  // Three paid: the first tier is reached, for everyone.
  await expect(page.getByTestId("group-live")).toContainText("已有 3 人参团");
  const current = page.locator('li[aria-current="step"]');
  await expect(current).toContainText("3人团");
  await expect(current).toContainText("¥25.90");
  await expect(page.getByText("再邀 2 人，每人 ¥22.90")).toBeVisible();
  await expect(page.getByTestId("group-members").getByRole("listitem").filter({ hasText: "空位" })).toHaveCount(2);

  // D and E sign in, choose 阳光花园 themselves, then open the link, join and pay.
  for (const [i, phone] of [PHONES.d, PHONES.e].entries()) {
    const friend = await friendPhone(browser, consoleGuard);
    friends.push(friend);
    await signInQuickly(friend, phone);
    await choosePoint(friend);
    await friend.goto(shareLink);
    await joinAndPay(friend, groupPath);
    if (i === 0) await expect(progress).toHaveText("4/5 人", { timeout: 15_000 });
  }

  // The fifth payment filled the top tier: the group closed at ¥22.90 and A's page says so live.
  await expect(page.getByTestId("group-status")).toHaveText("已成团", { timeout: 20_000 });
  await expect(page.getByTestId("group-outcome")).toHaveText("拼团成功，每人按 5 人价 ¥22.90 结算");
  await expect(page.getByTestId("group-mine")).toContainText("拼团成功，按 5 人价结算，已退差价 ¥3.00", { timeout: 15_000 });
  await expect(page.getByTestId("group-mine")).toContainText("最终实付 ¥22.90");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(page.getByTestId("group-live")).toHaveAttribute("data-connected", "true");
  // Every friend sees the same price and their own refund.
  for (const friend of friends) {
    await friend.goto(groupPath);
    await expect(friend.getByTestId("group-status")).toHaveText("已成团");
    await expect(friend.getByTestId("group-mine")).toContainText("拼团成功，按 5 人价结算，已退差价 ¥3.00");
    await friend.context().close();
  }

  // A's groups.
  await page.goto("/me");
  await page.getByRole("link", { name: "我的拼团" }).click();
  await expect(page).toHaveURL("/me/groups");
  const mine = page.getByTestId("my-groups").getByRole("listitem").first();
  await expect(mine).toContainText("烟台红富士苹果");
  await expect(mine).toContainText("已成团");
  await expect(mine).toContainText("5/5 人");
  await expect(mine).toContainText("实付 ¥22.90");
  await expect(mine).toContainText("已退 ¥3.00");
  await expectNoSeriousA11yViolations(page);
});
