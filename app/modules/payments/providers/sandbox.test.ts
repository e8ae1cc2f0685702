import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSandboxProvider, SANDBOX_HEADERS, signSandboxNotification, type SandboxNotificationPayload } from "./sandbox";

const SECRET = "sandbox-secret-for-tests";
const NOW = Date.UTC(2026, 10, 25, 13, 0, 0);
const payload: SandboxNotificationPayload = {
  paymentId: "pay_0123456789abcdefghjk",
  providerTradeNo: "sbx_4200000000",
  status: "succeeded",
  amountFen: 1234,
  paidAt: NOW - 1000,
};

async function signed(p: SandboxNotificationPayload = payload, at = NOW, secret = SECRET) {
  const { headers, body } = await signSandboxNotification(secret, p, at);
  return { headers: new Headers(headers), body };
}

describe("sandbox provider", () => {
  const provider = createSandboxProvider({ secret: SECRET });

  it("redirects to the sandbox payment page", async () => {
    const result = await provider.createPayment({
      paymentId: "pay_0123456789abcdefghjk",
      orderId: "ord_1",
      amountFen: 1234,
      description: "x",
      notifyUrl: "/api/payments/sandbox/notify",
      returnUrl: "/orders/ord_1",
      expiresAt: NOW + 1_800_000,
    });
    expect(result).toEqual({ kind: "redirect", url: "/pay/sandbox/pay_0123456789abcdefghjk" });
  });

  it("round-trips a signed notification", async () => {
    const request = await signed();
    expect(await provider.verifyNotification(request, NOW)).toEqual({
      ok: true,
      notification: { ...payload, raw: payload },
    });
  });

  it("signs HMAC-SHA256 over timestamp, nonce and body lines, like a real provider", async () => {
    const { headers, body } = await signSandboxNotification(SECRET, payload, NOW);
    const timestamp = headers[SANDBOX_HEADERS.timestamp]!;
    const nonce = headers[SANDBOX_HEADERS.nonce]!;
    expect(timestamp).toBe(String(NOW / 1000));
    expect(nonce).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(headers[SANDBOX_HEADERS.signature]).toBe(
      createHmac("sha256", SECRET).update(`${timestamp}\n${nonce}\n${body}\n`).digest("base64"),
    );
  });

  it("refuses a replay with an old timestamp", async () => {
    const request = await signed(payload, NOW - 6 * 60_000);
    expect(await provider.verifyNotification(request, NOW)).toEqual({ ok: false, reason: "timestamp outside the 5-minute window" });
    // The same request within 5 minutes is accepted: callers must treat repeats as one state change.
    expect((await provider.verifyNotification(await signed(payload, NOW - 4 * 60_000), NOW)).ok).toBe(true);
  });

  it("refuses a tampered body, a changed timestamp, another secret and missing headers", async () => {
    const request = await signed();
    const tampered = request.body.replace('"amountFen":1234', '"amountFen":1');
    expect(tampered).not.toBe(request.body);
    expect(await provider.verifyNotification({ headers: request.headers, body: tampered }, NOW)).toEqual({ ok: false, reason: "bad signature" });

    const moved = new Headers(request.headers);
    moved.set(SANDBOX_HEADERS.timestamp, String(NOW / 1000 + 1));
    expect(await provider.verifyNotification({ headers: moved, body: request.body }, NOW)).toEqual({ ok: false, reason: "bad signature" });

    expect(await provider.verifyNotification(await signed(payload, NOW, "another-secret"), NOW)).toEqual({ ok: false, reason: "bad signature" });

    const bare = new Headers(request.headers);
    bare.delete(SANDBOX_HEADERS.signature);
    expect((await provider.verifyNotification({ headers: bare, body: request.body }, NOW)).ok).toBe(false);
  });

  it("refuses a success without paidAt and invalid payloads", async () => {
    const { paidAt: _p, ...noPaidAt } = payload;
    expect(await provider.verifyNotification(await signed(noPaidAt), NOW)).toEqual({ ok: false, reason: "successful notification without paidAt" });
    expect((await provider.verifyNotification(await signed({ ...noPaidAt, status: "failed" }), NOW)).ok).toBe(true);
    await expect(signSandboxNotification(SECRET, { ...payload, amountFen: 12.5 }, NOW)).rejects.toThrow();
  });

  it("refunds immediately, with the same number for the same refund id", async () => {
    const input = { refundId: "rfd_1", paymentId: "pay_1", providerTradeNo: "sbx_1", amountFen: 100, totalFen: 1234, reason: "", notifyUrl: "" };
    const first = await provider.refund(input);
    expect(first).toMatchObject({ ok: true, status: "succeeded", providerRefundNo: expect.stringMatching(/^sbr_[0-9A-Za-z]{24}$/) });
    expect(await provider.refund(input)).toEqual(first);
    expect(await provider.refund({ ...input, refundId: "rfd_2" })).not.toEqual(first);
    expect((await provider.refund({ ...input, amountFen: 5000 })).ok).toBe(false);
  });

  it("a refund query finds a valid refund succeeded, under the number refund gave it", async () => {
    const input = { refundId: "rfd_1", paymentId: "pay_1", providerTradeNo: "sbx_1", amountFen: 100, totalFen: 1234, reason: "", notifyUrl: "" };
    const refunded = await provider.refund(input);
    expect(refunded.ok).toBe(true);
    const query = { refundId: "rfd_1", paymentId: "pay_1", providerTradeNo: "sbx_1", amountFen: 100 };
    expect(await provider.queryRefund(query)).toEqual({
      ok: true,
      status: "succeeded",
      providerRefundNo: (refunded as { providerRefundNo: string }).providerRefundNo,
    });
    expect(await provider.queryRefund({ ...query, amountFen: 0 })).toEqual({ ok: true, status: "not_found" });
  });

  it("acks 204, or 400 with a reason", () => {
    expect(provider.ackResponse(true)).toEqual({ status: 204, body: "", headers: {} });
    expect(provider.ackResponse(false, "bad signature")).toMatchObject({ status: 400, body: '{"code":"FAIL","message":"bad signature"}' });
  });
});
