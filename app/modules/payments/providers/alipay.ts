/**
 * Alipay open platform (支付宝开放平台), RSA2 signatures in public-key mode (公钥模式).
 *
 * - Requests: sort every parameter except `sign` by key, drop empty values, join `k=v` with `&`
 *   (raw values, not URL-encoded), RSA-SHA256 with the app private key, base64 (自行实现签名).
 *   Note that `sign_type` IS part of the signed request content.
 * - Async notifications: every parameter except `sign` and `sign_type`, sorted and joined the
 *   same way, verified with the Alipay public key (异步通知验签).
 * - API responses: the `sign` member covers the raw JSON text of the `<method>_response` value
 *   exactly as it appears in the body (同步响应验签).
 * - Refund state: `alipay.trade.fastpay.refund.query` (统一收单交易退款查询) with out_trade_no and
 *   out_request_no; `refund_status` REFUND_SUCCESS means the refund was carried out, and no
 *   refund_status means Alipay did not receive it or did not carry it out.
 *
 * See docs/decisions/010-payment-providers.md.
 */
import * as v from "valibot";
import { rsaSha256Sign, rsaSha256Verify } from "./crypto";
import { fenToYuanString, yuanStringToFen } from "./money";
import { decodePem, importRsaPrivateKey, importRsaPublicKey } from "./pem";
import { formatAlipayTime, parseAlipayTime } from "./time";
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
  type VerifyResult,
} from "./types";

export const ALIPAY_DEFAULT_GATEWAY = "https://openapi.alipay.com/gateway.do";

/** page: 电脑网站支付 (redirect); wap: 手机网站支付 (redirect); qr: 当面付扫码 alipay.trade.precreate (QR code). */
export type AlipayProduct = "page" | "wap" | "qr";

export interface AlipayConfig {
  appId: string;
  /** The app private key (应用私钥): PKCS#8 or PKCS#1 PEM, or the bare base64 from the key tool. */
  privateKey: string;
  /** The Alipay public key (支付宝公钥) from the console: SPKI PEM or bare base64. */
  alipayPublicKey: string;
  /** The merchant's Alipay user id (2088…); when set, notifications for another seller are refused. */
  sellerId?: string;
  gateway?: string;
  product?: AlipayProduct;
  fetch?: typeof fetch;
  now?: () => number;
}

// ---------- sign content ----------

const byKey = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The request string to sign: all parameters but `sign`, empty values dropped, sorted by key
 * (ASCII), `k=v` joined with `&`, values raw.
 */
export function alipayRequestSignContent(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((e): e is [string, string] => e[0] !== "sign" && e[0] !== "" && e[1] !== undefined && e[1] !== "")
    .sort(byKey)
    .map(([k, val]) => `${k}=${val}`)
    .join("&");
}

/**
 * The notification string to verify: all parameters but `sign` and `sign_type`, sorted by key,
 * joined. Alipay's documentation ("除去 sign、sign_type 两个参数外，凡是通知返回回来的参数皆是待验签的参数")
 * and its Java SDK (rsaCheckV1) keep empty values; `dropEmpty` gives the variant that drops them,
 * as the PHP SDK and request signing do.
 */
export function alipayNotifySignContent(params: Record<string, string>, dropEmpty = false): string {
  return Object.entries(params)
    .filter(([k, val]) => k !== "sign" && k !== "sign_type" && !(dropEmpty && val === ""))
    .sort(byKey)
    .map(([k, val]) => `${k}=${val}`)
    .join("&");
}

// ---------- raw JSON members ----------

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && (s[i] === " " || s[i] === "\t" || s[i] === "\n" || s[i] === "\r")) i++;
  return i;
}

/** Index just past the JSON string starting at s[i] === '"', or -1. */
function scanString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === '"') return j + 1;
  }
  return -1;
}

/** Index just past the JSON value starting at s[i], or -1. Structure only: the whole body is JSON.parse'd too. */
function scanValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return scanString(s, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s[j];
      if (d === '"') {
        j = scanString(s, j);
        if (j < 0) return -1;
        j--;
      } else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < s.length && !",}] \t\n\r".includes(s[j]!)) j++;
  return j > i ? j : -1;
}

/**
 * The top-level members of a JSON object, each as the exact source text of its value.
 * Returns null for invalid JSON, a non-object, or a repeated top-level key (which could make the
 * signed value and the parsed value differ).
 */
export function rawJsonMembers(text: string): Map<string, string> | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const members = new Map<string, string>();
  let i = skipWhitespace(text, 0);
  if (text[i] !== "{") return null;
  i = skipWhitespace(text, i + 1);
  if (text[i] === "}") return members;
  for (;;) {
    if (text[i] !== '"') return null;
    const keyEnd = scanString(text, i);
    if (keyEnd < 0) return null;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ":") return null;
    i = skipWhitespace(text, i + 1);
    const valueEnd = scanValue(text, i);
    if (valueEnd < 0) return null;
    if (members.has(key)) return null;
    members.set(key, text.slice(i, valueEnd));
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ",") {
      i = skipWhitespace(text, i + 1);
      continue;
    }
    if (text[i] === "}") return members;
    return null;
  }
}

/**
 * Takes the signed part out of a gateway answer: the raw text of `<method with _>_response`
 * (or `error_response`), and the `sign` member.
 */
export function extractAlipayResponse(
  body: string,
  method: string,
): { node: string; content: string; sign: string | undefined } | null {
  const members = rawJsonMembers(body);
  if (!members) return null;
  const expected = `${method.replace(/\./g, "_")}_response`;
  const node = members.has(expected) ? expected : members.has("error_response") ? "error_response" : null;
  if (!node) return null;
  const rawSign = members.get("sign");
  const sign = rawSign === undefined ? undefined : (JSON.parse(rawSign) as unknown);
  if (sign !== undefined && typeof sign !== "string") return null;
  return { node, content: members.get(node)!, sign };
}

// ---------- notifications ----------

/** Parses an application/x-www-form-urlencoded body; null when a key repeats. */
export function parseForm(body: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [k, val] of new URLSearchParams(body)) {
    if (Object.hasOwn(out, k)) return null;
    out[k] = val;
  }
  return out;
}

/** trade_status (交易状态) → our status. */
export function mapTradeStatus(status: string): PaymentStatus | undefined {
  switch (status) {
    case "TRADE_SUCCESS":
    case "TRADE_FINISHED":
      return "succeeded";
    case "TRADE_CLOSED":
      return "closed";
    case "WAIT_BUYER_PAY":
      return "pending";
    default:
      return undefined;
  }
}

// ---------- the provider ----------

type ApiResult = { ok: true; data: Record<string, unknown> } | { ok: false; reason: string };

const ResponseBase = v.looseObject({
  code: v.string(),
  msg: v.optional(v.string()),
  sub_code: v.optional(v.string()),
  sub_msg: v.optional(v.string()),
});

export class AlipayProvider implements PaymentProvider {
  readonly name = "alipay" as const;
  readonly #config: AlipayConfig;
  readonly #gateway: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #privateKey?: Promise<CryptoKey>;
  #publicKey?: Promise<CryptoKey>;

  constructor(config: AlipayConfig) {
    decodePem(config.privateKey);
    decodePem(config.alipayPublicKey);
    this.#config = config;
    this.#gateway = config.gateway ?? ALIPAY_DEFAULT_GATEWAY;
    this.#fetch = config.fetch ?? ((input, init) => fetch(input, init));
    this.#now = config.now ?? Date.now;
  }

  #appKey(): Promise<CryptoKey> {
    this.#privateKey ??= importRsaPrivateKey(this.#config.privateKey);
    return this.#privateKey;
  }

  #alipayKey(): Promise<CryptoKey> {
    this.#publicKey ??= importRsaPublicKey(this.#config.alipayPublicKey);
    return this.#publicKey;
  }

  /** Common parameters plus biz_content, empty values removed, signed. */
  async signedParams(method: string, biz: Record<string, unknown>, extra: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
    const params: Record<string, string | undefined> = {
      app_id: this.#config.appId,
      method,
      format: "JSON",
      charset: "utf-8",
      sign_type: "RSA2",
      timestamp: formatAlipayTime(this.#now()),
      version: "1.0",
      ...extra,
      biz_content: JSON.stringify(biz),
    };
    const clean: Record<string, string> = {};
    for (const [k, val] of Object.entries(params)) if (val !== undefined && val !== "") clean[k] = val;
    clean.sign = await rsaSha256Sign(await this.#appKey(), alipayRequestSignContent(clean));
    return clean;
  }

  /** An API call through the gateway. A success answer must be signed; error answers are reported unsigned. */
  async #call(method: string, biz: Record<string, unknown>, extra: Record<string, string | undefined> = {}): Promise<ApiResult> {
    const params = await this.signedParams(method, biz, extra);
    let text: string;
    let status: number;
    try {
      const response = await this.#fetch(this.#gateway, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded;charset=utf-8", Accept: "application/json" },
        body: new URLSearchParams(params).toString(),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      return { ok: false, reason: `network error: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (status < 200 || status > 299) return { ok: false, reason: `HTTP ${status}` };
    const extracted = extractAlipayResponse(text, method);
    if (!extracted) return { ok: false, reason: "unrecognised gateway answer" };
    if (extracted.sign !== undefined) {
      const valid = await rsaSha256Verify(await this.#alipayKey(), extracted.content, extracted.sign);
      if (!valid) return { ok: false, reason: "response signature does not verify" };
    }
    const parsed = v.safeParse(ResponseBase, JSON.parse(extracted.content));
    if (!parsed.success) return { ok: false, reason: "malformed gateway answer" };
    const data = parsed.output;
    if (data.code !== "10000") {
      return { ok: false, reason: [data.code, data.sub_code, data.sub_msg ?? data.msg].filter(Boolean).join(" ") };
    }
    if (extracted.sign === undefined) return { ok: false, reason: "unsigned success answer" };
    return { ok: true, data };
  }

  async createPayment(i: CreatePaymentInput): Promise<CreatePaymentResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1) throw new RangeError(`Alipay amount must be at least 1 fen, got ${i.amountFen}`);
    const product = this.#config.product ?? "page";
    const biz: Record<string, unknown> = {
      out_trade_no: i.paymentId,
      total_amount: fenToYuanString(i.amountFen),
      subject: i.description,
      time_expire: formatAlipayTime(i.expiresAt),
    };
    if (product === "qr") {
      const result = await this.#call("alipay.trade.precreate", biz, { notify_url: i.notifyUrl });
      if (!result.ok) throw new PaymentProviderError("alipay", result.reason);
      const qr = v.safeParse(v.looseObject({ qr_code: v.pipe(v.string(), v.minLength(1)), out_trade_no: v.optional(v.string()) }), result.data);
      if (!qr.success) throw new PaymentProviderError("alipay", "precreate answer has no qr_code");
      if (qr.output.out_trade_no !== undefined && qr.output.out_trade_no !== i.paymentId) {
        throw new PaymentProviderError("alipay", "precreate answer is for another out_trade_no");
      }
      return { kind: "qr", codeUrl: qr.output.qr_code };
    }
    const method = product === "wap" ? "alipay.trade.wap.pay" : "alipay.trade.page.pay";
    biz.product_code = product === "wap" ? "QUICK_WAP_WAY" : "FAST_INSTANT_TRADE_PAY";
    if (product === "wap") biz.quit_url = i.returnUrl;
    const params = await this.signedParams(method, biz, { notify_url: i.notifyUrl, return_url: i.returnUrl });
    return { kind: "redirect", url: `${this.#gateway}?${new URLSearchParams(params).toString()}` };
  }

  async verifyNotification(request: NotificationRequest, _now: number): Promise<VerifyResult> {
    const params = parseForm(request.body);
    if (!params) return { ok: false, reason: "malformed form body" };
    const sign = params.sign;
    if (!sign) return { ok: false, reason: "missing sign" };
    if (params.sign_type !== undefined && params.sign_type !== "RSA2") return { ok: false, reason: `unsupported sign_type ${params.sign_type}` };

    const key = await this.#alipayKey();
    let valid = await rsaSha256Verify(key, alipayNotifySignContent(params), sign);
    if (!valid && Object.values(params).some((val) => val === "")) {
      valid = await rsaSha256Verify(key, alipayNotifySignContent(params, true), sign);
    }
    if (!valid) return { ok: false, reason: "bad signature" };

    if (params.app_id !== this.#config.appId) return { ok: false, reason: "app_id does not match" };
    if (this.#config.sellerId && params.seller_id !== this.#config.sellerId) return { ok: false, reason: "seller_id does not match" };
    if (params.notify_type !== undefined && params.notify_type !== "trade_status_sync") {
      return { ok: false, reason: `unsupported notify_type ${params.notify_type}` };
    }
    const paymentId = params.out_trade_no;
    const tradeNo = params.trade_no;
    if (!paymentId || !tradeNo) return { ok: false, reason: "missing out_trade_no or trade_no" };
    const status = mapTradeStatus(params.trade_status ?? "");
    if (!status) return { ok: false, reason: `unknown trade_status ${params.trade_status ?? ""}` };
    const amountFen = yuanStringToFen(params.total_amount ?? "");
    if (amountFen === null) return { ok: false, reason: "malformed total_amount" };
    let paidAt: number | undefined;
    if (params.gmt_payment) {
      const parsed = parseAlipayTime(params.gmt_payment);
      if (parsed === null) return { ok: false, reason: "malformed gmt_payment" };
      paidAt = parsed;
    }

    const { sign: _sign, ...raw } = params;
    return {
      ok: true,
      notification: { paymentId, providerTradeNo: tradeNo, status, amountFen, ...(paidAt !== undefined ? { paidAt } : {}), raw },
    };
  }

  ackResponse(ok: boolean, _reason?: string): NotificationResponse {
    return { status: 200, body: ok ? "success" : "fail", headers: { "Content-Type": "text/plain; charset=utf-8" } };
  }

  async refund(i: RefundInput): Promise<RefundResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1 || !Number.isSafeInteger(i.totalFen) || i.amountFen > i.totalFen) {
      return { ok: false, reason: "refund amount must be between 1 fen and the payment total" };
    }
    const biz: Record<string, unknown> = {
      out_trade_no: i.paymentId,
      ...(i.providerTradeNo ? { trade_no: i.providerTradeNo } : {}),
      refund_amount: fenToYuanString(i.amountFen),
      out_request_no: i.refundId,
      ...(i.reason ? { refund_reason: i.reason } : {}),
    };
    const result = await this.#call("alipay.trade.refund", biz);
    if (!result.ok) return result;
    const data = result.data;
    if (typeof data.out_trade_no === "string" && data.out_trade_no !== i.paymentId) return { ok: false, reason: "refund answer is for another out_trade_no" };
    if (typeof data.trade_no === "string" && i.providerTradeNo && data.trade_no !== i.providerTradeNo) {
      return { ok: false, reason: "refund answer is for another trade_no" };
    }
    // fund_change "Y": money moved in this call. "N": already refunded by an earlier identical
    // request, or not yet settled; Alipay says to confirm with alipay.trade.fastpay.refund.query.
    return { ok: true, providerRefundNo: i.refundId, status: data.fund_change === "Y" ? "succeeded" : "processing" };
  }

  /**
   * alipay.trade.fastpay.refund.query with out_trade_no + out_request_no (our refund id). The
   * answer's code 10000 only means the query worked: `refund_status: "REFUND_SUCCESS"` is a refund
   * carried out; no refund_status is "not received or not carried out" (未返回该字段表示退款请求未收到或者退款失败),
   * which we report as not_found so that the same out_request_no may be sent again.
   */
  async queryRefund(i: RefundQueryInput): Promise<RefundQueryResult> {
    const result = await this.#call("alipay.trade.fastpay.refund.query", {
      out_trade_no: i.paymentId,
      out_request_no: i.refundId,
      query_options: ["gmt_refund_pay"],
    });
    if (!result.ok) return result;
    const data = result.data;
    const str = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : undefined);
    const status = str("refund_status") ?? "";
    if (status === "") return { ok: true, status: "not_found" };
    if (str("out_trade_no") !== undefined && str("out_trade_no") !== i.paymentId) return { ok: false, reason: "refund answer is for another out_trade_no" };
    if (str("out_request_no") !== undefined && str("out_request_no") !== i.refundId) return { ok: false, reason: "refund answer is for another out_request_no" };
    if (str("trade_no") !== undefined && i.providerTradeNo && str("trade_no") !== i.providerTradeNo) return { ok: false, reason: "refund answer is for another trade_no" };
    const amountFen = yuanStringToFen(str("refund_amount") ?? "");
    if (amountFen === null) return { ok: false, reason: "malformed refund_amount" };
    if (amountFen !== i.amountFen) return { ok: false, reason: `refund amount ${amountFen} does not match ${i.amountFen}` };
    switch (status) {
      case "REFUND_SUCCESS": {
        const succeededAt = parseAlipayTime(str("gmt_refund_pay") ?? "");
        return { ok: true, status: "succeeded", providerRefundNo: i.refundId, ...(succeededAt !== null ? { succeededAt } : {}) };
      }
      // The asynchronous refund API (alipay.trade.refund.apply) also reports these two.
      case "REFUND_PROCESSING":
        return { ok: true, status: "processing", providerRefundNo: i.refundId };
      case "REFUND_FAIL":
        return { ok: true, status: "failed", providerRefundNo: i.refundId, reason: "refund_status REFUND_FAIL" };
      default:
        return { ok: false, reason: `unknown refund_status ${status}` };
    }
  }
}

export function createAlipayProvider(config: AlipayConfig): AlipayProvider {
  return new AlipayProvider(config);
}
