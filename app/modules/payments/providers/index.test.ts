import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { configuredProviders, getPaymentProvider, type PaymentEnv } from "./index";

const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

const WECHAT: PaymentEnv = {
  WECHATPAY_MCH_ID: "1900009191",
  WECHATPAY_APP_ID: "wxd678efh567hg6787",
  WECHATPAY_MCH_SERIAL: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
  WECHATPAY_PRIVATE_KEY: keys.privateKey,
  WECHATPAY_API_V3_KEY: "0123456789abcdefghijABCDEFGHIJkl",
  WECHATPAY_PLATFORM_CERTS: JSON.stringify({ PUB_KEY_ID_01: keys.publicKey }),
};
const ALIPAY: PaymentEnv = { ALIPAY_APP_ID: "2021000000000001", ALIPAY_PRIVATE_KEY: keys.privateKey, ALIPAY_PUBLIC_KEY: keys.publicKey };

describe("getPaymentProvider", () => {
  it("returns null for providers that are not configured", () => {
    const env: PaymentEnv = { APP_ENV: "development" };
    expect(getPaymentProvider(env, "wechat")).toBeNull();
    expect(getPaymentProvider(env, "alipay")).toBeNull();
    expect(getPaymentProvider(env, "sandbox")).toBeNull();
    expect(configuredProviders(env)).toEqual([]);
  });

  it("builds each configured provider once per env", () => {
    const env: PaymentEnv = { APP_ENV: "development", ...WECHAT, ...ALIPAY, SANDBOX_PAY_SECRET: "dev-secret" };
    expect(getPaymentProvider(env, "wechat")?.name).toBe("wechat");
    expect(getPaymentProvider(env, "alipay")?.name).toBe("alipay");
    expect(getPaymentProvider(env, "sandbox")?.name).toBe("sandbox");
    expect(getPaymentProvider(env, "wechat")).toBe(getPaymentProvider(env, "wechat"));
    expect(configuredProviders(env)).toEqual(["wechat", "alipay", "sandbox"]);
  });

  it("never offers the sandbox in production", () => {
    expect(getPaymentProvider({ APP_ENV: "production", SANDBOX_PAY_SECRET: "dev-secret" }, "sandbox")).toBeNull();
  });

  it("throws for half-configured or malformed settings, naming them", () => {
    const { WECHATPAY_API_V3_KEY: _k, ...noKey } = WECHAT;
    expect(() => getPaymentProvider({ ...noKey }, "wechat")).toThrow(/missing WECHATPAY_API_V3_KEY/);
    expect(() => getPaymentProvider({ ...WECHAT, WECHATPAY_PLATFORM_CERTS: "not json" }, "wechat")).toThrow(/WECHATPAY_PLATFORM_CERTS/);
    expect(() => getPaymentProvider({ ...WECHAT, WECHATPAY_PLATFORM_CERTS: "[]" }, "wechat")).toThrow(/WECHATPAY_PLATFORM_CERTS/);
    expect(() => getPaymentProvider({ ...WECHAT, WECHATPAY_PRIVATE_KEY: "garbage!" }, "wechat")).toThrow(/PEM/);
    expect(() => getPaymentProvider({ ...ALIPAY, ALIPAY_PRODUCT: "app" }, "alipay")).toThrow(/ALIPAY_PRODUCT/);
    expect(() => getPaymentProvider({ ALIPAY_APP_ID: "2021" }, "alipay")).toThrow(/ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY/);
  });

  it("passes an injected fetch to the provider", async () => {
    let called = "";
    const provider = getPaymentProvider({ ...ALIPAY, ALIPAY_PRODUCT: "qr" }, "alipay", {
      fetch: async (input) => {
        called = String(input);
        return new Response('{"alipay_trade_precreate_response":{"code":"40004","msg":"Business Failed","sub_code":"X"}}');
      },
    });
    await expect(
      provider!.createPayment({
        paymentId: "pay_1",
        orderId: "ord_1",
        amountFen: 1,
        description: "x",
        notifyUrl: "https://a.example/n",
        returnUrl: "https://a.example/r",
        expiresAt: Date.now() + 60_000,
      }),
    ).rejects.toThrow(/40004 X/);
    expect(called).toBe("https://openapi.alipay.com/gateway.do");
  });
});
