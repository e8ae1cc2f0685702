import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  alipayNotifySignContent,
  alipayRequestSignContent,
  createAlipayProvider,
  extractAlipayResponse,
  mapTradeStatus,
  parseForm,
  rawJsonMembers,
  type AlipayConfig,
} from "./alipay";
import { PaymentProviderError } from "./types";

const rsa = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const app = rsa(); // 应用私钥 / 应用公钥
const alipay = rsa(); // 支付宝私钥 (Alipay's side) / 支付宝公钥
const intruder = rsa();

const APP_ID = "2021000000000001";
const SELLER_ID = "2088102146225135";
const NOW = Date.UTC(2026, 10, 25, 13, 0, 0); // 2026-11-25 21:00:00 in Shanghai
const GATEWAY = "https://openapi.alipay.com/gateway.do";

const nodeSign = (content: string, key = alipay.privateKey) => createSign("RSA-SHA256").update(content, "utf8").sign(key, "base64");
const nodeVerify = (content: string, signature: string, key = app.publicKey) =>
  createVerify("RSA-SHA256").update(content, "utf8").verify(key, signature, "base64");

/** The sign content computed independently of the code under test: sorted k=v, `exclude`d keys and empty values left out. */
function referenceContent(params: Record<string, string>, exclude: string[], keepEmpty = false) {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && (keepEmpty || params[k] !== ""))
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

function config(overrides: Partial<AlipayConfig> = {}): AlipayConfig {
  return {
    appId: APP_ID,
    privateKey: app.privateKey,
    alipayPublicKey: alipay.publicKey,
    sellerId: SELLER_ID,
    now: () => NOW,
    ...overrides,
  };
}

const paymentInput = {
  paymentId: "pay_0123456789abcdefghjk",
  orderId: "ord_0123456789abcdefghjk",
  amountFen: 1234,
  description: "社区团购 东北大米 5kg",
  notifyUrl: "https://tuangou.example/api/payments/alipay/notify",
  returnUrl: "https://tuangou.example/orders/ord_0123456789abcdefghjk?paid=1&x=y",
  expiresAt: Date.UTC(2026, 10, 25, 13, 30, 0),
};

describe("Alipay sign content", () => {
  it("requests: sorts by key, keeps sign_type, leaves out sign and empty values, uses raw values", () => {
    const content = alipayRequestSignContent({
      timestamp: "2026-11-25 21:00:00",
      sign: "SHOULD-NOT-APPEAR",
      app_id: APP_ID,
      sign_type: "RSA2",
      biz_content: '{"subject":"大米 & 面","total_amount":"0.01"}',
      return_url: "",
      notify_url: "https://a.example/n?x=1&y=2",
      method: "alipay.trade.page.pay",
      charset: "utf-8",
      app_auth_token: undefined,
      Version: "X", // upper case sorts before lower case in ASCII
      format: "JSON",
      version: "1.0",
    });
    expect(content).toBe(
      "Version=X&app_id=2021000000000001&biz_content={\"subject\":\"大米 & 面\",\"total_amount\":\"0.01\"}&charset=utf-8" +
        "&format=JSON&method=alipay.trade.page.pay&notify_url=https://a.example/n?x=1&y=2&sign_type=RSA2" +
        "&timestamp=2026-11-25 21:00:00&version=1.0",
    );
  });

  it("notifications: leave out sign and sign_type, keep empty values (rsaCheckV1), or drop them on request", () => {
    const params = { b: "2", sign_type: "RSA2", a: "1", sign: "xyz", empty: "", c: "x y" };
    expect(alipayNotifySignContent(params)).toBe("a=1&b=2&c=x y&empty=");
    expect(alipayNotifySignContent(params, true)).toBe("a=1&b=2&c=x y");
  });
});

describe("Alipay createPayment", () => {
  it("page pay: a gateway redirect signed exactly like a Node SDK would sign it", async () => {
    const provider = createAlipayProvider(config());
    const result = await provider.createPayment(paymentInput);
    expect(result.kind).toBe("redirect");
    const url = new URL((result as { url: string }).url);
    expect(url.origin + url.pathname).toBe(GATEWAY);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      app_id: APP_ID,
      method: "alipay.trade.page.pay",
      format: "JSON",
      charset: "utf-8",
      sign_type: "RSA2",
      timestamp: "2026-11-25 21:00:00",
      version: "1.0",
      notify_url: paymentInput.notifyUrl,
      return_url: paymentInput.returnUrl,
    });
    expect(JSON.parse(params.biz_content!)).toEqual({
      out_trade_no: paymentInput.paymentId,
      total_amount: "12.34",
      subject: paymentInput.description,
      product_code: "FAST_INSTANT_TRADE_PAY",
      time_expire: "2026-11-25 21:30:00",
    });
    const content = referenceContent(params, ["sign"]);
    expect(content).toContain("sign_type=RSA2");
    expect(nodeVerify(content, params.sign!)).toBe(true);
    expect(params.sign).toBe(nodeSign(content, app.privateKey)); // PKCS#1 v1.5 is deterministic
  });

  it("wap pay: QUICK_WAP_WAY with quit_url", async () => {
    const provider = createAlipayProvider(config({ product: "wap", gateway: "https://openapi-sandbox.dl.alipaydev.com/gateway.do" }));
    const result = (await provider.createPayment(paymentInput)) as { kind: "redirect"; url: string };
    const url = new URL(result.url);
    expect(url.host).toBe("openapi-sandbox.dl.alipaydev.com");
    const params = Object.fromEntries(url.searchParams);
    expect(params.method).toBe("alipay.trade.wap.pay");
    expect(JSON.parse(params.biz_content!)).toMatchObject({ product_code: "QUICK_WAP_WAY", quit_url: paymentInput.returnUrl });
    expect(nodeVerify(referenceContent(params, ["sign"]), params.sign!)).toBe(true);
  });

  it("QR (precreate): posts a signed request and returns the verified qr_code", async () => {
    const fake = fakeGateway(() =>
      signedAnswer("alipay_trade_precreate_response", {
        code: "10000",
        msg: "Success",
        out_trade_no: paymentInput.paymentId,
        qr_code: "https://qr.alipay.com/bax08431xq0ag1lqikrj00d7",
      }),
    );
    const provider = createAlipayProvider(config({ product: "qr", fetch: fake.fetchFn }));
    expect(await provider.createPayment(paymentInput)).toEqual({ kind: "qr", codeUrl: "https://qr.alipay.com/bax08431xq0ag1lqikrj00d7" });
    const req = fake.requests[0]!;
    expect(req.params.method).toBe("alipay.trade.precreate");
    expect(req.params.notify_url).toBe(paymentInput.notifyUrl);
    expect(req.params.return_url).toBeUndefined();
    expect(JSON.parse(req.params.biz_content!)).toEqual({
      out_trade_no: paymentInput.paymentId,
      total_amount: "12.34",
      subject: paymentInput.description,
      time_expire: "2026-11-25 21:30:00",
    });
  });

  it("QR (precreate): refuses an answer that is not signed by Alipay", async () => {
    const fake = fakeGateway(() =>
      signedAnswer("alipay_trade_precreate_response", { code: "10000", msg: "Success", qr_code: "https://evil" }, intruder.privateKey),
    );
    const provider = createAlipayProvider(config({ product: "qr", fetch: fake.fetchFn }));
    await expect(provider.createPayment(paymentInput)).rejects.toThrow(PaymentProviderError);
  });

  it("refuses amounts below one fen", async () => {
    await expect(createAlipayProvider(config()).createPayment({ ...paymentInput, amountFen: 0 })).rejects.toThrow(RangeError);
  });
});

/** An async notification with Alipay's field set, signed the way Alipay signs it. */
function notifyParams(overrides: Record<string, string> = {}, signKey = alipay.privateKey) {
  const params: Record<string, string> = {
    gmt_create: "2026-11-25 20:59:10",
    charset: "utf-8",
    seller_email: "shop@example.com",
    subject: "社区团购 东北大米 5kg",
    buyer_id: "2088102177846875",
    invoice_amount: "12.34",
    notify_id: "2026112500222205931066581469508431",
    fund_bill_list: '[{"amount":"12.34","fundChannel":"ALIPAYACCOUNT"}]',
    notify_type: "trade_status_sync",
    trade_status: "TRADE_SUCCESS",
    receipt_amount: "12.34",
    buyer_pay_amount: "12.34",
    app_id: APP_ID,
    notify_time: "2026-11-25 20:59:31",
    point_amount: "0.00",
    total_amount: "12.34",
    trade_no: "2026112522001446870500123456",
    auth_app_id: APP_ID,
    seller_id: SELLER_ID,
    gmt_payment: "2026-11-25 20:59:30",
    out_trade_no: paymentInput.paymentId,
    version: "1.0",
    ...overrides,
  };
  params.sign = nodeSign(referenceContent(params, ["sign", "sign_type"], true), signKey);
  params.sign_type = "RSA2";
  return params;
}

const formBody = (params: Record<string, string>) => new URLSearchParams(params).toString();
const post = (body: string) => ({ headers: new Headers({ "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }), body });

describe("Alipay notifications", () => {
  const provider = createAlipayProvider(config());

  it("verifies a notification signed with the Alipay key", async () => {
    const result = await provider.verifyNotification(post(formBody(notifyParams())), NOW);
    expect(result).toEqual({
      ok: true,
      notification: {
        paymentId: paymentInput.paymentId,
        providerTradeNo: "2026112522001446870500123456",
        status: "succeeded",
        amountFen: 1234,
        paidAt: Date.UTC(2026, 10, 25, 12, 59, 30),
        raw: expect.objectContaining({ notify_id: "2026112500222205931066581469508431", sign_type: "RSA2" }),
      },
    });
    expect((result as { notification: { raw: Record<string, string> } }).notification.raw.sign).toBeUndefined();
  });

  it("decodes %XX and + before verifying, whatever the encoder", async () => {
    const params = notifyParams();
    const percentEncoded = Object.entries(params)
      .map(([k, val]) => `${encodeURIComponent(k)}=${encodeURIComponent(val)}`)
      .join("&");
    expect(percentEncoded).toContain("%20");
    expect((await provider.verifyNotification(post(percentEncoded), NOW)).ok).toBe(true);
  });

  it("refuses a tampered total_amount", async () => {
    const params = notifyParams();
    params.total_amount = "0.01";
    expect(await provider.verifyNotification(post(formBody(params)), NOW)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("refuses an added parameter", async () => {
    const params = { ...notifyParams(), refund_fee: "12.34" };
    expect(await provider.verifyNotification(post(formBody(params)), NOW)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("refuses a bad or missing sign", async () => {
    const bySomeoneElse = notifyParams({}, intruder.privateKey);
    expect(await provider.verifyNotification(post(formBody(bySomeoneElse)), NOW)).toEqual({ ok: false, reason: "bad signature" });
    const { sign: _sign, ...unsigned } = notifyParams();
    expect(await provider.verifyNotification(post(formBody(unsigned)), NOW)).toEqual({ ok: false, reason: "missing sign" });
    expect(await provider.verifyNotification(post(formBody({ ...notifyParams(), sign: "@@@" })), NOW)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("refuses a genuine notification for another app or another seller", async () => {
    expect(await provider.verifyNotification(post(formBody(notifyParams({ app_id: "2021000000000002" }))), NOW)).toEqual({
      ok: false,
      reason: "app_id does not match",
    });
    expect(await provider.verifyNotification(post(formBody(notifyParams({ seller_id: "2088000000000000" }))), NOW)).toEqual({
      ok: false,
      reason: "seller_id does not match",
    });
    // Without a configured seller id, seller_id is not checked.
    const noSeller = createAlipayProvider(config({ sellerId: undefined }));
    expect((await noSeller.verifyNotification(post(formBody(notifyParams({ seller_id: "2088000000000000" }))), NOW)).ok).toBe(true);
  });

  it("maps trade_status, with WAIT_BUYER_PAY as pending and TRADE_CLOSED as closed", async () => {
    for (const [status, expected] of [
      ["TRADE_SUCCESS", "succeeded"],
      ["TRADE_FINISHED", "succeeded"],
      ["TRADE_CLOSED", "closed"],
      ["WAIT_BUYER_PAY", "pending"],
    ] as const) {
      const params = notifyParams({ trade_status: status });
      const result = await provider.verifyNotification(post(formBody(params)), NOW);
      expect(result).toMatchObject({ ok: true, notification: { status: expected, amountFen: 1234 } });
    }
    expect(mapTradeStatus("TRADE_PENDING")).toBeUndefined();
    expect(await provider.verifyNotification(post(formBody(notifyParams({ trade_status: "WHATEVER" }))), NOW)).toEqual({
      ok: false,
      reason: "unknown trade_status WHATEVER",
    });
  });

  it.each(["12.345", "-12.34", "1e3", " 12.34", "", "12,34"])("refuses a signed but malformed total_amount %j", async (amount) => {
    expect(await provider.verifyNotification(post(formBody(notifyParams({ total_amount: amount }))), NOW)).toEqual({
      ok: false,
      reason: "malformed total_amount",
    });
  });

  it("parses amounts exactly", async () => {
    for (const [text, fen] of [
      ["0.01", 1],
      ["100000000.00", 10_000_000_000],
      ["0.07", 7],
      ["19.99", 1999],
    ] as const) {
      const result = await provider.verifyNotification(post(formBody(notifyParams({ total_amount: text }))), NOW);
      expect(result).toMatchObject({ ok: true, notification: { amountFen: fen } });
    }
  });

  it("verifies an empty-valued parameter whether Alipay signed it kept (documented) or dropped", async () => {
    const kept = notifyParams({ passback_params: "" });
    expect((await provider.verifyNotification(post(formBody(kept)), NOW)).ok).toBe(true);
    const dropped: Record<string, string> = { ...notifyParams(), passback_params: "" };
    const { sign: _s, sign_type: _t, ...unsigned } = dropped;
    dropped.sign = nodeSign(referenceContent(unsigned, [], false));
    expect((await provider.verifyNotification(post(formBody(dropped)), NOW)).ok).toBe(true);
  });

  it("refuses RSA (SHA-1) sign_type, repeated keys and other notify types", async () => {
    expect(await provider.verifyNotification(post(formBody({ ...notifyParams(), sign_type: "RSA" })), NOW)).toEqual({
      ok: false,
      reason: "unsupported sign_type RSA",
    });
    expect(await provider.verifyNotification(post(`${formBody(notifyParams())}&total_amount=0.01`), NOW)).toEqual({
      ok: false,
      reason: "malformed form body",
    });
    expect((await provider.verifyNotification(post(formBody(notifyParams({ notify_type: "batch_trans_notify" }))), NOW)).ok).toBe(false);
  });

  it("answers success / fail as text", () => {
    expect(provider.ackResponse(true)).toEqual({ status: 200, body: "success", headers: { "Content-Type": "text/plain; charset=utf-8" } });
    expect(provider.ackResponse(false, "bad signature")).toMatchObject({ status: 200, body: "fail" });
  });

  it("parseForm refuses repeated keys", () => {
    expect(parseForm("a=1&b=2")).toEqual({ a: "1", b: "2" });
    expect(parseForm("a=1&a=2")).toBeNull();
  });
});

// ---------- a stand-in gateway ----------

interface GatewayRequest {
  params: Record<string, string>;
  headers: Headers;
}

/** `{"<node>":<json>,"sign":"…"}` with the sign over the exact JSON text of the node. */
function signedAnswer(node: string, value: Record<string, unknown>, key = alipay.privateKey, rawValue?: string) {
  const raw = rawValue ?? JSON.stringify(value);
  return `{"${node}":${raw},"sign":"${nodeSign(raw, key)}"}`;
}

function fakeGateway(answer: (req: GatewayRequest) => string) {
  const requests: GatewayRequest[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    expect(String(input)).toBe(GATEWAY);
    expect(init?.method).toBe("POST");
    const headers = new Headers(init?.headers);
    expect(headers.get("Content-Type")).toMatch(/^application\/x-www-form-urlencoded/);
    const params = Object.fromEntries(new URLSearchParams(String(init?.body)));
    // Alipay's check: the app public key verifies the request content (all but sign).
    if (!nodeVerify(referenceContent(params, ["sign"]), params.sign ?? "")) {
      return new Response('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}}');
    }
    requests.push({ params, headers });
    return new Response(answer({ params, headers }), { headers: { "Content-Type": "text/html;charset=utf-8" } });
  };
  return { fetchFn, requests };
}

describe("Alipay refund", () => {
  const refundInput = {
    refundId: "rfd_0123456789abcdefghjk",
    paymentId: paymentInput.paymentId,
    providerTradeNo: "2026112522001446870500123456",
    amountFen: 500,
    totalFen: 1234,
    reason: "团购未成团",
    notifyUrl: "",
  };
  const refundAnswer = {
    code: "10000",
    msg: "Success",
    buyer_logon_id: "159****5620",
    fund_change: "Y",
    gmt_refund_pay: "2026-11-25 21:00:01",
    out_trade_no: paymentInput.paymentId,
    refund_fee: "5.00",
    send_back_fee: "0.00",
    trade_no: "2026112522001446870500123456",
    buyer_user_id: "2088102177846875",
  };

  it("posts a signed alipay.trade.refund and verifies the signed answer", async () => {
    const fake = fakeGateway(() => signedAnswer("alipay_trade_refund_response", refundAnswer));
    const provider = createAlipayProvider(config({ fetch: fake.fetchFn }));
    expect(await provider.refund(refundInput)).toEqual({ ok: true, providerRefundNo: refundInput.refundId, status: "succeeded" });
    const req = fake.requests[0]!;
    expect(req.params).toMatchObject({ method: "alipay.trade.refund", app_id: APP_ID, sign_type: "RSA2", charset: "utf-8" });
    expect(req.params.notify_url).toBeUndefined();
    expect(JSON.parse(req.params.biz_content!)).toEqual({
      out_trade_no: refundInput.paymentId,
      trade_no: refundInput.providerTradeNo,
      refund_amount: "5.00",
      out_request_no: refundInput.refundId,
      refund_reason: refundInput.reason,
    });
  });

  it("treats fund_change N as processing", async () => {
    const fake = fakeGateway(() => signedAnswer("alipay_trade_refund_response", { ...refundAnswer, fund_change: "N" }));
    expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).refund(refundInput)).toMatchObject({ ok: true, status: "processing" });
  });

  it("verifies over the raw JSON text, not a re-serialisation", async () => {
    // Escaped slashes, unicode escapes, spaces and a "sign" look-alike inside a value: re-serialising would change the bytes.
    const raw =
      '{"code":"10000","msg":"Success","buyer_logon_id":"a\\"sign\\":\\"x","fund_change":"Y",' +
      '"out_trade_no":"pay_0123456789abcdefghjk","store_name":"\\u5927\\u7c73 \\/ shop", "refund_fee" : "5.00",' +
      '"refund_detail_item_list":[{"amount":"5.00","fund_channel":"ALIPAYACCOUNT"}],"trade_no":"2026112522001446870500123456"}';
    expect(JSON.stringify(JSON.parse(raw))).not.toBe(raw);
    const fake = fakeGateway(() => signedAnswer("alipay_trade_refund_response", {}, alipay.privateKey, raw));
    expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).refund(refundInput)).toMatchObject({ ok: true, status: "succeeded" });
  });

  it("refuses an answer changed after signing, or signed by someone else", async () => {
    const good = signedAnswer("alipay_trade_refund_response", refundAnswer);
    const tampered = good.replace('"refund_fee":"5.00"', '"refund_fee":"50.00"');
    expect(tampered).not.toBe(good);
    for (const body of [tampered, signedAnswer("alipay_trade_refund_response", refundAnswer, intruder.privateKey)]) {
      const fake = fakeGateway(() => body);
      expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).refund(refundInput)).toEqual({
        ok: false,
        reason: "response signature does not verify",
      });
    }
  });

  it("refuses an unsigned success, a repeated response node, and an answer for another trade", async () => {
    const unsigned = `{"alipay_trade_refund_response":${JSON.stringify(refundAnswer)}}`;
    const repeated = signedAnswer("alipay_trade_refund_response", refundAnswer).replace(
      /^\{/,
      `{"alipay_trade_refund_response":${JSON.stringify({ ...refundAnswer, refund_fee: "12.34" })},`,
    );
    const other = signedAnswer("alipay_trade_refund_response", { ...refundAnswer, out_trade_no: "pay_other" });
    const reasons: string[] = [];
    for (const body of [unsigned, repeated, other]) {
      const fake = fakeGateway(() => body);
      const result = await createAlipayProvider(config({ fetch: fake.fetchFn })).refund(refundInput);
      expect(result.ok).toBe(false);
      reasons.push((result as { reason: string }).reason);
    }
    expect(reasons).toEqual(["unsigned success answer", "unrecognised gateway answer", "refund answer is for another out_trade_no"]);
  });

  it("reports business errors with their sub_code", async () => {
    const fake = fakeGateway(() =>
      signedAnswer("alipay_trade_refund_response", {
        code: "40004",
        msg: "Business Failed",
        sub_code: "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
        sub_msg: "退款金额超限",
      }),
    );
    expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).refund(refundInput)).toEqual({
      ok: false,
      reason: "40004 ACQ.REFUND_AMT_NOT_EQUAL_TOTAL 退款金额超限",
    });
  });

  it("reports the gateway's error_response for a request it could not verify", async () => {
    const wrongKey = rsa();
    const fake = fakeGateway(() => "unused");
    const provider = createAlipayProvider(config({ fetch: fake.fetchFn, privateKey: wrongKey.privateKey }));
    expect(await provider.refund(refundInput)).toEqual({ ok: false, reason: "40002 isv.invalid-signature 验签出错" });
  });
});

describe("Alipay queryRefund", () => {
  const query = {
    refundId: "rfd_0123456789abcdefghjk",
    paymentId: paymentInput.paymentId,
    providerTradeNo: "2026112522001446870500123456",
    amountFen: 500,
  };
  /** alipay_trade_fastpay_refund_query_response for a refund carried out, as in Alipay's documentation. */
  const queryAnswer = (overrides: Record<string, unknown> = {}) => ({
    code: "10000",
    msg: "Success",
    trade_no: query.providerTradeNo,
    out_trade_no: query.paymentId,
    out_request_no: query.refundId,
    total_amount: "12.34",
    refund_amount: "5.00",
    refund_status: "REFUND_SUCCESS",
    gmt_refund_pay: "2026-11-25 21:00:05",
    ...overrides,
  });
  const node = "alipay_trade_fastpay_refund_query_response";

  it("posts a signed alipay.trade.fastpay.refund.query with out_trade_no + out_request_no and verifies the signed answer", async () => {
    const fake = fakeGateway(() => signedAnswer(node, queryAnswer()));
    const provider = createAlipayProvider(config({ fetch: fake.fetchFn }));
    expect(await provider.queryRefund(query)).toEqual({
      ok: true,
      status: "succeeded",
      providerRefundNo: query.refundId,
      succeededAt: Date.UTC(2026, 10, 25, 13, 0, 5),
    });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.params).toMatchObject({ method: "alipay.trade.fastpay.refund.query", app_id: APP_ID, sign_type: "RSA2", charset: "utf-8", format: "JSON", version: "1.0" });
    // The request signature is byte-identical to node:crypto's over the sorted, non-empty parameters (sign_type included).
    expect(req.params.sign).toBe(nodeSign(referenceContent(req.params, ["sign"]), app.privateKey));
    expect(JSON.parse(req.params.biz_content!)).toEqual({
      out_trade_no: query.paymentId,
      out_request_no: query.refundId,
      query_options: ["gmt_refund_pay"],
    });
  });

  it("reads no refund_status as not found (not received or not carried out)", async () => {
    const { refund_status: _s, refund_amount: _a, gmt_refund_pay: _g, ...bare } = queryAnswer();
    for (const body of [signedAnswer(node, bare), signedAnswer(node, { ...bare, refund_status: "" })]) {
      const fake = fakeGateway(() => body);
      expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).queryRefund(query)).toEqual({ ok: true, status: "not_found" });
    }
  });

  it("maps the asynchronous refund states REFUND_PROCESSING and REFUND_FAIL", async () => {
    const ask = async (refund_status: string) =>
      createAlipayProvider(config({ fetch: fakeGateway(() => signedAnswer(node, queryAnswer({ refund_status }))).fetchFn })).queryRefund(query);
    expect(await ask("REFUND_PROCESSING")).toEqual({ ok: true, status: "processing", providerRefundNo: query.refundId });
    expect(await ask("REFUND_FAIL")).toMatchObject({ ok: true, status: "failed" });
    expect(await ask("SOMETHING_NEW")).toEqual({ ok: false, reason: "unknown refund_status SOMETHING_NEW" });
  });

  it("refuses an answer changed after signing, signed by someone else, unsigned, or about another refund or amount", async () => {
    const good = signedAnswer(node, queryAnswer());
    const bodies: Array<[string, string]> = [
      [good.replace('"refund_amount":"5.00"', '"refund_amount":"50.00"'), "response signature does not verify"],
      [signedAnswer(node, queryAnswer(), intruder.privateKey), "response signature does not verify"],
      [`{"${node}":${JSON.stringify(queryAnswer())}}`, "unsigned success answer"],
      [signedAnswer(node, queryAnswer({ out_request_no: "rfd_other" })), "refund answer is for another out_request_no"],
      [signedAnswer(node, queryAnswer({ out_trade_no: "pay_other" })), "refund answer is for another out_trade_no"],
      [signedAnswer(node, queryAnswer({ trade_no: "2026112522001446870500999999" })), "refund answer is for another trade_no"],
      [signedAnswer(node, queryAnswer({ refund_amount: "5.01" })), "refund amount 501 does not match 500"],
      [signedAnswer(node, queryAnswer({ refund_amount: "5.0.0" })), "malformed refund_amount"],
    ];
    for (const [body, reason] of bodies) {
      const fake = fakeGateway(() => body);
      expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).queryRefund(query), reason).toEqual({ ok: false, reason });
    }
  });

  it("reports business errors with their sub_code", async () => {
    const fake = fakeGateway(() => signedAnswer(node, { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_NOT_EXIST", sub_msg: "交易不存在" }));
    expect(await createAlipayProvider(config({ fetch: fake.fetchFn })).queryRefund(query)).toEqual({
      ok: false,
      reason: "40004 ACQ.TRADE_NOT_EXIST 交易不存在",
    });
  });
});

describe("raw JSON extraction", () => {
  it("returns each top-level value's exact text", () => {
    const body = ' { "a" : {"x":"}\\"{"} , "b":[1,{"c":2}],"n":-1.5e3,"t":true,"s":"\\u0041" } ';
    expect(Object.fromEntries(rawJsonMembers(body)!)).toEqual({
      a: '{"x":"}\\"{"}',
      b: '[1,{"c":2}]',
      n: "-1.5e3",
      t: "true",
      s: '"\\u0041"',
    });
  });

  it("refuses invalid JSON, non-objects and repeated keys", () => {
    expect(rawJsonMembers("{")).toBeNull();
    expect(rawJsonMembers("[1]")).toBeNull();
    expect(rawJsonMembers('{"a":1,"a":2}')).toBeNull();
    expect(rawJsonMembers("{}")).toEqual(new Map());
  });

  it("falls back to error_response and reads sign wherever it is", () => {
    expect(extractAlipayResponse('{"sign":"abc","error_response":{"code":"40002"}}', "alipay.trade.refund")).toEqual({
      node: "error_response",
      content: '{"code":"40002"}',
      sign: "abc",
    });
    expect(extractAlipayResponse('{"other_response":{}}', "alipay.trade.refund")).toBeNull();
    expect(extractAlipayResponse('{"alipay_trade_refund_response":{},"sign":5}', "alipay.trade.refund")).toBeNull();
  });
});
