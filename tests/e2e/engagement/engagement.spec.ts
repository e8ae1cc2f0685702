/**
 * The engagement layer in the browser (issue 10): a new shopper claims a coupon in the claim
 * centre and uses it on an order big enough to make them a silver member, then sees their level's
 * points multiplier on /me/points and at checkout; they share a product link, a friend who arrives
 * through it buys, the leader hands the friend's order over and the sharer is rewarded; the friend
 * reviews the picked-up item, and the review shows on the product page.
 *
 * The friend's order is locked, shipped and arrived by writing its timeline straight into the local
 * D1 (the daily cut-off, which would lock every paid order of the shared world, ran in the
 * daily-cycle project already), so this journey runs in a project of its own. Gold members' early
 * access to flash sales is walked through in ../flash-sale.spec.ts.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, formPoster, orderAndPay, signInQuickly, signInWithPassword, test } from "../fixtures";

const SHOPPER = "13900000901";
const FRIEND = "13900000902";
const SUNSHINE = "pkp_demosunshine00000000";
const STRAWBERRY = { product: "prd_demostrawberry000000", giftBox: "sku_demostrawberry000002" };
const EGGS = { product: "prd_demoeggs000000000000", sku: "sku_demoeggs000000000001", title: "农家散养土鸡蛋 30 枚" };
const MOBILE = { locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

const root = path.resolve(import.meta.dirname, "../../..");
const state = path.resolve(root, process.env.E2E_STATE ?? ".wrangler/e2e-state");

/** The order's cut-off, shipping and arrival, written on its timeline in the local D1. */
function readyForPickup(orderId: string) {
  const now = Date.now();
  const steps: Array<[string, string, string]> = [
    ["cut_off", "paid", "confirmed"],
    ["ship", "confirmed", "shipped"],
    ["arrive", "shipped", "ready_for_pickup"],
  ];
  const sql =
    steps
      .map(([event, from, to], i) => `INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES ('oev_e2eng${i}${orderId.slice(9)}', '${orderId}', '${event}', '${from}', '${to}', 'system', ${now + i});`)
      .join(" ") + ` UPDATE orders SET status = 'ready_for_pickup' WHERE id = '${orderId}';`;
  execFileSync(path.join(root, "node_modules/.bin/wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", state, "--command", sql], {
    cwd: root,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? path.join(root, ".xdg") },
    stdio: "pipe",
  });
}

test("engagement: a coupon claimed and used, silver by spending, the multiplier shown, a shared link rewarded, a review on the product page", async ({ page, browser, consoleGuard }) => {
  test.setTimeout(120_000);
  await signInQuickly(page, SHOPPER);
  const origin = new URL(page.url()).origin;
  const post = formPoster(page.request, origin);
  expect((await post("/pickup", { pickupPointId: SUNSHINE })).status()).toBeLessThan(400);

  // The claim centre: a limited coupon, claimed with one tap.
  await page.goto("/coupons");
  await expect(page.getByRole("heading", { level: 1, name: "领券中心" })).toBeVisible();
  await page.getByRole("button", { name: "领取“限量 100 张 · 满 30 减 8”" }).click();
  await expect(page.getByText(/领取成功！“限量 100 张 · 满 30 减 8”已放入券包/)).toBeVisible();

  // Ten strawberry gift boxes: the claimed coupon is picked for them, and the order makes them silver.
  expect((await post("/cart", { intent: "add", skuId: STRAWBERRY.giftBox, quantity: "10" })).status()).toBeLessThan(400);
  await page.goto("/checkout");
  await expect(page.getByRole("radio", { name: /限量 100 张 · 满 30 减 8/ })).toBeChecked();
  await expect(page.getByRole("region", { name: "价格明细" })).toContainText("优惠券");
  await expect(page.getByTestId("points-estimate")).toContainText("普通会员 · 本单预计得");
  await page.getByRole("button", { name: "提交订单并支付", exact: true }).click();
  await expect(page).toHaveURL(/\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_[0-9a-z]{20}$/);

  // Silver now: the membership page shows the level and its 1.2× points; checkout shows it too.
  await page.goto("/me/points");
  await expect(page.getByRole("main")).toContainText("白银会员");
  await expect(page.getByRole("main")).toContainText("积分 1.2 倍");
  expect((await post("/cart", { intent: "add", skuId: EGGS.sku, quantity: "1" })).status()).toBeLessThan(400);
  await page.goto("/checkout?coupon=none");
  await expect(page.getByTestId("points-estimate")).toHaveText(/^白银会员 · 本单预计得 \d+ 积分（1\.2 倍）$/);
  await page.goto("/me/coupons?tab=used");
  await expect(page.getByRole("main")).toContainText("限量 100 张 · 满 30 减 8");

  // Sharing: the product's share page gives a link that carries the sharer.
  await page.goto(`/products/${STRAWBERRY.product}/share`);
  const link = (await page.getByTestId("share-url").textContent())!.trim();
  expect(link).toMatch(/\/s\/[0-9a-z]+\?to=/);

  // A friend opens it on their own phone, signs in, buys and pays.
  const friendContext = await browser.newContext(MOBILE);
  consoleGuard.watch(friendContext);
  const friend = await friendContext.newPage();
  await friend.goto(link);
  await expect(friend).toHaveURL(new RegExp(`/products/${STRAWBERRY.product}`));
  await signInQuickly(friend, FRIEND);
  const friendOrder = await orderAndPay(friend.request, origin, { pickupPointId: SUNSHINE, skuId: EGGS.sku, quantity: 1 });
  const friendOrderId = friendOrder.split("/").pop()!;
  await friend.goto(friendOrder);
  const code = /\d{8}/.exec((await friend.getByRole("region", { name: "取货码" }).textContent()) ?? "")![0];

  // The goods arrive; the leader hands the friend's order over by its code.
  readyForPickup(friendOrderId);
  const leaderContext = await browser.newContext(MOBILE);
  consoleGuard.watch(leaderContext);
  const leader = await leaderContext.newPage();
  await signInWithPassword(leader, "leader1@demo.tuangou.test", "/leader/handover");
  await leader.getByRole("textbox", { name: "取货码" }).fill(code);
  await leader.getByRole("button", { name: "查找", exact: true }).click();
  await leader.getByRole("button", { name: /^确认交付/ }).click();
  await expect(leader.getByRole("status").filter({ hasText: "已核销" })).toContainText("已全部交付");
  await leaderContext.close();

  // The sharer is rewarded: on their shares page and in their points.
  await page.goto("/me/shares");
  await expect(page.getByRole("main")).toContainText("已奖励");
  await page.goto("/me/points");
  await expect(page.getByRole("main")).toContainText("分享奖励");

  // The friend reviews the eggs they picked up; the review shows on the product page.
  await friend.goto(friendOrder);
  await friend.getByRole("link", { name: `评价“${EGGS.title}”` }).click();
  await friend.getByText("5 星").click();
  await friend.getByLabel("说说你的感受（选填）").fill("蛋黄很香，朋友推荐的果然不错。");
  await friend.getByRole("button", { name: "提交评价" }).click();
  // Saved, with its points (10 by default).
  await expect(friend).toHaveURL(/\/review\/oli_[0-9a-z]{20}\?done=10$/);
  await friend.goto(`/products/${EGGS.product}`);
  await expect(friend.getByRole("main")).toContainText("蛋黄很香，朋友推荐的果然不错。");
  await friendContext.close();
});
