/**
 * Settlement (issue 9): a leader's withdrawal end to end. 陈团长 of 幸福里 (the demo world's
 * collected orders are settled in the ledger) asks for ¥10.00 to WeChat; the platform's finance
 * admin approves it on /admin/withdrawals; the settlement queue pays it through the sandbox payout
 * provider; the leader sees it paid, the balance ¥10.00 lower, and the notice in the inbox.
 * Password sign-in for both: their phones are used by other journeys. It runs with the admin
 * console journeys, after every other one: the notices journey counts 陈团长's unread notices.
 */
import { expect, signInWithPassword, test } from "../fixtures";

const yuan = (text: string) => Math.round(Number(text.replace(/[¥,]/g, "")) * 100);

test("leader withdraws: requested, approved by finance, paid out, balance and inbox updated", async ({ page, browser }) => {
  await signInWithPassword(page, "leader3@demo.tuangou.test", "/leader");
  await page.getByRole("link", { name: "佣金" }).click();
  await expect(page).toHaveURL("/leader/commission");
  const available = page.getByTestId("commission-available");
  await expect(available).toHaveText(/^¥\d+\.\d\d$/);
  const before = yuan((await available.textContent())!);
  expect(before).toBeGreaterThanOrEqual(1000);

  await page.getByLabel("提现金额（元）").fill("10");
  await page.getByText("微信", { exact: true }).click();
  await page.getByLabel("收款账号").fill("chen_tuanzhang");
  await page.getByRole("button", { name: "提交提现申请" }).click();
  await expect(page.getByRole("status")).toHaveText("提现申请已提交，金额 ¥10.00，等待平台处理。");
  const request = page.getByTestId("withdrawals").getByRole("listitem").first();
  await expect(request.getByTestId("withdrawal-status")).toHaveText("已申请");
  await expect(request).toContainText("微信 · ch****ng");
  await expect(available).toHaveText(`¥${((before - 1000) / 100).toFixed(2)}`);

  // The finance admin approves it, in their own browser.
  const adminContext = await browser.newContext({ locale: "zh-CN" });
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, "finance@demo.tuangou.test", "/admin/withdrawals");
  await expect(admin.getByRole("heading", { level: 1, name: "提现审批" })).toBeVisible();
  await admin.getByRole("button", { name: "批准 幸福里社区团购点 的提现 ¥10.00" }).first().click();
  await expect(admin.getByText("已批准，正在打款。")).toBeVisible();
  await adminContext.close();

  // The payout goes through the settlement queue; the leader's page shows it paid once it has.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("withdrawals").getByRole("listitem").first().getByTestId("withdrawal-status")).toHaveText("已打款", { timeout: 1000 });
  }).toPass({ timeout: 60_000, intervals: [1000, 2000, 3000] });
  await expect(available).toHaveText(`¥${((before - 1000) / 100).toFixed(2)}`);
  await page.goto("/leader/notifications");
  await expect(page.getByText("提现已到账").first()).toBeVisible();
});
