import * as v from "valibot";
import { shanghaiLocalToEpoch, yuanToFen } from "~/modules/merchants/onboarding-schemas";
import { MEMBER_LEVELS } from "~/modules/membership/levels";

/**
 * The coupon centre's forms (admin templates and segment issues, the shopper's claim and
 * birthday). Plain schemas the browser can run too; clock and database checks live in the
 * modules. Error messages are i18n keys (`coupons.errors.*`, then `validation.*`).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_TEMPLATE_DAYS = 366;
export const MAX_TOTAL_LIMIT = 1_000_000;
export const MAX_PER_USER_LIMIT = 10;
export const MAX_VALID_DAYS = 365;
/** ¥10,000: the largest amount, threshold or cap a platform coupon may state. */
export const MAX_COUPON_FEN = 1_000_000;

export const TemplateId = v.pipe(v.string("template_required"), v.regex(/^cpt_[0-9a-z]{20}$/, "template_invalid"));
/** A segment issue's id: made at the preview, carried by the confirm form (its grant keys dedupe a double submit). */
export const IssueId = v.pipe(v.string("issue_invalid"), v.regex(/^iss_[0-9a-z]{20}$/, "issue_invalid"));

const Text = (max: number, required: string) => v.pipe(v.string(required), v.trim(), v.nonEmpty(required), v.maxLength(max, "name_too_long"));

/** A money field in yuan ("12.5") → fen; optional fields accept an empty string as "not given". */
const moneyOk = (s: string) => Number.isSafeInteger(yuanToFen(s)) && yuanToFen(s) >= 1;

/** An optional money field in yuan ("12.5") → fen, or undefined when left empty; one message per fault. */
// Optional fields are `v.optional(pipe)` without a default: conform sends an empty field as undefined.
const OptionalMoney = () =>
  v.optional(
    v.pipe(
      v.string("money_invalid"),
      v.trim(),
      v.check((s) => s === "" || moneyOk(s), "money_invalid"),
      v.check((s) => s === "" || !moneyOk(s) || yuanToFen(s) <= MAX_COUPON_FEN, "coupon_amount_too_large"),
      v.transform((s) => (s === "" ? undefined : yuanToFen(s))),
    ),
  );

const countOk = (s: string, max: number) => /^\d{1,7}$/.test(s) && Number(s) >= 1 && Number(s) <= max;
const Count = (max: number, invalid: string) =>
  v.pipe(
    v.string(invalid),
    v.trim(),
    v.check((s) => countOk(s, max), invalid),
    v.transform(Number),
  );
/** An optional whole number, or undefined when left empty. */
const OptionalCount = (max: number, invalid: string) =>
  v.optional(
    v.pipe(
      v.string(invalid),
      v.trim(),
      v.check((s) => s === "" || countOk(s, max), invalid),
      v.transform((s) => (s === "" ? undefined : Number(s))),
    ),
  );

const When = (required: string) =>
  v.pipe(
    v.string(required),
    v.nonEmpty(required),
    v.transform(shanghaiLocalToEpoch),
    v.check((n) => Number.isFinite(n), "time_invalid"),
  );

/** A checkbox group or multi-select: absent (none ticked), one string, or several. */
const IdGroup = (prefix: string, max: number, invalid: string) =>
  v.pipe(
    v.optional(v.union([v.array(v.string()), v.string()]), []),
    v.transform((x) => (Array.isArray(x) ? x : [x]).filter((s) => s !== "")),
    v.maxLength(max, `${invalid}_too_many`),
    v.everyItem((id) => new RegExp(`^${prefix}_[0-9a-z]{1,40}$`).test(id), invalid),
  );

export const CreateTemplateInput = v.pipe(
  v.object({
    intent: v.literal("create"),
    nameZh: Text(40, "coupon_name_required"),
    nameEn: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(60, "name_too_long"))),
    kind: v.picklist(["fixed", "threshold", "percentage"], "coupon_kind_invalid"),
    amount: OptionalMoney(),
    threshold: OptionalMoney(),
    percentOff: OptionalCount(99, "percent_off_invalid"),
    maxDiscount: OptionalMoney(),
    totalLimit: OptionalCount(MAX_TOTAL_LIMIT, "total_limit_invalid"),
    perUserLimit: Count(MAX_PER_USER_LIMIT, "per_user_limit_invalid"),
    validDays: OptionalCount(MAX_VALID_DAYS, "valid_days_invalid"),
    startsAt: When("starts_at_required"),
    endsAt: When("ends_at_required"),
    claimable: v.optional(v.picklist(["on"]), undefined),
    categoryIds: IdGroup("cat", 20, "category_invalid"),
    productIds: IdGroup("prd", 50, "product_invalid"),
  }),
  v.forward(
    v.check((i) => i.kind === "percentage" || typeof i.amount === "number", "coupon_amount_required"),
    ["amount"],
  ),
  v.forward(
    v.check((i) => i.kind !== "threshold" || typeof i.threshold === "number", "coupon_threshold_required"),
    ["threshold"],
  ),
  v.forward(
    v.check((i) => i.kind !== "threshold" || typeof i.threshold !== "number" || typeof i.amount !== "number" || i.threshold > i.amount, "coupon_threshold_low"),
    ["threshold"],
  ),
  v.forward(
    v.check((i) => i.kind !== "percentage" || typeof i.percentOff === "number", "percent_off_invalid"),
    ["percentOff"],
  ),
  v.forward(
    v.check((i) => i.endsAt > i.startsAt, "window_order"),
    ["endsAt"],
  ),
  v.forward(
    v.check((i) => i.endsAt - i.startsAt <= MAX_TEMPLATE_DAYS * DAY_MS, "window_too_long"),
    ["endsAt"],
  ),
);
export type CreateTemplateInput = v.InferOutput<typeof CreateTemplateInput>;

/** The template a valid create form describes: only the fields its kind reads, ids deduplicated. */
export function templateFromForm(i: CreateTemplateInput) {
  const num = (x: number | undefined) => (typeof x === "number" ? x : null);
  const percentage = i.kind === "percentage";
  return {
    nameZh: i.nameZh,
    nameEn: i.nameEn || i.nameZh,
    kind: i.kind,
    amountFen: percentage ? null : num(i.amount),
    thresholdFen: i.kind === "fixed" ? null : num(i.threshold),
    discountBp: percentage ? num(i.percentOff)! * 100 : null,
    maxDiscountFen: percentage ? num(i.maxDiscount) : null,
    totalLimit: num(i.totalLimit),
    perUserLimit: i.perUserLimit,
    validDays: num(i.validDays),
    startsAt: i.startsAt,
    endsAt: i.endsAt,
    claimable: i.claimable === "on",
    categoryIds: [...new Set(i.categoryIds)],
    productIds: [...new Set(i.productIds)],
  };
}
export type NewTemplate = ReturnType<typeof templateFromForm>;

export const TemplateActionInput = v.object({
  intent: v.picklist(["pause", "resume", "end"], "intent_invalid"),
  templateId: TemplateId,
});
export type TemplateActionInput = v.InferOutput<typeof TemplateActionInput>;

export const SEGMENT_KINDS = ["all", "level", "pickup_point", "new", "lapsed"] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

export type Segment =
  | { kind: "all" }
  | { kind: "level"; level: (typeof MEMBER_LEVELS)[number] }
  | { kind: "pickup_point"; pickupPointId: string }
  | { kind: "new" }
  | { kind: "lapsed"; days: number };

/** The segment fields of the issue form; `level`, `pickupPointId` and `days` are read only for their kind. */
export const SegmentInput = v.pipe(
  v.object({
    templateId: TemplateId,
    segment: v.picklist(SEGMENT_KINDS, "segment_invalid"),
    // Read (and checked) only for their segment: the form sends every field.
    level: v.optional(v.string()),
    pickupPointId: v.optional(v.string()),
    days: v.optional(v.string()),
  }),
  v.forward(
    v.check((i) => i.segment !== "level" || !!i.level, "level_required"),
    ["level"],
  ),
  v.forward(
    v.check((i) => i.segment !== "level" || !i.level || (MEMBER_LEVELS as readonly string[]).includes(i.level), "level_invalid"),
    ["level"],
  ),
  v.forward(
    v.check((i) => i.segment !== "pickup_point" || !!i.pickupPointId, "pickup_point_required"),
    ["pickupPointId"],
  ),
  v.forward(
    v.check((i) => i.segment !== "pickup_point" || !i.pickupPointId || /^pkp_[0-9a-z]{1,40}$/.test(i.pickupPointId), "pickup_point_invalid"),
    ["pickupPointId"],
  ),
  v.forward(
    v.check((i) => i.segment !== "lapsed" || !!i.days?.trim(), "lapsed_days_required"),
    ["days"],
  ),
  v.forward(
    v.check(
      (i) => i.segment !== "lapsed" || !i.days?.trim() || (/^\d{1,4}$/.test(i.days.trim()) && Number(i.days) >= 1 && Number(i.days) <= 3650),
      "lapsed_days_invalid",
    ),
    ["days"],
  ),
  v.transform((i): { templateId: string; segment: Segment } => {
    const segment: Segment =
      i.segment === "level"
        ? { kind: "level", level: i.level as (typeof MEMBER_LEVELS)[number] }
        : i.segment === "pickup_point"
        ? { kind: "pickup_point", pickupPointId: i.pickupPointId! }
        : i.segment === "lapsed"
        ? { kind: "lapsed", days: Number(i.days!.trim()) }
        : { kind: i.segment };
    return { templateId: i.templateId, segment };
  }),
);
export type SegmentInput = v.InferOutput<typeof SegmentInput>;

export const ClaimInput = v.object({
  intent: v.literal("claim"),
  templateId: TemplateId,
});

export const BirthdayInput = v.pipe(
  v.object({
    intent: v.literal("set-birthday"),
    month: v.pipe(
      v.string("birthday_month_required"),
      v.trim(),
      v.nonEmpty("birthday_month_required"),
      v.check((s) => s === "" || /^\d{1,2}$/.test(s), "birthday_invalid"),
      v.transform(Number),
    ),
    day: v.pipe(
      v.string("birthday_day_required"),
      v.trim(),
      v.nonEmpty("birthday_day_required"),
      v.check((s) => s === "" || /^\d{1,2}$/.test(s), "birthday_invalid"),
      v.transform(Number),
    ),
  }),
  v.forward(
    v.check((i) => birthdayOk(i.month, i.day), "birthday_invalid"),
    ["day"],
  ),
);

function birthdayOk(month: number, day: number): boolean {
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** The coupons page's tabs. */
export const MY_COUPON_TABS = ["available", "used", "expired"] as const;
export type MyCouponTab = (typeof MY_COUPON_TABS)[number];
export function parseMyCouponTab(raw: string | null): MyCouponTab {
  return (MY_COUPON_TABS as readonly string[]).includes(raw ?? "") ? (raw as MyCouponTab) : "available";
}
