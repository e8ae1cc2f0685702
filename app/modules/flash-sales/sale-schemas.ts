import * as v from "valibot";
import { FLASH_SALE_STATUSES } from "~/db/enums";
import { ratioPermille } from "~/modules/analytics/numbers";
import { shanghaiLocalToEpoch } from "~/modules/merchants/onboarding-schemas";
import { parseWholeNumber, parseYuanToFen } from "~/modules/settings/units";

/**
 * The forms of flash sales (限时抢购, issue 8) in the consoles: the merchant's create form and
 * pause, and the admin's approve/reject. Plain schemas the browser runs too; what needs the
 * database or the clock (the SKU's owner, price and stock, an overlapping sale, a window in the
 * past) is checked by admin.server.ts, which answers on the same fields.
 *
 * Rules of the form:
 * - The flash price is yuan with up to 2 decimals, read to integer fen by string arithmetic.
 * - Stock 1..MAX_FLASH_STOCK units, per-user limit 1..MAX_FLASH_PER_USER, payment timeout
 *   1..MAX_PAYMENT_TIMEOUT_MINUTES minutes (stored as seconds).
 * - The window is typed in Asia/Shanghai (`datetime-local`), ends after it starts and lasts at most
 *   MAX_FLASH_WINDOW_DAYS days: a flash sale is short by nature.
 * - Early access: minutes before the start silver and gold members may buy, 0..MAX_EARLY_MINUTES
 *   each; an empty box is 0, and zeros are left out of the stored map.
 */

export const FLASH_SALE_INTENTS = { create: "create-flash-sale", pause: "pause-flash-sale" } as const;

export const MAX_FLASH_STOCK = 100_000;
export const MAX_FLASH_PER_USER = 99;
export const MAX_PAYMENT_TIMEOUT_MINUTES = 30;
export const MAX_EARLY_MINUTES = 120;
export const MAX_FLASH_WINDOW_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type FlashSaleStatus = (typeof FLASH_SALE_STATUSES)[number];
export const FLASH_SALE_STATUS_FILTERS = ["all", ...FLASH_SALE_STATUSES] as const;
export type FlashSaleStatusFilter = (typeof FLASH_SALE_STATUS_FILTERS)[number];

const Id = (prefix: string, required: string, invalid: string) => v.pipe(v.string(required), v.regex(new RegExp(`^${prefix}_[0-9a-z]{1,40}$`), invalid));

const WholeIn = (min: number, max: number, required: string, invalid: string) =>
  v.pipe(
    v.string(required),
    v.trim(),
    v.nonEmpty(required),
    v.transform((s) => parseWholeNumber(s) ?? Number.NaN),
    v.check((n) => Number.isSafeInteger(n) && n >= min && n <= max, invalid),
  );

/** An optional whole number of minutes: absent or empty is 0. */
const EarlyMinutes = v.pipe(
  v.optional(v.string()),
  v.transform((s) => (s === undefined || s.trim() === "" ? 0 : (parseWholeNumber(s) ?? Number.NaN))),
  v.check((n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_EARLY_MINUTES, "early_access_invalid"),
);

const When = (required: string) =>
  v.pipe(
    v.string(required),
    v.nonEmpty(required),
    v.transform(shanghaiLocalToEpoch),
    v.check((n) => Number.isFinite(n), "time_invalid"),
  );

const Price = v.pipe(
  v.string("flash_price_required"),
  v.trim(),
  v.nonEmpty("flash_price_required"),
  v.transform((s) => parseYuanToFen(s) ?? Number.NaN),
  v.check((n) => Number.isSafeInteger(n) && n >= 1, "flash_price_invalid"),
);

/** The stored early-access map: only the levels with minutes. */
export function earlyAccessJson(silver: number, gold: number): string {
  const out: Record<string, number> = {};
  if (silver > 0) out.silver = silver;
  if (gold > 0) out.gold = gold;
  return JSON.stringify(out);
}

/** The merchant's create form. Out: fen, units, seconds, epoch ms and the early-access JSON. */
export const CreateFlashSaleInput = v.pipe(
  v.object({
    intent: v.literal(FLASH_SALE_INTENTS.create),
    skuId: Id("sku", "sku_required", "sku_invalid"),
    flashPrice: Price,
    stock: WholeIn(1, MAX_FLASH_STOCK, "stock_required", "stock_invalid"),
    perUserLimit: WholeIn(1, MAX_FLASH_PER_USER, "per_user_limit_required", "per_user_limit_invalid"),
    paymentTimeoutMinutes: WholeIn(1, MAX_PAYMENT_TIMEOUT_MINUTES, "payment_timeout_required", "payment_timeout_invalid"),
    startsAt: When("starts_at_required"),
    endsAt: When("ends_at_required"),
    earlySilver: EarlyMinutes,
    earlyGold: EarlyMinutes,
  }),
  v.forward(
    v.check((i) => !Number.isFinite(i.startsAt + i.endsAt) || i.endsAt > i.startsAt, "window_order"),
    ["endsAt"],
  ),
  v.forward(
    v.check((i) => !Number.isFinite(i.startsAt + i.endsAt) || i.endsAt - i.startsAt <= MAX_FLASH_WINDOW_DAYS * DAY_MS, "flash_window_too_long"),
    ["endsAt"],
  ),
  v.transform((i) => ({
    skuId: i.skuId,
    flashPriceFen: i.flashPrice,
    stock: i.stock,
    perUserLimit: i.perUserLimit,
    paymentTimeoutSeconds: i.paymentTimeoutMinutes * 60,
    startsAt: i.startsAt,
    endsAt: i.endsAt,
    earlyAccessMinutes: earlyAccessJson(i.earlySilver ?? 0, i.earlyGold ?? 0),
  })),
);
export type CreateFlashSaleInput = v.InferOutput<typeof CreateFlashSaleInput>;

/** Pause one of the merchant's own sales (before its window starts). */
export const PauseFlashSaleInput = v.object({
  intent: v.literal(FLASH_SALE_INTENTS.pause, "intent_invalid"),
  saleId: Id("fls", "sale_required", "sale_invalid"),
});

/** The admin's decision; a rejection says why (the merchant reads it in their inbox). */
export const ReviewFlashSaleInput = v.variant(
  "intent",
  [
    v.object({ intent: v.literal("approve"), saleId: Id("fls", "sale_required", "sale_invalid") }),
    v.object({
      intent: v.literal("reject"),
      saleId: Id("fls", "sale_required", "sale_invalid"),
      reason: v.pipe(v.string("reject_reason_required"), v.trim(), v.minLength(2, "reject_reason_required"), v.maxLength(200, "reason_too_long")),
    }),
  ],
  "intent_invalid",
);
export type ReviewFlashSaleInput = v.InferOutput<typeof ReviewFlashSaleInput>;

/** Reads the admin list's status filter from the URL; anything unknown is `all`. */
export function parseFlashStatusFilter(value: string | null): FlashSaleStatusFilter {
  return (FLASH_SALE_STATUS_FILTERS as readonly string[]).includes(value ?? "") ? (value as FlashSaleStatusFilter) : "all";
}

// ---------------------------------------------------------------------------------------------
// What the pages show

/**
 * Where a sale stands for people: its review status, and for an approved one whether its window
 * is ahead (`scheduled`), open (`live`) or over (`ended`, then `reconciled` once the end-of-window
 * check ran). A rejection stays one; a paused or pending sale whose window is over reads `ended`.
 */
export type FlashSalePhase = "pending_review" | "rejected" | "paused" | "scheduled" | "live" | "ended" | "reconciled";

export function flashSalePhase(s: { status: FlashSaleStatus; startsAt: number; endsAt: number; reconciledAt: number | null }, now: number): FlashSalePhase {
  if (s.status === "rejected") return "rejected";
  if (s.reconciledAt !== null) return "reconciled";
  if (s.endsAt <= now) return "ended";
  if (s.status !== "approved") return s.status;
  return s.startsAt > now ? "scheduled" : "live";
}

/** One difference between the stock object and D1 found by the reconciliation. */
export interface ReconciliationDifference {
  kind: "paid_order_not_confirmed" | "confirmed_without_paid_order" | "pending_order_not_held" | "held_without_pending_order" | "order_without_reservation" | "running_totals_drift" | "transfer_not_received";
  reservationId: string | null;
  orderId: string | null;
}

/** The stored end-of-window check (flash_sales.reconciliation). */
export interface Reconciliation {
  sold: number;
  reserved: number;
  remaining: number;
  d1Sold: number;
  d1Pending: number;
  differences: ReconciliationDifference[];
}

export function parseReconciliation(raw: string | null): Reconciliation | null {
  if (!raw) return null;
  try {
    const r = JSON.parse(raw) as Reconciliation;
    return typeof r.sold === "number" && Array.isArray(r.differences) ? r : null;
  } catch {
    return null;
  }
}

/** Sold ÷ stock per mille (rounded half up), null for a sale without stock. */
export const sellThroughPermille = (sold: number, stock: number) => ratioPermille(sold, stock);
