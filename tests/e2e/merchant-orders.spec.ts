/**
 * Merchant after-sales journey (issue #4): a shopper asks for a refund of a delivered-bound order,
 * the merchant (鲜果坊) approves it in the browser, and the shopper sees it refunded.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Page } from "@playwright/test";
import { DEMO, formPoster, expect, signInWithPhone, test } from "./fixtures";

const shopper = DEMO.shopper(11);
const SUNSHINE = "pkp_demosunshine00000000";
const root = path.resolve(import.meta.dirname, "../..");
const state = path.resolve(root, process.env.E2E_STATE ?? ".wrangler/e2e-state");

/** The cut-off locks the order for delivery (the fulfilment issue's job): written on the timeline in the local D1. */
function lockForDelivery(orderId: string) {
  const sql = `INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES ('oev_e2e_${orderId.slice(4)}', '${orderId}', 'cut_off', 'paid', 'confirmed', 'system', ${Date.now()}); UPDATE orders SET status = 'confirmed' WHERE id = '${orderId}';`;
  execFileSync(path.join(root, "node_modules/.bin/wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", state, "--command", sql], {
    cwd: root,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? path.join(root, ".xdg") },
    stdio: "pipe",
  });
}

/** Buys 2 boxes of strawberries and pays at the sandbox cashier, with the page's own cookies. */
async function buyStrawberries(page: Page): Promise<string> {
  const origin = new URL(page.url()).origin;
  const post = formPoster(page.request, origin);
  await post("/pickup", { pickupPointId: SUNSHINE });
  await post("/cart", { intent: "add", skuId: "sku_demostrawberry000001", quantity: "2" });
  const html = await (await page.request.get("/checkout?coupon=none")).text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  const placed = await post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
  expect(placed.status()).toBe(302);
  const cashier = placed.headers()["location"]!;
  await page.goto(cashier);
  await page.getByRole("button", { name: "确认支付", exact: true }).click();
  await expect(page).toHaveURL(/\/orders\/ord_/);
  return /\/orders\/(ord_[0-9a-z]+)/.exec(page.url())![1]!;
}

test("a shopper asks for a refund, the merchant approves it, the shopper sees it refunded", async ({ browser, page }) => {
  await signInWithPhone(page, shopper.phone);
  const orderId = await buyStrawberries(page);
  lockForDelivery(orderId);

  // The shopper asks for after-sales on the order page.
  await page.goto(`/orders/${orderId}`);
  await page.getByText("申请售后 / 退款").click();
  await page.getByLabel("原因").selectOption("damaged");
  await page.getByLabel("补充说明（选填）").fill("两盒都压坏了");
  await page.getByRole("button", { name: /提交申请/ }).click();
  await expect(page.getByText("售后申请已提交")).toBeVisible();

  // The merchant, in its own browser context, finds it in the refund queue and approves it in full.
  const desk = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  const merchant = await desk.newPage();
  await merchant.goto("/login");
  const signedIn = await merchant.request.post("/login", {
    form: { intent: "password", email: "fruit@demo.tuangou.test", password: "demo-pass-2026" },
    headers: { Origin: new URL(merchant.url()).origin },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  await merchant.goto("/merchant/orders?tab=refund_requested");
  await expect(merchant.getByRole("heading", { level: 1, name: "订单与售后" })).toBeVisible();
  await merchant.getByRole("link", { name: orderId }).click();
  await expect(merchant.getByRole("heading", { name: "售后申请" })).toBeVisible();
  await expect(merchant.getByText("两盒都压坏了")).toBeVisible();
  await expect(merchant.getByLabel(/退款数量/)).toHaveValue("2");
  await merchant.getByRole("button", { name: "同意并退款" }).click();
  await expect(merchant.getByRole("status")).toContainText("已同意退款");
  await expect(merchant.getByTestId("order-status")).toHaveText("已退款");
  await expect(merchant.getByTestId("timeline")).toContainText("同意退款");
  await desk.close();

  // The shopper sees the order refunded.
  await page.goto(`/orders/${orderId}`);
  await expect(page.getByText("已退款").first()).toBeVisible();
});
