import * as v from "valibot";
import type { OrderStatus } from "~/modules/orders/state-machine";

/**
 * The merchant order list's tabs (shared by the page and the loader). `refund_requested` is the
 * after-sales queue: orders with an after-sales request still waiting for a decision.
 * Unpaid orders (pending_payment) are not shown to merchants: nothing was sold yet.
 */
export const MERCHANT_ORDER_TABS = {
  all: null,
  refund_requested: null,
  to_ship: ["paid", "confirmed"],
  shipping: ["shipped", "ready_for_pickup"],
  done: ["picked_up", "completed"],
  after_sales: ["refunding", "refunded"],
  cancelled: ["cancelled"],
} as const satisfies Record<string, readonly OrderStatus[] | null>;
export type MerchantOrderTab = keyof typeof MERCHANT_ORDER_TABS;
export const MERCHANT_ORDER_TAB_KEYS = Object.keys(MERCHANT_ORDER_TABS) as MerchantOrderTab[];

const ymd = v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/));
const prefixedId = (prefix: string) => v.pipe(v.string(), v.regex(new RegExp(`^${prefix}_[0-9a-z]{1,40}$`)));

/** The list's filters, from the URL (invalid values are dropped, never a 500). */
export const MerchantOrderFilters = v.object({
  tab: v.optional(v.picklist(MERCHANT_ORDER_TAB_KEYS)),
  from: v.optional(ymd),
  to: v.optional(ymd),
  point: v.optional(prefixedId("pkp")),
  product: v.optional(prefixedId("prd")),
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40), v.regex(/^[0-9a-z_]*$/i))),
  page: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1))),
});
export type MerchantOrderFilters = v.InferOutput<typeof MerchantOrderFilters>;

/** Reads the filters one by one, so a bad value drops only itself. */
export function parseMerchantOrderFilters(params: URLSearchParams): MerchantOrderFilters {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(MerchantOrderFilters.entries) as Array<keyof MerchantOrderFilters>) {
    const raw = params.get(key);
    if (raw === null || raw === "") continue;
    const parsed = v.safeParse(MerchantOrderFilters.entries[key], raw);
    if (parsed.success && parsed.output !== "") out[key] = parsed.output;
  }
  return out as MerchantOrderFilters;
}

export const REJECT_REASON_MAX = 200;

/** The after-sales decision forms on the order page (conform + valibot; no defaults here). */
export const DecideAfterSalesInput = v.variant("intent", [
  v.object({
    intent: v.literal("approve"),
    refundId: prefixedId("rfd"),
    lines: v.pipe(
      v.array(v.object({ lineId: prefixedId("oli"), quantity: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9999)) })),
      v.minLength(1),
      v.maxLength(100),
    ),
  }),
  v.object({
    intent: v.literal("reject"),
    refundId: prefixedId("rfd"),
    reason: v.pipe(v.string(), v.trim(), v.minLength(2, "too_short"), v.maxLength(REJECT_REASON_MAX, "too_long")),
  }),
]);
export type DecideAfterSalesInput = v.InferOutput<typeof DecideAfterSalesInput>;

/** Finance period (business dates, Asia/Shanghai). */
export const FinanceFilters = v.object({ from: v.optional(ymd), to: v.optional(ymd) });
