import { describe, expect, it } from "vitest";
import { classifyPushResponse, pushPayloadFor } from "./push.server";

describe("push delivery rules", () => {
  it("2xx delivered; 404 and 410 mean the subscription is gone; anything else is a failure", () => {
    expect([200, 201, 202, 204].map(classifyPushResponse)).toEqual(["sent", "sent", "sent", "sent"]);
    expect([404, 410].map(classifyPushResponse)).toEqual(["gone", "gone"]);
    expect([400, 401, 403, 413, 429, 500, 502, 503].map(classifyPushResponse).every((o) => o === "failed")).toBe(true);
  });

  it("the payload is {title, body, url, tag} in the recipient's language; a notice without a safe link opens its inbox", () => {
    const notice = { userId: "usr_x", kind: "order.ready_for_pickup", data: { orderId: "ord_1", point: "翠湖小区驿站", open: "09:00", close: "20:00" }, link: "/orders/ord_1" };
    expect(pushPayloadFor(notice, "en")).toEqual({
      title: "Ready for pickup",
      body: "Your order has arrived at 翠湖小区驿站. Collect it between 09:00 and 20:00 with your pickup code.",
      url: "/orders/ord_1",
      tag: "ready-ord_1",
    });
    expect(pushPayloadFor({ ...notice, link: "https://evil.example/" }, "zh-CN").url).toBe("/me/notifications");
    expect(pushPayloadFor({ userId: "u", kind: "leader.new_order", data: { count: 1, amount: "¥1.00" } }, "fr").title).toBe("新订单");
  });
});
