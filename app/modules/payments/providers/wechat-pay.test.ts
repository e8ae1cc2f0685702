import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importRsaPrivateKey } from "./pem";
import { PaymentProviderError } from "./types";
import {
  WECHATPAY_REFUND_EVENTS,
  buildWechatPayAuthorization,
  canonicalUrl,
  createWechatPayProvider,
  mapTradeState,
  type WechatPayConfig,
} from "./wechat-pay";

const rsa = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const merchant = rsa();
const platform = rsa();
const intruder = rsa();

const MCH_ID = "1900009191";
const APP_ID = "wxd678efh567hg6787";
const MCH_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const PLATFORM_SERIAL = "PUB_KEY_ID_0114232134912410000000000000";
const API_V3_KEY = "0123456789abcdefghijABCDEFGHIJkl"; // 32 ASCII bytes
const NOW = Date.UTC(2026, 10, 25, 13, 0, 0); // 21:00 in Shanghai
const NOW_S = String(NOW / 1000);

type FetchFn = typeof fetch;

function config(overrides: Partial<WechatPayConfig> = {}): WechatPayConfig {
  return {
    mchId: MCH_ID,
    appId: APP_ID,
    merchantSerialNo: MCH_SERIAL,
    merchantPrivateKey: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    platformKeys: { [PLATFORM_SERIAL]: platform.publicKey },
    now: () => NOW,
    ...overrides,
  };
}

const nodeSign = (message: string, privatePem: string) => createSign("RSA-SHA256").update(message).sign(privatePem, "base64");
const nodeVerify = (message: string, publicPem: string, signature: string) =>
  createVerify("RSA-SHA256").update(message).verify(publicPem, signature, "base64");

/** Signature headers the way WeChat Pay sends them, over `${timestamp}\n${nonce}\n${body}\n`. */
function wechatHeaders(body: string, opts: { timestamp?: string; serial?: string; key?: string; nonce?: string; signature?: string } = {}) {
  const timestamp = opts.timestamp ?? NOW_S;
  const nonce = opts.nonce ?? randomBytes(16).toString("hex");
  const signature = opts.signature ?? nodeSign(`${timestamp}\n${nonce}\n${body}\n`, opts.key ?? platform.privateKey);
  return new Headers({
    "Wechatpay-Timestamp": timestamp,
    "Wechatpay-Nonce": nonce,
    "Wechatpay-Signature": signature,
    "Wechatpay-Serial": opts.serial ?? PLATFORM_SERIAL,
    "Content-Type": "application/json",
  });
}

/** AEAD_AES_256_GCM as WeChat Pay does it: key = APIv3 key bytes, ciphertext = base64(ct ‖ 16-byte tag). */
function encryptResource(plaintext: string, key = API_V3_KEY, nonce = "fdasflkja484", associatedData = "transaction") {
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "utf8"), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]).toString("base64");
  return { original_type: "transaction", algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data: associatedData, nonce };
}

function transaction(overrides: Record<string, unknown> = {}) {
  return {
    mchid: MCH_ID,
    appid: APP_ID,
    out_trade_no: "pay_0123456789abcdefghjk",
    transaction_id: "4200000000202611250000000001",
    trade_type: "NATIVE",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    bank_type: "CMC",
    attach: "",
    success_time: "2026-11-25T20:59:30+08:00",
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    amount: { total: 1234, payer_total: 1234, currency: "CNY", payer_currency: "CNY" },
    ...overrides,
  };
}

function notificationBody(tx: object, envelope: Record<string, unknown> = {}, resource?: object) {
  return JSON.stringify({
    id: "EV-2018022511223320873",
    create_time: "2026-11-25T20:59:31+08:00",
    resource_type: "encrypt-resource",
    event_type: "TRANSACTION.SUCCESS",
    summary: "支付成功",
    resource: resource ?? encryptResource(JSON.stringify(tx)),
    ...envelope,
  });
}

/** A notification exactly as WeChat Pay would POST it. */
function notification(tx: object = transaction(), headerOpts: Parameters<typeof wechatHeaders>[1] = {}) {
  const body = notificationBody(tx);
  return { headers: wechatHeaders(body, headerOpts), body };
}

describe("WeChat Pay notifications", () => {
  const provider = createWechatPayProvider(config());

  it("verifies and decrypts a notification built the way WeChat Pay builds it", async () => {
    const result = await provider.verifyNotification(notification(), NOW);
    expect(result).toEqual({
      ok: true,
      notification: {
        paymentId: "pay_0123456789abcdefghjk",
        providerTradeNo: "4200000000202611250000000001",
        status: "succeeded",
        amountFen: 1234,
        paidAt: Date.UTC(2026, 10, 25, 12, 59, 30),
        raw: expect.objectContaining({ eventId: "EV-2018022511223320873", transaction: expect.objectContaining({ bank_type: "CMC" }) }),
      },
    });
  });

  it("accepts a timestamp up to 5 minutes old", async () => {
    const result = await provider.verifyNotification(notification(transaction(), { timestamp: String(NOW / 1000 - 299) }), NOW);
    expect(result.ok).toBe(true);
  });

  it("refuses a tampered body", async () => {
    const { headers, body } = notification();
    const tampered = body.replace("支付成功", "支付失败");
    expect(tampered).not.toBe(body);
    expect(await provider.verifyNotification({ headers, body: tampered }, NOW)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("refuses a tampered amount inside the ciphertext, even when the headers are re-signed", async () => {
    // Flip bits in the ciphertext where the amount lives; an attacker without the APIv3 key cannot fix the GCM tag.
    const plain = JSON.stringify(transaction());
    const resource = encryptResource(plain);
    const bytes = Buffer.from(resource.ciphertext, "base64");
    const at = plain.indexOf('"total":1234') + '"total":'.length;
    bytes[at]! ^= "1".charCodeAt(0) ^ "9".charCodeAt(0); // 1234 → 9234
    const body = notificationBody({}, {}, { ...resource, ciphertext: bytes.toString("base64") });
    const result = await provider.verifyNotification({ headers: wechatHeaders(body), body }, NOW);
    expect(result).toEqual({ ok: false, reason: "resource does not decrypt with the APIv3 key" });
  });

  it("refuses a resource encrypted with another APIv3 key or other associated data", async () => {
    const tx = JSON.stringify(transaction());
    for (const resource of [
      encryptResource(tx, "ZZZZZZZZZZabcdefghijABCDEFGHIJkl"),
      { ...encryptResource(tx), associated_data: "refund" },
      { ...encryptResource(tx), nonce: "000000000000" },
    ]) {
      const body = notificationBody({}, {}, resource);
      expect(await provider.verifyNotification({ headers: wechatHeaders(body), body }, NOW)).toMatchObject({ ok: false });
    }
  });

  it("refuses an unknown serial", async () => {
    const result = await provider.verifyNotification(notification(transaction(), { serial: "UNKNOWN_SERIAL" }), NOW);
    expect(result).toEqual({ ok: false, reason: "unknown Wechatpay-Serial UNKNOWN_SERIAL" });
  });

  it("refuses a signature made with another key under the right serial", async () => {
    const result = await provider.verifyNotification(notification(transaction(), { key: intruder.privateKey }), NOW);
    expect(result).toEqual({ ok: false, reason: "bad signature" });
  });

  it("refuses WeChat Pay's signature probe (WECHATPAY/SIGNTEST/) and garbage signatures", async () => {
    for (const signature of ["WECHATPAY/SIGNTEST/abc", "", "AAAA", "not base64!"]) {
      const result = await provider.verifyNotification(notification(transaction(), { signature }), NOW);
      expect(result.ok).toBe(false);
    }
  });

  it("refuses a timestamp 6 minutes old, or 6 minutes ahead", async () => {
    for (const timestamp of [String(NOW / 1000 - 360), String(NOW / 1000 + 360)]) {
      const result = await provider.verifyNotification(notification(transaction(), { timestamp }), NOW);
      expect(result).toEqual({ ok: false, reason: "timestamp outside the 5-minute window" });
    }
  });

  it("refuses missing headers", async () => {
    const { headers, body } = notification();
    headers.delete("Wechatpay-Serial");
    expect(await provider.verifyNotification({ headers, body }, NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
  });

  it("refuses another merchant's or another app's transaction", async () => {
    expect(await provider.verifyNotification(notification(transaction({ mchid: "1900000001" })), NOW)).toEqual({
      ok: false,
      reason: "mchid does not match",
    });
    expect(await provider.verifyNotification(notification(transaction({ appid: "wx0000000000000000" })), NOW)).toEqual({
      ok: false,
      reason: "appid does not match",
    });
  });

  it("refuses other event types and malformed transactions", async () => {
    const otherBody = notificationBody(transaction(), { event_type: "MCHTRANSFER.BILL.FINISHED" });
    expect(await provider.verifyNotification({ headers: wechatHeaders(otherBody), body: otherBody }, NOW)).toEqual({
      ok: false,
      reason: "unsupported event_type MCHTRANSFER.BILL.FINISHED",
    });
    // A refund event must carry a refund, not a transaction.
    const refundBody = notificationBody(transaction(), { event_type: "REFUND.SUCCESS" });
    expect(await provider.verifyNotification({ headers: wechatHeaders(refundBody), body: refundBody }, NOW)).toEqual({
      ok: false,
      reason: "unsupported original_type transaction",
    });
    for (const tx of [
      transaction({ amount: { total: 12.34, currency: "CNY" } }),
      transaction({ amount: { total: "1234", currency: "CNY" } }),
      transaction({ amount: { total: 1234, currency: "USD" } }),
      transaction({ out_trade_no: "" }),
      transaction({ trade_state: "WHATEVER" }),
      transaction({ success_time: "yesterday" }),
      transaction({ success_time: undefined }),
    ]) {
      expect((await provider.verifyNotification(notification(tx), NOW)).ok).toBe(false);
    }
    const notJson = "not json";
    expect(await provider.verifyNotification({ headers: wechatHeaders(notJson), body: notJson }, NOW)).toEqual({
      ok: false,
      reason: "malformed notification body",
    });
  });

  it("maps trade states", () => {
    expect(mapTradeState("SUCCESS")).toBe("succeeded");
    expect(mapTradeState("CLOSED")).toBe("closed");
    expect(mapTradeState("REVOKED")).toBe("closed");
    expect(mapTradeState("PAYERROR")).toBe("failed");
    expect(mapTradeState("NOTPAY")).toBe("pending");
    expect(mapTradeState("USERPAYING")).toBe("pending");
    expect(mapTradeState("REFUND")).toBeUndefined();
  });

  it("answers 204 on success and 500 FAIL JSON on failure", () => {
    expect(provider.ackResponse(true)).toEqual({ status: 204, body: "", headers: {} });
    const fail = provider.ackResponse(false, "bad signature");
    expect(fail.status).toBe(500);
    expect(JSON.parse(fail.body)).toEqual({ code: "FAIL", message: "bad signature" });
    expect(fail.headers["Content-Type"]).toMatch(/application\/json/);
  });
});

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",…`. */
function parseAuthorization(header: string): Record<string, string> {
  expect(header.startsWith("WECHATPAY2-SHA256-RSA2048 ")).toBe(true);
  const fields: Record<string, string> = {};
  for (const m of header.slice("WECHATPAY2-SHA256-RSA2048 ".length).matchAll(/(\w+)="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  return fields;
}

interface Captured {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  authorization: Record<string, string>;
}

/** A stand-in for api.mch.weixin.qq.com: checks the merchant signature like WeChat Pay does, answers signed. */
function fakeWechatPay(answer: (req: Captured) => { status?: number; body: string; sign?: (body: string) => Headers }) {
  const requests: Captured[] = [];
  const fetchFn: FetchFn = async (input, init) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === "string" ? init.body : "";
    const method = init?.method ?? "GET";
    const authorization = parseAuthorization(headers.get("Authorization") ?? "");
    const message = `${method}\n${canonicalUrl(url)}\n${authorization.timestamp}\n${authorization.nonce_str}\n${body}\n`;
    if (!nodeVerify(message, merchant.publicKey, authorization.signature ?? "")) {
      return new Response(JSON.stringify({ code: "SIGN_ERROR", message: "签名错误" }), { status: 401 });
    }
    const captured = { url, method, headers, body, authorization };
    requests.push(captured);
    const a = answer(captured);
    return new Response(a.body === "" ? null : a.body, { status: a.status ?? 200, headers: (a.sign ?? ((b) => wechatHeaders(b)))(a.body) });
  };
  return { fetchFn, requests };
}

const paymentInput = {
  paymentId: "pay_0123456789abcdefghjk",
  orderId: "ord_0123456789abcdefghjk",
  amountFen: 1234,
  description: "社区团购-东北大米 5kg",
  notifyUrl: "https://tuangou.example/api/payments/wechat/notify",
  returnUrl: "https://tuangou.example/orders/ord_0123456789abcdefghjk",
  expiresAt: Date.UTC(2026, 10, 25, 13, 30, 0),
};

describe("WeChat Pay request signing", () => {
  it("builds an Authorization header whose signature verifies with the merchant public key and equals node:crypto's", async () => {
    const body = JSON.stringify({ a: "中文", n: 1 });
    const header = await buildWechatPayAuthorization({
      method: "POST",
      url: "https://api.mch.weixin.qq.com/v3/pay/transactions/native?x=1&y=%20",
      body,
      mchId: MCH_ID,
      serialNo: MCH_SERIAL,
      privateKey: await importRsaPrivateKey(merchant.privateKey),
      timestamp: "1554208460",
      nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
    });
    const f = parseAuthorization(header);
    expect(f).toMatchObject({ mchid: MCH_ID, serial_no: MCH_SERIAL, timestamp: "1554208460", nonce_str: "593BEC0C930BF1AFEB40B4A08C8FB242" });
    const message = `POST\n/v3/pay/transactions/native?x=1&y=%20\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n${body}\n`;
    expect(nodeVerify(message, merchant.publicKey, f.signature!)).toBe(true);
    expect(f.signature).toBe(nodeSign(message, merchant.privateKey));
    expect(header).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="${f.signature}",timestamp="1554208460",serial_no="${MCH_SERIAL}"`,
    );
  });

  it("signs a GET with an empty body line", async () => {
    const header = await buildWechatPayAuthorization({
      method: "GET",
      url: "https://api.mch.weixin.qq.com/v3/certificates",
      body: "",
      mchId: MCH_ID,
      serialNo: MCH_SERIAL,
      privateKey: await importRsaPrivateKey(merchant.privateKey),
      timestamp: "1554208460",
      nonce: "N",
    });
    expect(nodeVerify("GET\n/v3/certificates\n1554208460\nN\n\n", merchant.publicKey, parseAuthorization(header).signature!)).toBe(true);
  });
});

describe("WeChat Pay createPayment", () => {
  it("Native: sends a correctly signed order and returns the code_url", async () => {
    const fake = fakeWechatPay(() => ({ body: JSON.stringify({ code_url: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz" }) }));
    const provider = createWechatPayProvider(config({ fetch: fake.fetchFn }));
    const result = await provider.createPayment({ ...paymentInput, clientIp: "203.0.113.7" });
    expect(result).toEqual({ kind: "qr", codeUrl: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz" });

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://api.mch.weixin.qq.com/v3/pay/transactions/native");
    expect(req.authorization).toMatchObject({ mchid: MCH_ID, serial_no: MCH_SERIAL, timestamp: NOW_S });
    expect(req.authorization.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(req.headers.get("Accept")).toBe("application/json");
    expect(req.headers.get("Content-Type")).toBe("application/json");
    expect(req.headers.get("User-Agent")).toBeTruthy();
    expect(JSON.parse(req.body)).toEqual({
      appid: APP_ID,
      mchid: MCH_ID,
      description: paymentInput.description,
      out_trade_no: paymentInput.paymentId,
      time_expire: "2026-11-25T21:30:00+08:00",
      notify_url: paymentInput.notifyUrl,
      amount: { total: 1234, currency: "CNY" },
      scene_info: { payer_client_ip: "203.0.113.7" },
    });
  });

  it("uses the configured base URL in the request and in the signed canonical URL", async () => {
    const fake = fakeWechatPay(() => ({ body: JSON.stringify({ code_url: "weixin://x" }) }));
    const provider = createWechatPayProvider(config({ fetch: fake.fetchFn, baseUrl: "http://127.0.0.1:9999/" }));
    await provider.createPayment(paymentInput);
    expect(fake.requests[0]!.url).toBe("http://127.0.0.1:9999/v3/pay/transactions/native");
  });

  it("JSAPI: orders with payer.openid and returns pay params signed over appId, timeStamp, nonceStr, package", async () => {
    const fake = fakeWechatPay(() => ({ body: JSON.stringify({ prepay_id: "wx201410272009395522657a690389285100" }) }));
    const provider = createWechatPayProvider(config({ fetch: fake.fetchFn }));
    const result = await provider.createPayment({ ...paymentInput, payerOpenId: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" });
    expect(fake.requests[0]!.url).toBe("https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi");
    expect(JSON.parse(fake.requests[0]!.body).payer).toEqual({ openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" });
    expect(result.kind).toBe("jsapi");
    const p = (result as { kind: "jsapi"; params: Record<string, string> }).params;
    expect(p).toMatchObject({ appId: APP_ID, timeStamp: NOW_S, package: "prepay_id=wx201410272009395522657a690389285100", signType: "RSA" });
    expect(Object.keys(p).sort()).toEqual(["appId", "nonceStr", "package", "paySign", "signType", "timeStamp"]);
    const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
    expect(nodeVerify(message, merchant.publicKey, p.paySign!)).toBe(true);
    expect(p.paySign).toBe(nodeSign(message, merchant.privateKey));
  });

  it("refuses an answer whose signature does not verify, or that is signed with an unknown serial", async () => {
    for (const sign of [
      (b: string) => wechatHeaders(b, { key: intruder.privateKey }),
      (b: string) => wechatHeaders(b, { serial: "OTHER" }),
      (b: string) => wechatHeaders(b, { timestamp: String(NOW / 1000 - 3600) }),
      () => new Headers(),
    ]) {
      const fake = fakeWechatPay(() => ({ body: JSON.stringify({ code_url: "weixin://evil" }), sign }));
      const provider = createWechatPayProvider(config({ fetch: fake.fetchFn }));
      const error = await provider.createPayment(paymentInput).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaymentProviderError);
      expect((error as PaymentProviderError).reason).toMatch(/^response signature: (bad signature|unknown Wechatpay-Serial|timestamp outside|missing)/);
    }
  });

  it("reports WeChat Pay's error code", async () => {
    const fake = fakeWechatPay(() => ({ status: 400, body: JSON.stringify({ code: "PARAM_ERROR", message: "参数错误" }), sign: () => new Headers() }));
    const provider = createWechatPayProvider(config({ fetch: fake.fetchFn }));
    await expect(provider.createPayment(paymentInput)).rejects.toThrow(/HTTP 400 PARAM_ERROR: 参数错误/);
  });

  it("reports network failures as PaymentProviderError", async () => {
    const provider = createWechatPayProvider(
      config({
        fetch: async () => {
          throw new TypeError("connection refused");
        },
      }),
    );
    await expect(provider.createPayment(paymentInput)).rejects.toThrow(/network error: connection refused/);
  });

  it("refuses configuration with a wrong-length APIv3 key or no platform keys", () => {
    expect(() => createWechatPayProvider(config({ apiV3Key: "short" }))).toThrow(/32-byte/);
    expect(() => createWechatPayProvider(config({ platformKeys: {} }))).toThrow(/platform/);
  });
});

describe("WeChat Pay refund", () => {
  const refundInput = {
    refundId: "rfd_0123456789abcdefghjk",
    paymentId: "pay_0123456789abcdefghjk",
    providerTradeNo: "4200000000202611250000000001",
    amountFen: 500,
    totalFen: 1234,
    reason: "团购未成团",
    notifyUrl: "https://tuangou.example/api/payments/wechat/refund-notify",
  };

  it("posts a signed domestic refund and maps PROCESSING / SUCCESS", async () => {
    for (const [status, expected] of [
      ["PROCESSING", "processing"],
      ["SUCCESS", "succeeded"],
    ] as const) {
      const fake = fakeWechatPay(() => ({
        body: JSON.stringify({ refund_id: "50000000382019052709732678859", out_refund_no: refundInput.refundId, status }),
      }));
      const provider = createWechatPayProvider(config({ fetch: fake.fetchFn }));
      expect(await provider.refund(refundInput)).toEqual({ ok: true, providerRefundNo: "50000000382019052709732678859", status: expected });
      expect(fake.requests[0]!.url).toBe("https://api.mch.weixin.qq.com/v3/refund/domestic/refunds");
      expect(JSON.parse(fake.requests[0]!.body)).toEqual({
        transaction_id: refundInput.providerTradeNo,
        out_refund_no: refundInput.refundId,
        reason: refundInput.reason,
        notify_url: refundInput.notifyUrl,
        amount: { refund: 500, total: 1234, currency: "CNY" },
      });
    }
  });

  it("reports ABNORMAL/CLOSED, errors, and bad amounts as failures", async () => {
    const abnormal = fakeWechatPay(() => ({ body: JSON.stringify({ refund_id: "5000", status: "ABNORMAL" }) }));
    expect(await createWechatPayProvider(config({ fetch: abnormal.fetchFn })).refund(refundInput)).toEqual({
      ok: false,
      reason: "refund status ABNORMAL",
    });
    const error = fakeWechatPay(() => ({ status: 403, body: JSON.stringify({ code: "NOT_ENOUGH", message: "余额不足" }) }));
    expect(await createWechatPayProvider(config({ fetch: error.fetchFn })).refund(refundInput)).toEqual({
      ok: false,
      reason: "HTTP 403 NOT_ENOUGH: 余额不足",
    });
    const unused = fakeWechatPay(() => ({ body: "{}" }));
    const provider = createWechatPayProvider(config({ fetch: unused.fetchFn }));
    expect((await provider.refund({ ...refundInput, amountFen: 2000 })).ok).toBe(false);
    expect((await provider.refund({ ...refundInput, amountFen: 0 })).ok).toBe(false);
    expect(unused.requests).toHaveLength(0);
  });
});

// ---------- refund results: notifications and queries ----------

function refundResource(overrides: Record<string, unknown> = {}) {
  return {
    mchid: MCH_ID,
    out_trade_no: "pay_0123456789abcdefghjk",
    transaction_id: "4200000000202611250000000001",
    out_refund_no: "rfd_0123456789abcdefghjk",
    refund_id: "50000000382019052709732678859",
    refund_status: "SUCCESS",
    success_time: "2026-11-25T21:00:05+08:00",
    user_received_account: "招商银行信用卡0403",
    amount: { total: 1234, refund: 500, payer_total: 1234, payer_refund: 500 },
    ...overrides,
  };
}

/** 退款结果通知 as WeChat Pay posts it: the refund encrypted with AAD "refund", original_type "refund", headers signed. */
function refundNotification(
  refund: object = refundResource(),
  opts: { eventType?: string; key?: string; apiV3Key?: string; originalType?: string; headerOpts?: Parameters<typeof wechatHeaders>[1] } = {},
) {
  const resource = { ...encryptResource(JSON.stringify(refund), opts.apiV3Key, "0123456789ab", "refund"), original_type: opts.originalType ?? "refund" };
  const body = notificationBody(refund, { event_type: opts.eventType ?? "REFUND.SUCCESS", summary: "退款状态变更" }, resource);
  return { headers: wechatHeaders(body, { key: opts.key, ...opts.headerOpts }), body };
}

describe("WeChat Pay refund notifications", () => {
  const provider = createWechatPayProvider(config());

  it("verifies and decrypts REFUND.SUCCESS built the way WeChat Pay builds it", async () => {
    const result = await provider.verifyNotification(refundNotification(), NOW);
    expect(result).toEqual({
      ok: true,
      refund: {
        refundId: "rfd_0123456789abcdefghjk",
        paymentId: "pay_0123456789abcdefghjk",
        providerTradeNo: "4200000000202611250000000001",
        providerRefundNo: "50000000382019052709732678859",
        status: "succeeded",
        providerStatus: "SUCCESS",
        amountFen: 500,
        succeededAt: Date.UTC(2026, 10, 25, 13, 0, 5),
        raw: expect.objectContaining({ eventType: "REFUND.SUCCESS", refund: refundResource() }),
      },
    });
  });

  it("reports REFUND.ABNORMAL and REFUND.CLOSED as failed refunds", async () => {
    for (const [event, status] of Object.entries(WECHATPAY_REFUND_EVENTS).filter(([e]) => e !== "REFUND.SUCCESS")) {
      const n = refundNotification(refundResource({ refund_status: status, success_time: undefined }), { eventType: event });
      expect(await provider.verifyNotification(n, NOW)).toMatchObject({ ok: true, refund: { status: "failed", providerStatus: status, amountFen: 500 } });
    }
  });

  it("refuses forged, tampered, stale and inconsistent refund notifications", async () => {
    const cases: Array<[string, { headers: Headers; body: string }, RegExp]> = [
      ["signed with another key", refundNotification(refundResource(), { key: intruder.privateKey }), /^bad signature$/],
      ["unknown serial", refundNotification(refundResource(), { headerOpts: { serial: "PUB_KEY_ID_OTHER" } }), /unknown Wechatpay-Serial/],
      ["6 minutes old", refundNotification(refundResource(), { headerOpts: { timestamp: String(NOW / 1000 - 360) } }), /5-minute window/],
      ["encrypted with another APIv3 key", refundNotification(refundResource(), { apiV3Key: "ZZZZZZZZZZabcdefghijABCDEFGHIJkl" }), /does not decrypt/],
      ["another merchant", refundNotification(refundResource({ mchid: "1900000001" })), /mchid does not match/],
      ["status not matching the event", refundNotification(refundResource({ refund_status: "ABNORMAL" })), /refund_status ABNORMAL does not match event_type REFUND.SUCCESS/],
      ["a transaction under a refund event", refundNotification(refundResource(), { originalType: "transaction" }), /unsupported original_type transaction/],
      ["fractional amount", refundNotification(refundResource({ amount: { total: 1234, refund: 5.5 } })), /malformed refund/],
      ["no out_refund_no", refundNotification(refundResource({ out_refund_no: "" })), /malformed refund/],
      ["malformed success_time", refundNotification(refundResource({ success_time: "today" })), /malformed success_time/],
    ];
    for (const [label, n, reason] of cases) {
      const result = await provider.verifyNotification(n, NOW);
      expect(result.ok, label).toBe(false);
      expect((result as { reason: string }).reason, label).toMatch(reason);
    }
    // A body changed after signing (the amount inside can only change by re-encrypting, which the signature covers).
    const genuine = refundNotification();
    const changed = genuine.body.replace('"REFUND.SUCCESS"', '"REFUND.CLOSED"');
    expect(await provider.verifyNotification({ headers: genuine.headers, body: changed }, NOW)).toEqual({ ok: false, reason: "bad signature" });
  });
});

describe("WeChat Pay queryRefund", () => {
  const query = {
    refundId: "rfd_0123456789abcdefghjk",
    paymentId: "pay_0123456789abcdefghjk",
    providerTradeNo: "4200000000202611250000000001",
    amountFen: 500,
  };
  /** The 查询单笔退款 answer, as in WeChat Pay's documentation. */
  const answer = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      refund_id: "50000000382019052709732678859",
      out_refund_no: query.refundId,
      transaction_id: query.providerTradeNo,
      out_trade_no: query.paymentId,
      channel: "ORIGINAL",
      user_received_account: "招商银行信用卡0403",
      success_time: "2026-11-25T21:00:05+08:00",
      create_time: "2026-11-25T20:59:40+08:00",
      status: "SUCCESS",
      funds_account: "AVAILABLE",
      amount: { total: 1234, refund: 500, payer_total: 1234, payer_refund: 500, settlement_refund: 500, settlement_total: 1234, discount_refund: 0, currency: "CNY" },
      ...overrides,
    });

  it("GETs /v3/refund/domestic/refunds/{out_refund_no}, signed over the request line and an empty body, and verifies the answer", async () => {
    const fake = fakeWechatPay(() => ({ body: answer() }));
    const provider = createWechatPayProvider(config({ fetch: fake.fetchFn }));
    expect(await provider.queryRefund(query)).toEqual({
      ok: true,
      status: "succeeded",
      providerRefundNo: "50000000382019052709732678859",
      succeededAt: Date.UTC(2026, 10, 25, 13, 0, 5),
    });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.method).toBe("GET");
    expect(req.url).toBe("https://api.mch.weixin.qq.com/v3/refund/domestic/refunds/rfd_0123456789abcdefghjk");
    expect(req.body).toBe("");
    expect(req.headers.get("Accept")).toBe("application/json");
    expect(req.authorization).toMatchObject({ mchid: MCH_ID, serial_no: MCH_SERIAL, timestamp: NOW_S });
    // Byte-identical to node:crypto over WeChat's 签名串 (PKCS#1 v1.5 is deterministic).
    const message = `GET\n/v3/refund/domestic/refunds/rfd_0123456789abcdefghjk\n${NOW_S}\n${req.authorization.nonce_str}\n\n`;
    expect(req.authorization.signature).toBe(nodeSign(message, merchant.privateKey));
  });

  it("maps PROCESSING, CLOSED and ABNORMAL, and 404 RESOURCE_NOT_EXISTS as not found", async () => {
    const ask = async (status: number, body: string) =>
      createWechatPayProvider(config({ fetch: fakeWechatPay(() => ({ status, body, ...(status === 200 ? {} : { sign: () => new Headers() }) })).fetchFn })).queryRefund(query);
    expect(await ask(200, answer({ status: "PROCESSING", success_time: undefined }))).toEqual({
      ok: true,
      status: "processing",
      providerRefundNo: "50000000382019052709732678859",
    });
    expect(await ask(200, answer({ status: "CLOSED" }))).toMatchObject({ ok: true, status: "failed", reason: "refund status CLOSED" });
    expect(await ask(200, answer({ status: "ABNORMAL" }))).toMatchObject({ ok: true, status: "failed", reason: "refund status ABNORMAL" });
    expect(await ask(404, JSON.stringify({ code: "RESOURCE_NOT_EXISTS", message: "退款单不存在" }))).toEqual({ ok: true, status: "not_found" });
    // Anything else is "could not find out": asked again later, never acted on.
    expect(await ask(429, JSON.stringify({ code: "FREQUENCY_LIMITED", message: "频率超限" }))).toEqual({ ok: false, reason: "HTTP 429 FREQUENCY_LIMITED: 频率超限" });
    expect(await ask(404, "")).toEqual({ ok: false, reason: "HTTP 404" });
    expect(await ask(200, answer({ status: "WHATEVER" }))).toEqual({ ok: false, reason: "unknown refund status WHATEVER" });
  });

  it("refuses an answer that is not signed by WeChat Pay, or is about another refund or amount", async () => {
    for (const sign of [
      (b: string) => wechatHeaders(b, { key: intruder.privateKey }),
      (b: string) => wechatHeaders(b, { serial: "OTHER" }),
      (b: string) => wechatHeaders(b, { timestamp: String(NOW / 1000 - 3600) }),
      () => new Headers(),
    ]) {
      const fake = fakeWechatPay(() => ({ body: answer(), sign }));
      const result = await createWechatPayProvider(config({ fetch: fake.fetchFn })).queryRefund(query);
      expect(result.ok).toBe(false);
      expect((result as { reason: string }).reason).toMatch(/^response signature: /);
    }
    for (const [overrides, reason] of [
      [{ out_refund_no: "rfd_other" }, "refund answer is for another out_refund_no"],
      [{ out_trade_no: "pay_other" }, "refund answer is for another out_trade_no"],
      [{ transaction_id: "4200000000202611250000000002" }, "refund answer is for another transaction_id"],
      [{ amount: { total: 1234, refund: 501, currency: "CNY" } }, "refund amount 501 does not match 500"],
      [{ amount: { total: 1234, refund: 500, currency: "USD" } }, "unexpected currency USD"],
    ] as const) {
      const fake = fakeWechatPay(() => ({ body: answer(overrides) }));
      expect(await createWechatPayProvider(config({ fetch: fake.fetchFn })).queryRefund(query)).toEqual({ ok: false, reason });
    }
  });

  it("reports network failures as a value", async () => {
    const provider = createWechatPayProvider(
      config({
        fetch: async () => {
          throw new TypeError("connection reset");
        },
      }),
    );
    expect(await provider.queryRefund(query)).toEqual({ ok: false, reason: "network error: connection reset" });
  });
});
