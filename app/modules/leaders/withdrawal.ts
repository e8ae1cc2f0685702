import * as v from "valibot";

/**
 * Withdrawal requests (pure: the form schema, exact yuan → fen parsing, payout-account rules and
 * masking; shared by the page and the server, so no server imports here).
 *
 * The leader asks for (part of) the available balance — settled commission minus the withdrawals
 * still standing — to be paid out to a WeChat, Alipay or bank account. The request is stored with
 * the account encrypted; approving and paying it is the settlement issue's work.
 */

export const PAYOUT_METHODS = ["wechat", "alipay", "bank"] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

/** Largest amount the form accepts: ¥999,999,999.99 (the balance limits it far sooner). */
export const MAX_AMOUNT_FEN = 99_999_999_999;

/**
 * A yuan amount typed by a person → integer fen, read from the digits (never through a float):
 * "12", "12.3", "12.30", "0.05", "¥1,234.50", full-width "１２．５" (NFKC). Anything else —
 * negative, three decimals, an exponent, a bare "." or "12.", grouping in the wrong places,
 * empty, too large — is null.
 */
export function parseYuanToFen(input: string): number | null {
  const s = input.normalize("NFKC").trim().replace(/^¥\s*/, "");
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const yuan = m[1]!.replace(/,/g, "").replace(/^0+(?=\d)/, "");
  if (yuan.length > 9) return null;
  const fen = Number(yuan) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen <= MAX_AMOUNT_FEN ? fen : null;
}

/** Fen → "12.30" for a form field (integer arithmetic only); the inverse of parseYuanToFen. */
export function fenToYuanInput(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

const MOBILE = /^1[3-9]\d{9}$/;
const EMAIL = /^[^\s@]{1,40}@[^\s@]{1,40}\.[A-Za-z]{2,}$/;
const WECHAT_ID = /^[A-Za-z][-_A-Za-z0-9]{5,19}$/;
const CARD = /^\d{12,19}$/;

/** The account as it is stored: spaces and dashes out of numbers, +86 off phone numbers, e-mail in lower case. */
export function normalisePayoutAccount(method: PayoutMethod, account: string): string {
  const s = account.normalize("NFKC").trim();
  const digits = s.replace(/[\s-]/g, "").replace(/^\+?86(?=1\d{10}$)/, "");
  if (method === "bank") return digits;
  if (/^\+?[\d\s-]+$/.test(s)) return digits;
  return method === "alipay" ? s.toLowerCase() : s;
}

/** WeChat: a WeChat ID (6–20, starting with a letter) or the mobile number; Alipay: mobile or e-mail; bank: a 12–19 digit card number. */
export function isValidPayoutAccount(method: PayoutMethod, account: string): boolean {
  const a = normalisePayoutAccount(method, account);
  if (method === "bank") return CARD.test(a);
  if (method === "alipay") return MOBILE.test(a) || EMAIL.test(a);
  return MOBILE.test(a) || WECHAT_ID.test(a);
}

/** What the page shows of a payout account: enough to recognise it, not enough to use it. */
export function maskPayoutAccount(method: PayoutMethod, account: string): string {
  if (method === "bank") return `**** ${account.slice(-4)}`;
  if (MOBILE.test(account)) return `${account.slice(0, 3)}****${account.slice(-4)}`;
  const at = account.indexOf("@");
  if (at > 0) return `${account.slice(0, 1)}***${account.slice(at)}`;
  return account.length <= 4 ? "****" : `${account.slice(0, 2)}****${account.slice(-2)}`;
}

export const WITHDRAWAL_INTENT = "request-withdrawal";

/**
 * The withdrawal form. The amount stays text here (converted exactly by parseYuanToFen); the
 * minimum and the available balance are checked by the server, which knows them.
 */
export const WithdrawalInput = v.pipe(
  v.object({
    intent: v.literal(WITHDRAWAL_INTENT, "intent_invalid"),
    amount: v.pipe(
      v.string("amount_required"),
      v.trim(),
      v.nonEmpty("amount_required"),
      v.check((s) => parseYuanToFen(s) !== null, "amount_invalid"),
      v.check((s) => parseYuanToFen(s) !== 0, "amount_zero"),
    ),
    method: v.picklist(PAYOUT_METHODS, "method_required"),
    account: v.pipe(v.string("account_required"), v.trim(), v.nonEmpty("account_required"), v.maxLength(64, "account_too_long")),
  }),
  v.forward(
    v.partialCheck(
      [["method"], ["account"]],
      // (too long is reported by itself)
      (i) => i.account.length > 64 || isValidPayoutAccount(i.method, i.account),
      "account_invalid",
    ),
    ["account"],
  ),
);
export type WithdrawalInput = v.InferOutput<typeof WithdrawalInput>;
