/**
 * A local payment provider that behaves like a real one: the payment page (`/pay/sandbox/{paymentId}`)
 * produces a signed callback with `signSandboxNotification`, and the notify route verifies it the
 * same way it would a provider's: HMAC-SHA256 over `${timestamp}\n${nonce}\n${body}\n` with
 * SANDBOX_PAY_SECRET, in X-Sandbox-Timestamp (epoch seconds) / X-Sandbox-Nonce /
 * X-Sandbox-Signature (base64), refused when more than 5 minutes off.
 * Never enabled in production (see index.ts).
 */
import * as v from "valibot";
import { checkTimestamp, epochSeconds, hmacSha256Base64, hmacSha256Verify, importHmacKey, randomNonce } from "./crypto";
import type {
  CreatePaymentInput,
  CreatePaymentResult,
  NotificationRequest,
  NotificationResponse,
  PaymentProvider,
  RefundInput,
  RefundQueryInput,
  RefundQueryResult,
  RefundResult,
  VerifyResult,
} from "./types";

export const SANDBOX_HEADERS = {
  timestamp: "X-Sandbox-Timestamp",
  nonce: "X-Sandbox-Nonce",
  signature: "X-Sandbox-Signature",
} as const;

const nonEmpty = v.pipe(v.string(), v.minLength(1), v.maxLength(128));

export const SandboxNotificationBody = v.object({
  paymentId: nonEmpty,
  providerTradeNo: nonEmpty,
  status: v.picklist(["succeeded", "failed", "closed"]),
  amountFen: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  /** Epoch ms; required when status is "succeeded". */
  paidAt: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});
export type SandboxNotificationPayload = v.InferOutput<typeof SandboxNotificationBody>;

export function sandboxSignatureMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/**
 * Builds the callback the sandbox page posts to the notify URL: a JSON body and the signature
 * headers. `now` is epoch ms.
 */
export async function signSandboxNotification(
  secret: string,
  payload: SandboxNotificationPayload,
  now: number,
): Promise<{ headers: Record<string, string>; body: string }> {
  const parsed = v.parse(SandboxNotificationBody, payload);
  const body = JSON.stringify(parsed);
  const timestamp = String(epochSeconds(now));
  const nonce = randomNonce(32);
  const signature = await hmacSha256Base64(await importHmacKey(secret), sandboxSignatureMessage(timestamp, nonce, body));
  return {
    headers: {
      "Content-Type": "application/json",
      [SANDBOX_HEADERS.timestamp]: timestamp,
      [SANDBOX_HEADERS.nonce]: nonce,
      [SANDBOX_HEADERS.signature]: signature,
    },
    body,
  };
}

export interface SandboxConfig {
  secret: string;
  /** Path prefix of the sandbox payment page; default "/pay/sandbox". */
  pagePath?: string;
}

export class SandboxProvider implements PaymentProvider {
  readonly name = "sandbox" as const;
  readonly #pagePath: string;
  readonly #key: Promise<CryptoKey>;

  constructor(config: SandboxConfig) {
    if (config.secret === "") throw new Error("SANDBOX_PAY_SECRET must not be empty");
    this.#pagePath = (config.pagePath ?? "/pay/sandbox").replace(/\/+$/, "");
    this.#key = importHmacKey(config.secret);
  }

  async createPayment(i: CreatePaymentInput): Promise<CreatePaymentResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1) throw new RangeError(`Amount must be at least 1 fen, got ${i.amountFen}`);
    return { kind: "redirect", url: `${this.#pagePath}/${encodeURIComponent(i.paymentId)}` };
  }

  async verifyNotification(request: NotificationRequest, now: number): Promise<VerifyResult> {
    const timestamp = request.headers.get(SANDBOX_HEADERS.timestamp);
    const nonce = request.headers.get(SANDBOX_HEADERS.nonce);
    const signature = request.headers.get(SANDBOX_HEADERS.signature);
    if (!nonce || !signature) return { ok: false, reason: "missing X-Sandbox-* signature headers" };
    const timeProblem = checkTimestamp(timestamp, now);
    if (timeProblem) return { ok: false, reason: timeProblem };
    const valid = await hmacSha256Verify(await this.#key, sandboxSignatureMessage(timestamp!, nonce, request.body), signature);
    if (!valid) return { ok: false, reason: "bad signature" };

    let json: unknown;
    try {
      json = JSON.parse(request.body);
    } catch {
      return { ok: false, reason: "malformed notification body" };
    }
    const parsed = v.safeParse(SandboxNotificationBody, json);
    if (!parsed.success) return { ok: false, reason: "malformed notification body" };
    const n = parsed.output;
    if (n.status === "succeeded" && n.paidAt === undefined) return { ok: false, reason: "successful notification without paidAt" };
    return {
      ok: true,
      notification: {
        paymentId: n.paymentId,
        providerTradeNo: n.providerTradeNo,
        status: n.status,
        amountFen: n.amountFen,
        ...(n.paidAt !== undefined ? { paidAt: n.paidAt } : {}),
        raw: json,
      },
    };
  }

  ackResponse(ok: boolean, reason?: string): NotificationResponse {
    if (ok) return { status: 204, body: "", headers: {} };
    return {
      status: 400,
      body: JSON.stringify({ code: "FAIL", message: reason ?? "FAIL" }),
      headers: { "Content-Type": "application/json; charset=utf-8" },
    };
  }

  async refund(i: RefundInput): Promise<RefundResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1 || i.amountFen > i.totalFen) {
      return { ok: false, reason: "refund amount must be between 1 fen and the payment total" };
    }
    return { ok: true, providerRefundNo: await this.#refundNo(i), status: "succeeded" };
  }

  /**
   * The sandbox keeps no state and carries out every valid refund at once, so a query finds any
   * valid refund succeeded, under the same number `refund` gave it.
   */
  async queryRefund(i: RefundQueryInput): Promise<RefundQueryResult> {
    if (!Number.isSafeInteger(i.amountFen) || i.amountFen < 1) return { ok: true, status: "not_found" };
    return { ok: true, status: "succeeded", providerRefundNo: await this.#refundNo(i) };
  }

  /** Derived from the refund id, so a retried refund gets the same number, as at a real provider. */
  async #refundNo(i: { paymentId: string; refundId: string }): Promise<string> {
    const tag = await hmacSha256Base64(await this.#key, `refund\n${i.paymentId}\n${i.refundId}`);
    return `sbr_${tag.replace(/[^A-Za-z0-9]/g, "").slice(0, 24)}`;
  }
}

export function createSandboxProvider(config: SandboxConfig): SandboxProvider {
  return new SandboxProvider(config);
}
