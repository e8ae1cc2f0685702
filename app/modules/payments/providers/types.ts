/**
 * The payment provider layer: one interface over WeChat Pay (APIv3), Alipay (open platform, RSA2,
 * public-key mode) and a local sandbox. See docs/decisions/010-payment-providers.md.
 *
 * Amounts are integer fen (ADR 005) and instants are UTC epoch milliseconds.
 */

export type ProviderName = "sandbox" | "wechat" | "alipay";

export interface CreatePaymentInput {
  /** Our payment id; sent to the provider as out_trade_no and returned in its notifications. */
  paymentId: string;
  orderId: string;
  amountFen: number;
  description: string;
  notifyUrl: string;
  returnUrl: string;
  /** Epoch ms after which the provider must refuse to take the payment. */
  expiresAt: number;
  /** WeChat: when set, a JSAPI payment (inside WeChat) for this openid instead of a Native QR code. */
  payerOpenId?: string;
  clientIp?: string;
}

export type CreatePaymentResult =
  | { kind: "redirect"; url: string }
  | { kind: "qr"; codeUrl: string }
  | { kind: "jsapi"; params: Record<string, string> };

/**
 * `pending` is an addition to the statuses in the original brief: Alipay may notify
 * WAIT_BUYER_PAY, which is not final. The caller must not change the order for it.
 * `closed` also covers an Alipay trade closed after a full refund (TRADE_CLOSED): the caller
 * must not treat `closed` on an already paid payment as "the payment failed".
 */
export type PaymentStatus = "succeeded" | "failed" | "closed" | "pending";

export interface VerifiedNotification {
  paymentId: string;
  providerTradeNo: string;
  status: PaymentStatus;
  /** The amount the provider says the trade is for, parsed exactly. The caller compares it with the order. */
  amountFen: number;
  paidAt?: number;
  raw: unknown;
}

/**
 * What to answer the provider. WeChat: 204 on success, 500 with JSON {"code":"FAIL","message":…}
 * on failure. Alipay: 200 with text "success" or "fail".
 */
export interface NotificationResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface RefundInput {
  /** Our refund id; out_refund_no (WeChat) / out_request_no (Alipay). Retrying with the same id is idempotent at the provider. */
  refundId: string;
  paymentId: string;
  providerTradeNo: string;
  amountFen: number;
  totalFen: number;
  reason: string;
  notifyUrl: string;
}

export type RefundResult =
  | { ok: true; providerRefundNo: string; status: "processing" | "succeeded" }
  | { ok: false; reason: string };

/**
 * A provider's verified word on one of our refunds (WeChat Pay REFUND.* notifications). Only final
 * states are notified: `succeeded`, or `failed` for WeChat's CLOSED (退款关闭) and ABNORMAL (退款异常).
 */
export interface VerifiedRefundNotification {
  /** Our refund id (out_refund_no). */
  refundId: string;
  /** Our payment id (out_trade_no). */
  paymentId: string;
  providerTradeNo: string;
  providerRefundNo: string;
  status: "succeeded" | "failed";
  /** The provider's own status word (SUCCESS, CLOSED, ABNORMAL), for the log. */
  providerStatus: string;
  /** The refunded amount, parsed exactly. The caller compares it with the refund. */
  amountFen: number;
  succeededAt?: number;
  raw: unknown;
}

/**
 * A verified notification is about a payment (`notification`) or, for providers that notify refund
 * results, about a refund (`refund`).
 */
export type VerifyResult =
  | { ok: true; notification: VerifiedNotification }
  | { ok: true; refund: VerifiedRefundNotification }
  | { ok: false; reason: string };

export interface RefundQueryInput {
  /** Our refund id: out_refund_no (WeChat) / out_request_no (Alipay), as sent with the refund. */
  refundId: string;
  paymentId: string;
  providerTradeNo: string;
  /** The amount we asked for; an answer about another amount is refused, never acted on. */
  amountFen: number;
}

/**
 * What the provider says about one refund:
 * - `succeeded` / `processing`: as for `refund`;
 * - `failed`: the provider closed it or could not pay it out (WeChat CLOSED / ABNORMAL);
 * - `not_found`: the provider has no such refund (it never arrived, or Alipay did not carry it
 *   out), so sending it again with the same refund number is safe;
 * - `{ ok: false }`: we could not find out (unreachable, unverifiable, inconsistent); ask later.
 */
export type RefundQueryResult =
  | { ok: true; status: "succeeded"; providerRefundNo: string; succeededAt?: number }
  | { ok: true; status: "processing"; providerRefundNo: string }
  | { ok: true; status: "failed"; providerRefundNo?: string; reason: string }
  | { ok: true; status: "not_found" }
  | { ok: false; reason: string };

export interface NotificationRequest {
  headers: Headers;
  /** The raw request body exactly as received (signatures cover the bytes, so never re-serialise). */
  body: string;
}

export interface PaymentProvider {
  name: ProviderName;
  /** Throws PaymentProviderError when the provider refuses or cannot be reached. */
  createPayment(i: CreatePaymentInput): Promise<CreatePaymentResult>;
  /** `now` is epoch ms. Never throws for bad input: a refusal is `{ ok: false, reason }`. */
  verifyNotification(request: NotificationRequest, now: number): Promise<VerifyResult>;
  ackResponse(ok: boolean, reason?: string): NotificationResponse;
  refund(i: RefundInput): Promise<RefundResult>;
  /** Asks the provider for a refund's state (WeChat 查询单笔退款, Alipay alipay.trade.fastpay.refund.query). Never throws. */
  queryRefund(i: RefundQueryInput): Promise<RefundQueryResult>;
}

/** A provider call failed: the provider refused, answered with something unverifiable, or was unreachable. */
export class PaymentProviderError extends Error {
  override name = "PaymentProviderError";
  constructor(
    readonly provider: ProviderName,
    readonly reason: string,
  ) {
    super(`${provider}: ${reason}`);
  }
}
