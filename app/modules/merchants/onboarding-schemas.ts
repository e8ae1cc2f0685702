import * as v from "valibot";
import { Phone } from "~/modules/identity/schemas";

/**
 * Forms of merchant onboarding (apply, review), staff invitations and merchant marketing. Plain
 * schemas the browser can run too; checks that need the clock or the database live in the
 * modules (onboarding.server.ts, staff.server.ts, marketing.server.ts).
 */

export const LICENCE_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const LICENCE_IMAGE_TYPES = "image/jpeg,image/png,image/webp";
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** 统一社会信用代码 (18) or the older registration number (15); spaces ignored, letters upper-cased. */
export function normaliseLicenceNo(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

const Text = (min: number, max: number, required: string, tooLong: string) =>
  v.pipe(v.string(required), v.trim(), v.nonEmpty(required), v.minLength(min, required), v.maxLength(max, tooLong));

const Id = (prefix: string, required: string, invalid: string) => v.pipe(v.string(required), v.regex(new RegExp(`^${prefix}_[0-9a-z]{1,40}$`), invalid));

// A checkbox group: no key when none is ticked (checked below, on the whole form), a string for
// one, an array for several.
const CategoryIds = v.pipe(
  v.optional(v.union([v.array(v.string()), v.string()], "categories_required")),
  v.transform((x) => (x === undefined ? [] : Array.isArray(x) ? x : [x])),
  v.maxLength(10, "categories_over_limit"),
  v.everyItem((id) => /^cat_[0-9a-z]{1,40}$/.test(id), "category_invalid"),
);

export const ApplyMerchantInput = v.pipe(
  v.object({
    storeName: Text(2, 30, "store_name_required", "store_name_too_long"),
    companyName: Text(2, 60, "company_name_required", "company_name_too_long"),
    licenceNo: v.pipe(
      v.string("licence_no_required"),
      v.transform(normaliseLicenceNo),
      v.nonEmpty("licence_no_required"),
      v.regex(/^(?:[0-9A-Z]{15}|[0-9A-Z]{18})$/, "licence_no_invalid"),
    ),
    contactName: v.pipe(v.string("name_required"), v.trim(), v.nonEmpty("name_required"), v.maxLength(40, "name_too_long")),
    contactPhone: Phone,
    categoryIds: CategoryIds,
  }),
  v.forward(
    v.check((i) => (i.categoryIds?.length ?? 0) > 0, "categories_required"),
    ["categoryIds"],
  ),
);
export type ApplyMerchantInput = v.InferOutput<typeof ApplyMerchantInput>;

export const ReviewMerchantInput = v.variant(
  "intent",
  [
    v.object({
      intent: v.literal("approve"),
      merchantId: Id("mch", "merchant_required", "merchant_invalid"),
    }),
    v.object({
      intent: v.literal("reject"),
      merchantId: Id("mch", "merchant_required", "merchant_invalid"),
      reason: Text(2, 200, "reject_reason_required", "text_too_long"),
    }),
  ],
  "intent_invalid",
);
export type ReviewMerchantInput = v.InferOutput<typeof ReviewMerchantInput>;

export const StaffAction = v.variant(
  "intent",
  [
    v.object({
      intent: v.literal("invite"),
      note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40, "text_too_long"))),
    }),
    v.object({
      intent: v.literal("revoke"),
      invitationId: Id("mvi", "invitation_required", "invitation_invalid"),
    }),
    v.object({
      intent: v.literal("remove"),
      userId: Id("usr", "user_required", "user_invalid"),
    }),
  ],
  "intent_invalid",
);
export type StaffAction = v.InferOutput<typeof StaffAction>;

// ---------------------------------------------------------------------------------------------
// Marketing

/** "12.34" / "12.3" / "12" yuan → integer fen; the string form keeps money out of floating point. */
export function yuanToFen(input: string): number {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(input.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A `datetime-local` value read as Asia/Shanghai wall time (UTC+8, no daylight saving) → epoch ms. */
export function shanghaiLocalToEpoch(input: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(input.trim());
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return Number.NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi) - SHANGHAI_OFFSET_MS;
  // Reject dates that roll over (e.g. 02-31).
  return new Date(ms + SHANGHAI_OFFSET_MS).getUTCDate() === d ? ms : Number.NaN;
}

/** epoch ms → the `datetime-local` value in Asia/Shanghai. */
export function epochToShanghaiLocal(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

const Money = (required: string) =>
  v.pipe(
    v.string(required),
    v.trim(),
    v.nonEmpty(required),
    v.transform(yuanToFen),
    v.check((n) => Number.isSafeInteger(n), "money_invalid"),
    v.minValue(1, "money_invalid"),
  );

const When = (required: string) =>
  v.pipe(
    v.string(required),
    v.nonEmpty(required),
    v.transform(shanghaiLocalToEpoch),
    v.check((n) => Number.isFinite(n), "time_invalid"),
  );

const Count = (max: number, invalid: string) =>
  v.pipe(v.string(invalid), v.trim(), v.regex(/^\d{1,6}$/, invalid), v.transform(Number), v.minValue(1, invalid), v.maxValue(max, invalid));

export const MAX_PROMOTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export const CreateDiscountInput = v.pipe(
  v.object({
    intent: v.literal("create-discount"),
    name: Text(1, 40, "promotion_name_required", "name_too_long"),
    skuId: Id("sku", "sku_required", "sku_invalid"),
    kind: v.picklist(["fixed_price", "percentage"], "discount_kind_invalid"),
    unitPrice: v.optional(Money("discount_price_required")),
    percentOff: v.optional(Count(90, "percent_off_invalid")),
    startsAt: When("starts_at_required"),
    endsAt: When("ends_at_required"),
  }),
  v.forward(
    v.check((i) => i.kind !== "fixed_price" || i.unitPrice !== undefined, "discount_price_required"),
    ["unitPrice"],
  ),
  v.forward(
    v.check((i) => i.kind !== "percentage" || i.percentOff !== undefined, "percent_off_invalid"),
    ["percentOff"],
  ),
  v.forward(
    v.check((i) => i.endsAt > i.startsAt, "window_order"),
    ["endsAt"],
  ),
  v.forward(
    v.check((i) => i.endsAt - i.startsAt <= MAX_PROMOTION_DAYS * DAY_MS, "window_too_long"),
    ["endsAt"],
  ),
);
export type CreateDiscountInput = v.InferOutput<typeof CreateDiscountInput>;

export const CreateCouponInput = v.pipe(
  v.object({
    intent: v.literal("create-coupon"),
    nameZh: Text(1, 40, "promotion_name_required", "name_too_long"),
    nameEn: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(60, "name_too_long"))),
    kind: v.picklist(["fixed", "threshold"], "coupon_kind_invalid"),
    amount: Money("coupon_amount_required"),
    threshold: v.optional(Money("coupon_threshold_required")),
    totalLimit: Count(100000, "total_limit_invalid"),
    perUserLimit: Count(10, "per_user_limit_invalid"),
    validDays: v.optional(Count(MAX_PROMOTION_DAYS, "valid_days_invalid")),
    startsAt: When("starts_at_required"),
    endsAt: When("ends_at_required"),
  }),
  v.forward(
    v.check((i) => i.kind !== "threshold" || i.threshold !== undefined, "coupon_threshold_required"),
    ["threshold"],
  ),
  v.forward(
    v.check((i) => i.kind !== "threshold" || i.threshold === undefined || i.threshold > i.amount, "coupon_threshold_low"),
    ["threshold"],
  ),
  v.forward(
    v.check((i) => i.amount <= 100000, "money_invalid"),
    ["amount"],
  ),
  v.forward(
    v.check((i) => i.endsAt > i.startsAt, "window_order"),
    ["endsAt"],
  ),
  v.forward(
    v.check((i) => i.endsAt - i.startsAt <= MAX_PROMOTION_DAYS * DAY_MS, "window_too_long"),
    ["endsAt"],
  ),
);
export type CreateCouponInput = v.InferOutput<typeof CreateCouponInput>;

export const EndPromotionInput = v.variant(
  "intent",
  [
    v.object({
      intent: v.literal("end-discount"),
      id: Id("ltd", "promotion_required", "promotion_invalid"),
    }),
    v.object({
      intent: v.literal("end-coupon"),
      id: Id("cpt", "promotion_required", "promotion_invalid"),
    }),
  ],
  "intent_invalid",
);

/** How far in the past a start may be (the minutes it takes to fill the form); later starts are "now". */
export const START_GRACE_MS = 10 * 60 * 1000;

/** Clock checks of a promotion window: it must not start in the past nor be over already. */
export function checkWindow(input: { startsAt: number; endsAt: number }, now: number): { field: "startsAt" | "endsAt"; code: string } | null {
  if (input.startsAt < now - START_GRACE_MS) return { field: "startsAt", code: "starts_in_past" };
  if (input.endsAt <= now) return { field: "endsAt", code: "ends_in_past" };
  return null;
}

/** The merchant review queue's tabs (shared with the page, which runs in the browser too). */
export const MERCHANT_REVIEW_STATUSES = ["pending", "approved", "rejected"] as const;
export type MerchantReviewStatus = (typeof MERCHANT_REVIEW_STATUSES)[number];
