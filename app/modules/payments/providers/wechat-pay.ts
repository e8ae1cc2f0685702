/**
 * WeChat Pay API v3 (微信支付 APIv3), merchant direct mode (直连商户).
 *
 * - Requests are signed with the merchant API private key: `Authorization: WECHATPAY2-SHA256-RSA2048
 *   mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…` over
 *   `${method}\n${path+query}\n${timestamp}\n${nonce}\n${body}\n` (签名生成).
 * - Responses and notifications are verified with the WeChat Pay platform public key whose serial is
 *   in `Wechatpay-Serial`, over `${Wechatpay-Timestamp}\n${Wechatpay-Nonce}\n${body}\n` (签名验证),
 *   refusing timestamps more than 5 minutes away.
 * - Notification resources are AEAD_AES_256_GCM-encrypted with the APIv3 key (证书和回调报文解密).
 * - The notify URL receives payment results (TRANSACTION.SUCCESS) and refund results
 *   (REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED, 退款结果通知); both are verified the same way.
 * - Refund state is queried with `GET /v3/refund/domestic/refunds/{out_refund_no}` (查询单笔退款).
 *
 * See docs/decisions/010-payment-providers.md.
 */
import * as v from "valibot";
import {
  aesGcmDecrypt,
  base64Decode,
  checkTimestamp,
  epochSeconds,
  randomNonce,
  rsaSha256Sign,
  rsaSha256Verify,
  utf8,
  utf8Decode,
} from "./crypto";
import { decodePem, importRsaPrivateKey, importRsaPublicKey } from "./pem";
import { formatRfc3339, parseRfc3339 } from "./time";
import {
  PaymentProviderError,
  type CreatePaymentInput,
  type CreatePaymentResult,
  type NotificationRequest,
  type NotificationResponse,
  type PaymentProvider,
  type PaymentStatus,
  type RefundInput,
  type RefundQueryInput,
  type RefundQueryResult,
  type RefundResult,
  type VerifiedRefundNotification,
  type VerifyResult,
} from "./types";

export const WECHATPAY_DEFAULT_BASE_URL = "https://api.mch.weixin.qq.com";
export const WECHATPAY_AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048";

export interface WechatPayConfig {
  /** 商户号 mchid */
  mchId: string;
  /** The AppID bound to the merchant (公众号/小程序/移动应用). */
  appId: string;
  /** Serial number of the merchant API certificate (商户API证书序列号). */
  merchantSerialNo: string;
  /** Merchant API private key, PEM (apiclient_key.pem). */
  merchantPrivateKey: string;
  /** APIv3 key: a 32-character ASCII string. */
  apiV3Key: string;
  /**
   * Trusted WeChat Pay keys by serial: platform certificate serial → certificate or SPKI PEM, and/or
   * WeChat Pay public key id ("PUB_KEY_ID_…") → SPKI PEM.
   */
  platformKeys: Record<string, string>;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Clock for signing requests and checking response timestamps (epoch ms). */
  now?: () => number;
  userAgent?: string;
}

// ---------- signing ----------

/** The string WeChat Pay signs requests over (签名串). */
export function wechatPayRequestMessage(method: string, canonicalUrl: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${canonicalUrl}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** The string WeChat Pay signs responses and notifications over (验签名串). */
export function wechatPayResponseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** path + query of a URL, as it appears in the HTTP request line. */
export function canonicalUrl(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

export async function buildWechatPayAuthorization(args: {
  method: string;
  url: string;
  body: string;
  mchId: string;
  serialNo: string;
  privateKey: CryptoKey;
  timestamp: string;
  nonce: string;
}): Promise<string> {
  const message = wechatPayRequestMessage(args.method, canonicalUrl(args.url), args.timestamp, args.nonce, args.body);
  const signature = await rsaSha256Sign(args.privateKey, message);
  return (
    `${WECHATPAY_AUTH_SCHEMA} mchid="${args.mchId}",nonce_str="${args.nonce}",signature="${signature}",` +
    `timestamp="${args.timestamp}",serial_no="${args.serialNo}"`
  );
}

/** JSAPI 调起支付 parameters for WeixinJSBridge / wx.chooseWXPay, signed with the merchant key. */
export async function buildJsapiPayParams(args: {
  appId: string;
  prepayId: string;
  privateKey: CryptoKey;
  timestamp: string;
  nonce: string;
}): Promise<Record<string, string>> {
  const pkg = `prepay_id=${args.prepayId}`;
  const paySign = await rsaSha256Sign(args.privateKey, `${args.appId}\n${args.timestamp}\n${args.nonce}\n${pkg}\n`);
  return { appId: args.appId, timeStamp: args.timestamp, nonceStr: args.nonce, package: pkg, signType: "RSA", paySign };
}

// ---------- verification ----------

/**
 * Verifies the Wechatpay-* signature headers over `body`. Used for both API responses and
 * notifications. `keys` maps serial → imported public key.
 */
export async function verifyWechatPaySignature(
  headers: Headers,
  body: string,
  keys: ReadonlyMap<string, CryptoKey>,
  nowMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const timestamp = headers.get("Wechatpay-Timestamp");
  const nonce = headers.get("Wechatpay-Nonce");
  const signature = headers.get("Wechatpay-Signature");
  const serial = headers.get("Wechatpay-Serial");
  if (!nonce || !signature || !serial) return { ok: false, reason: "missing Wechatpay-* signature headers" };
  const timeProblem = checkTimestamp(timestamp, nowMs);
  if (timeProblem) return { ok: false, reason: timeProblem };
  const key = keys.get(serial);
  if (!key) return { ok: false, reason: `unknown Wechatpay-Serial ${serial.slice(0, 64)}` };
  const valid = await rsaSha256Verify(key, wechatPayResponseMessage(timestamp!, nonce, body), signature);
  return valid ? { ok: true } : { ok: false, reason: "bad signature" };
}

const Resource = v.object({
  algorithm: v.string(),
  ciphertext: v.string(),
  nonce: v.string(),
  associated_data: v.optional(v.string(), ""),
  original_type: v.optional(v.string()),
});
export type WechatPayResource = v.InferOutput<typeof Resource>;

/** Decrypts a notification `resource` (AEAD_AES_256_GCM with the APIv3 key); null when it does not authenticate. */
export async function decryptWechatPayResource(apiV3Key: string, resource: WechatPayResource): Promise<string | null> {
  if (resource.algorithm !== "AEAD_AES_256_GCM") return null;
  const ciphertext = base64Decode(resource.ciphertext);
  if (!ciphertext) return null;
  const plain = await aesGcmDecrypt(utf8(apiV3Key), utf8(resource.nonce), ciphertext, utf8(resource.associated_data));
  return plain ? utf8Decode(plain) : null;
}

const NotificationEnvelope = v.object({
  id: v.string(),
  create_time: v.optional(v.string()),
  event_type: v.string(),
  resource_type: v.string(),
  summary: v.optional(v.string()),
  resource: Resource,
});

const nonEmpty = v.pipe(v.string(), v.minLength(1));
const fen = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

const Transaction = v.object({
  appid: v.string(),
  mchid: v.string(),
  out_trade_no: nonEmpty,
  transaction_id: nonEmpty,
  trade_type: v.optional(v.string()),
  trade_state: v.string(),
  trade_state_desc: v.optional(v.string()),
  success_time: v.optional(v.string()),
  amount: v.object({
    total: fen,
    payer_total: v.optional(fen),
    currency: v.optional(v.string()),
    payer_currency: v.optional(v.string()),
  }),
});

/** A refund as WeChat Pay describes it in 退款结果通知 (decrypted resource, original_type "refund"). */
const RefundResource = v.object({
  mchid: v.string(),
  out_trade_no: nonEmpty,
  transaction_id: nonEmpty,
  out_refund_no: nonEmpty,
  refund_id: nonEmpty,
  refund_status: v.string(),
  success_time: v.optional(v.string()),
  user_received_account: v.optional(v.string()),
  amount: v.object({
    total: fen,
    refund: fen,
    payer_total: v.optional(fen),
    payer_refund: v.optional(fen),
  }),
});

/** The answer of 查询单笔退款 (and of 退款申请). */
const RefundAnswer = v.object({
  refund_id: nonEmpty,
  out_refund_no: nonEmpty,
  transaction_id: v.optional(v.string()),
  out_trade_no: v.optional(v.string()),
  status: v.string(),
  success_time: v.optional(v.string()),
  amount: v.object({
    total: v.optional(fen),
    refund: fen,
    currency: v.optional(v.string()),
  }),
});

/** The refund notification event types and the refund_status each one carries. */
export const WECHATPAY_REFUND_EVENTS: Readonly<Record<string, string>> = {
  "REFUND.SUCCESS": "SUCCESS",
  "REFUND.ABNORMAL": "ABNORMAL",
  "REFUND.CLOSED": "CLOSED",
};

/** trade_state (交易状态) → our status; undefined for states we do not know. */
export function mapTradeState(state: string): PaymentStatus | undefined {
  switch (state) {
    case "SUCCESS":
      return "succeeded";
    case "NOTPAY":
    case "USERPAYING":
      return "pending";
    case "PAYERROR":
      return "failed";
    case "CLOSED":
    case "REVOKED":
      return "closed";
    default:
      return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------- the provider ----------

type ApiResult = { ok: true; data: unknown } | { ok: false; reason: string; httpStatus?: number; code?: string };

export class WechatPayProvider implements PaymentProvider {
  readonly name = "wechat" as const;
  readonly #config: WechatPayConfig;
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #privateKey?: Promise<CryptoKey>;
  #publicKeys?: Promise<Map<string, CryptoKey>>;

  constructor(config: WechatPayConfig) {
    if (utf8(config.apiV3Key).length !== 32) throw new Error("WeChat Pay APIv3 key must be a 32-byte ASCII string");
    if (Object.keys(config.platformKeys).length === 0) throw new Error("WeChat Pay needs at least one platform public key");
    // Fail at configuration time, not on the first notification, when a PEM is unreadable.
    decodePem(config.merchantPrivateKey);
    for (const pem of Object.values(config.platformKeys)) decodePem(pem);
    this.#config = config;
    this.#baseUrl = (config.baseUrl ?? WECHATPAY_DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.#fetch = config.fetch ?? ((input, init) => fetch(input, init));
    this.#now = config.now ?? Date.now;
  }

  #merchantKey(): Promise<CryptoKey> {
    this.#privateKey ??= importRsaPrivateKey(this.#config.merchantPrivateKey);
    return this.#privateKey;
  }

  #platformKeys(): Promise<Map<string, CryptoKey>> {
    this.#publicKeys ??= Promise.all(
      Object.entries(this.#config.platformKeys).map(async ([serial, pem]) => [serial, await importRsaPublicKey(pem)] as const),
    ).then((entries) => new Map(entries));
    return this.#publicKeys;
  }

  /** A signed API call. 2xx answers must carry a valid WeChat Pay signature. */
  async #call(method: "GET" | "POST", path: string, payload?: unknown): Promise<ApiResult> {
    const url = this.#baseUrl + path;
    const body = payload === undefined ? "" : JSON.stringify(payload);
    const authorization = await buildWechatPayAuthorization({
      method,
      url,
      body,
      mchId: this.#config.mchId,
      serialNo: this.#config.merchantSerialNo,
      privateKey: await this.#merchantKey(),
      timestamp: String(epochSeconds(this.#now())),
      nonce: randomNonce(32),
    });
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          Authorization: authorization,
          Accept: "application/json",
          "Content-Type": "application/json",
          "User-Agent": this.#config.userAgent ?? "tuangou-payments/1.0",
        },
        body: method === "GET" ? undefined : body,
      });
      text = await response.text();
    } catch (error) {
      return { ok: false, reason: `network error: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.status < 200 || response.status > 299) {
      // Error answers are reported, never acted on, so they are not required to be signed.
      const error = v.safeParse(v.object({ code: v.string(), message: v.optional(v.string()) }), parseJson(text));
      return {
        ok: false,
        reason: error.success ? `HTTP ${response.status} ${error.output.code}: ${error.output.message ?? ""}`.trim() : `HTTP ${response.status}`,
        httpStatus: response.status,
        ...(error.success ? { code: error.output.code } : {}),
      };
    }
    const verified = await verifyWechatPaySignature(response.headers, text, await this.#platformKeys(), this.#now());
    if (!verified.ok) return { ok: false, reason: `response signature: ${verified.reason}` };
    return { ok: true, data: text === "" ? {} : parseJson(text) };
  }

  async createPayment(i: CreatePaymentInput): Promise<CreatePaymentResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1) throw new RangeError(`WeChat Pay amount must be at least 1 fen, got ${i.amountFen}`);
    const jsapi = i.payerOpenId !== undefined && i.payerOpenId !== "";
    const request = {
      appid: this.#config.appId,
      mchid: this.#config.mchId,
      description: i.description,
      out_trade_no: i.paymentId,
      time_expire: formatRfc3339(i.expiresAt),
      notify_url: i.notifyUrl,
      amount: { total: i.amountFen, currency: "CNY" },
      ...(jsapi ? { payer: { openid: i.payerOpenId } } : {}),
      ...(i.clientIp ? { scene_info: { payer_client_ip: i.clientIp } } : {}),
    };
    const result = await this.#call("POST", jsapi ? "/v3/pay/transactions/jsapi" : "/v3/pay/transactions/native", request);
    if (!result.ok) throw new PaymentProviderError("wechat", result.reason);
    if (jsapi) {
      const parsed = v.safeParse(v.object({ prepay_id: nonEmpty }), result.data);
      if (!parsed.success) throw new PaymentProviderError("wechat", "JSAPI order answer has no prepay_id");
      const params = await buildJsapiPayParams({
        appId: this.#config.appId,
        prepayId: parsed.output.prepay_id,
        privateKey: await this.#merchantKey(),
        timestamp: String(epochSeconds(this.#now())),
        nonce: randomNonce(32),
      });
      return { kind: "jsapi", params };
    }
    const parsed = v.safeParse(v.object({ code_url: nonEmpty }), result.data);
    if (!parsed.success) throw new PaymentProviderError("wechat", "Native order answer has no code_url");
    return { kind: "qr", codeUrl: parsed.output.code_url };
  }

  async verifyNotification(request: NotificationRequest, now: number): Promise<VerifyResult> {
    const signature = await verifyWechatPaySignature(request.headers, request.body, await this.#platformKeys(), now);
    if (!signature.ok) return signature;

    const envelope = v.safeParse(NotificationEnvelope, parseJson(request.body));
    if (!envelope.success) return { ok: false, reason: "malformed notification body" };
    const event = envelope.output;
    const refundStatus = Object.hasOwn(WECHATPAY_REFUND_EVENTS, event.event_type) ? WECHATPAY_REFUND_EVENTS[event.event_type] : undefined;
    if (event.event_type !== "TRANSACTION.SUCCESS" && refundStatus === undefined) return { ok: false, reason: `unsupported event_type ${event.event_type}` };
    if (event.resource_type !== "encrypt-resource") return { ok: false, reason: `unsupported resource_type ${event.resource_type}` };
    if (event.resource.algorithm !== "AEAD_AES_256_GCM") return { ok: false, reason: `unsupported algorithm ${event.resource.algorithm}` };
    const originalType = refundStatus === undefined ? "transaction" : "refund";
    if (event.resource.original_type !== undefined && event.resource.original_type !== originalType) {
      return { ok: false, reason: `unsupported original_type ${event.resource.original_type}` };
    }

    const plaintext = await decryptWechatPayResource(this.#config.apiV3Key, event.resource);
    if (plaintext === null) return { ok: false, reason: "resource does not decrypt with the APIv3 key" };
    if (refundStatus !== undefined) return this.#refundNotification(event, refundStatus, plaintext);
    const parsed = v.safeParse(Transaction, parseJson(plaintext));
    if (!parsed.success) return { ok: false, reason: "malformed transaction in resource" };
    const tx = parsed.output;

    if (tx.mchid !== this.#config.mchId) return { ok: false, reason: "mchid does not match" };
    if (tx.appid !== this.#config.appId) return { ok: false, reason: "appid does not match" };
    if (tx.amount.currency !== undefined && tx.amount.currency !== "CNY") return { ok: false, reason: `unexpected currency ${tx.amount.currency}` };
    const status = mapTradeState(tx.trade_state);
    if (!status) return { ok: false, reason: `unknown trade_state ${tx.trade_state}` };
    let paidAt: number | undefined;
    if (tx.success_time !== undefined) {
      const parsedTime = parseRfc3339(tx.success_time);
      if (parsedTime === null) return { ok: false, reason: "malformed success_time" };
      paidAt = parsedTime;
    }
    if (status === "succeeded" && paidAt === undefined) return { ok: false, reason: "successful transaction without success_time" };

    return {
      ok: true,
      notification: {
        paymentId: tx.out_trade_no,
        providerTradeNo: tx.transaction_id,
        status,
        amountFen: tx.amount.total,
        ...(paidAt !== undefined ? { paidAt } : {}),
        raw: { eventId: event.id, eventType: event.event_type, createTime: event.create_time, transaction: parseJson(plaintext) },
      },
    };
  }

  /** 退款结果通知: the decrypted refund, checked against the event that carried it. */
  #refundNotification(event: v.InferOutput<typeof NotificationEnvelope>, expectedStatus: string, plaintext: string): VerifyResult {
    const parsed = v.safeParse(RefundResource, parseJson(plaintext));
    if (!parsed.success) return { ok: false, reason: "malformed refund in resource" };
    const r = parsed.output;
    if (r.mchid !== this.#config.mchId) return { ok: false, reason: "mchid does not match" };
    if (r.refund_status !== expectedStatus) return { ok: false, reason: `refund_status ${r.refund_status} does not match event_type ${event.event_type}` };
    let succeededAt: number | undefined;
    if (r.success_time !== undefined && r.success_time !== "") {
      const parsedTime = parseRfc3339(r.success_time);
      if (parsedTime === null) return { ok: false, reason: "malformed success_time" };
      succeededAt = parsedTime;
    }
    const refund: VerifiedRefundNotification = {
      refundId: r.out_refund_no,
      paymentId: r.out_trade_no,
      providerTradeNo: r.transaction_id,
      providerRefundNo: r.refund_id,
      status: r.refund_status === "SUCCESS" ? "succeeded" : "failed",
      providerStatus: r.refund_status,
      amountFen: r.amount.refund,
      ...(succeededAt !== undefined ? { succeededAt } : {}),
      raw: { eventId: event.id, eventType: event.event_type, createTime: event.create_time, refund: parseJson(plaintext) },
    };
    return { ok: true, refund };
  }

  ackResponse(ok: boolean, reason?: string): NotificationResponse {
    if (ok) return { status: 204, body: "", headers: {} };
    return {
      status: 500,
      body: JSON.stringify({ code: "FAIL", message: (reason ?? "FAIL").slice(0, 200) }),
      headers: { "Content-Type": "application/json; charset=utf-8" },
    };
  }

  async refund(i: RefundInput): Promise<RefundResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1 || !Number.isSafeInteger(i.totalFen) || i.amountFen > i.totalFen) {
      return { ok: false, reason: "refund amount must be between 1 fen and the payment total" };
    }
    const request = {
      transaction_id: i.providerTradeNo,
      out_refund_no: i.refundId,
      ...(i.reason ? { reason: i.reason } : {}),
      ...(i.notifyUrl ? { notify_url: i.notifyUrl } : {}),
      amount: { refund: i.amountFen, total: i.totalFen, currency: "CNY" },
    };
    const result = await this.#call("POST", "/v3/refund/domestic/refunds", request);
    if (!result.ok) return { ok: false, reason: result.reason };
    const parsed = v.safeParse(v.object({ refund_id: nonEmpty, out_refund_no: v.optional(v.string()), status: v.string() }), result.data);
    if (!parsed.success) return { ok: false, reason: "malformed refund answer" };
    if (parsed.output.out_refund_no !== undefined && parsed.output.out_refund_no !== i.refundId) {
      return { ok: false, reason: "refund answer is for another out_refund_no" };
    }
    switch (parsed.output.status) {
      case "SUCCESS":
        return { ok: true, providerRefundNo: parsed.output.refund_id, status: "succeeded" };
      case "PROCESSING":
        return { ok: true, providerRefundNo: parsed.output.refund_id, status: "processing" };
      default:
        // CLOSED (退款关闭) or ABNORMAL (退款异常: needs handling in the merchant platform).
        return { ok: false, reason: `refund status ${parsed.output.status}` };
    }
  }

  /**
   * 查询单笔退款（通过商户退款单号）: `GET /v3/refund/domestic/refunds/{out_refund_no}`, signed like every
   * request, its answer verified. 404 RESOURCE_NOT_EXISTS (退款单不存在) means WeChat Pay never
   * took the refund, so it may be sent again with the same out_refund_no.
   */
  async queryRefund(i: RefundQueryInput): Promise<RefundQueryResult> {
    const result = await this.#call("GET", `/v3/refund/domestic/refunds/${encodeURIComponent(i.refundId)}`);
    if (!result.ok) {
      if (result.httpStatus === 404 && result.code === "RESOURCE_NOT_EXISTS") return { ok: true, status: "not_found" };
      return { ok: false, reason: result.reason };
    }
    const parsed = v.safeParse(RefundAnswer, result.data);
    if (!parsed.success) return { ok: false, reason: "malformed refund query answer" };
    const r = parsed.output;
    if (r.out_refund_no !== i.refundId) return { ok: false, reason: "refund answer is for another out_refund_no" };
    if (r.out_trade_no !== undefined && r.out_trade_no !== i.paymentId) return { ok: false, reason: "refund answer is for another out_trade_no" };
    if (r.transaction_id !== undefined && i.providerTradeNo && r.transaction_id !== i.providerTradeNo) {
      return { ok: false, reason: "refund answer is for another transaction_id" };
    }
    if (r.amount.currency !== undefined && r.amount.currency !== "CNY") return { ok: false, reason: `unexpected currency ${r.amount.currency}` };
    if (r.amount.refund !== i.amountFen) return { ok: false, reason: `refund amount ${r.amount.refund} does not match ${i.amountFen}` };
    switch (r.status) {
      case "SUCCESS": {
        const succeededAt = r.success_time ? parseRfc3339(r.success_time) : null;
        return { ok: true, status: "succeeded", providerRefundNo: r.refund_id, ...(succeededAt !== null ? { succeededAt } : {}) };
      }
      case "PROCESSING":
        return { ok: true, status: "processing", providerRefundNo: r.refund_id };
      case "CLOSED":
      case "ABNORMAL":
        return { ok: true, status: "failed", providerRefundNo: r.refund_id, reason: `refund status ${r.status}` };
      default:
        return { ok: false, reason: `unknown refund status ${r.status}` };
    }
  }
}

export function createWechatPayProvider(config: WechatPayConfig): WechatPayProvider {
  return new WechatPayProvider(config);
}
