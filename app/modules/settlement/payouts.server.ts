import type { PayoutMethod } from "~/modules/leaders/withdrawal";

/**
 * The payout provider interface: how an approved withdrawal's money leaves the platform (WeChat
 * Pay's transfer to balance, Alipay's fund transfer, a bank transfer). The settlement consumer
 * calls `transfer` once per delivery of a `withdrawal.payout` message; `requestId` is the
 * withdrawal id, which a real provider treats as the idempotency key (WeChat's `out_bill_no`,
 * Alipay's `out_biz_no`), so a redelivery never pays twice.
 *
 * Only the sandbox exists so far (ADR 019): it runs in-process, answers at once and keeps no
 * state, which is what local runs and the tests need. The production providers plug in here;
 * until one is configured, `PAYOUT_PROVIDER` must stay unset or "sandbox" outside production and
 * the Worker refuses payouts in production (the withdrawal ends `failed` with a clear reason and
 * the money stays on the owner's balance).
 */
export interface PayoutRequest {
  requestId: string;
  amountFen: number;
  method: PayoutMethod;
  /** The payee's account, decrypted (WeChat id or phone, Alipay login, bank card). */
  account: string;
}

export type PayoutResult =
  /** The money left: the provider's reference for the transfer. */
  | { status: "succeeded"; ref: string }
  /** Refused for good (closed account, name mismatch…): the withdrawal fails and the money stays. */
  | { status: "failed"; reason: string };

export interface PayoutProvider {
  readonly name: string;
  /** Throws on a transient failure (network, 5xx): the queue retries with backoff. */
  transfer(request: PayoutRequest): Promise<PayoutResult>;
}

/**
 * The sandbox: pays every transfer, except to the test accounts that exercise refusals — a bank
 * card ending 0000, or an account containing "reject" — which fail with `account_rejected`.
 */
export const sandboxPayouts: PayoutProvider = {
  name: "sandbox",
  async transfer(request) {
    if (!Number.isSafeInteger(request.amountFen) || request.amountFen <= 0) return { status: "failed", reason: "invalid_amount" };
    if ((request.method === "bank" && request.account.endsWith("0000")) || request.account.toLowerCase().includes("reject")) return { status: "failed", reason: "account_rejected" };
    return { status: "succeeded", ref: `sandbox-payout-${request.requestId}` };
  },
};

const unavailable: PayoutProvider = {
  name: "unavailable",
  async transfer() {
    return { status: "failed", reason: "payout_provider_unavailable" };
  },
};

export function getPayoutProvider(env: { APP_ENV?: string; PAYOUT_PROVIDER?: string }): PayoutProvider {
  const name = env.PAYOUT_PROVIDER ?? "sandbox";
  if (name === "sandbox" && env.APP_ENV !== "production") return sandboxPayouts;
  return unavailable;
}
