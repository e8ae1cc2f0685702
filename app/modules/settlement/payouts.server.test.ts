import { describe, expect, it } from "vitest";
import { getPayoutProvider, sandboxPayouts } from "./payouts.server";

describe("payout providers", () => {
  it("the sandbox pays, answering the same reference for the same request (idempotent by id)", async () => {
    const request = { requestId: "wdr_0123456789abcdefghjk", amountFen: 1500, method: "alipay" as const, account: "13900001234" };
    expect(await sandboxPayouts.transfer(request)).toEqual({ status: "succeeded", ref: "sandbox-payout-wdr_0123456789abcdefghjk" });
    expect(await sandboxPayouts.transfer(request)).toEqual(await sandboxPayouts.transfer(request));
  });

  it("the sandbox refuses its test accounts and nonsense amounts", async () => {
    const base = { requestId: "wdr_x", amountFen: 1000, method: "bank" as const, account: "6222000011110000" };
    expect(await sandboxPayouts.transfer(base)).toEqual({ status: "failed", reason: "account_rejected" });
    expect(await sandboxPayouts.transfer({ ...base, method: "wechat", account: "reject_me" })).toEqual({ status: "failed", reason: "account_rejected" });
    expect(await sandboxPayouts.transfer({ ...base, account: "6222000011112222", amountFen: 0 })).toEqual({ status: "failed", reason: "invalid_amount" });
  });

  it("production never uses the sandbox: payouts fail clearly until a real provider is configured", async () => {
    expect(getPayoutProvider({ APP_ENV: "development" }).name).toBe("sandbox");
    expect(getPayoutProvider({ APP_ENV: "production" }).name).toBe("unavailable");
    expect(getPayoutProvider({ APP_ENV: "production", PAYOUT_PROVIDER: "sandbox" }).name).toBe("unavailable");
    expect(await getPayoutProvider({ APP_ENV: "production" }).transfer({ requestId: "wdr_x", amountFen: 1, method: "wechat", account: "a" })).toEqual({ status: "failed", reason: "payout_provider_unavailable" });
  });
});
