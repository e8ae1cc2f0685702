/**
 * valibot schemas for the pricing engine's input, so callers can check untrusted data (an API
 * body, a stored promotion) before calling `priceCart`. Error messages are stable codes.
 *
 * `priceCart` itself assumes input that passes `PriceCartInputSchema`. The limits below keep every
 * intermediate sum a safe integer with a wide margin (200 lines × 999 × ¥1,000,000 < 2^53 fen).
 */
import * as v from "valibot";
import { fail, ok, type Result } from "~/lib/result";
import type { PriceCartInput } from "./types";

export const MAX_LINES = 200;
export const MAX_QUANTITY = 999;
/** ¥1,000,000 per unit. */
export const MAX_UNIT_PRICE_FEN = 100_000_000;
/** ¥10,000,000,000: the ceiling for thresholds, coupon amounts and caps. */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;
export const MAX_TIERS = 20;
export const MAX_PROMOTIONS = 100;
export const MAX_ID_LIST = 1000;

const Id = v.pipe(v.string("id_required"), v.nonEmpty("id_required"), v.maxLength(64, "id_too_long"));
const IdList = v.pipe(v.array(Id, "id_list_invalid"), v.maxLength(MAX_ID_LIST, "id_list_too_long"));
const Label = v.pipe(v.string("name_invalid"), v.maxLength(60, "name_too_long"));

const fen = (max: number, code: string, min = 0) =>
  v.pipe(v.number(code), v.safeInteger(code), v.minValue(min, code), v.maxValue(max, code));
const UnitPrice = fen(MAX_UNIT_PRICE_FEN, "price_invalid");
const Amount = fen(MAX_AMOUNT_FEN, "amount_invalid", 1);
const Threshold = fen(MAX_AMOUNT_FEN, "threshold_invalid");
const DiscountBp = v.pipe(
  v.number("discount_bp_invalid"),
  v.integer("discount_bp_invalid"),
  v.minValue(1, "discount_bp_invalid"),
  v.maxValue(10_000, "discount_bp_invalid"),
);
/** UTC epoch milliseconds. */
const Instant = v.pipe(v.number("time_invalid"), v.safeInteger("time_invalid"), v.minValue(0, "time_invalid"));

const windowEntries = { startsAt: Instant, endsAt: Instant };

export const PriceOverrideSchema = v.object({
  unitPriceFen: UnitPrice,
  source: v.picklist(["flash", "group"], "override_source_invalid"),
  campaignId: v.optional(Id),
});

export const CartLineSchema = v.pipe(
  v.object({
    lineId: Id,
    skuId: Id,
    productId: Id,
    merchantId: Id,
    categoryId: Id,
    quantity: v.pipe(
      v.number("quantity_invalid"),
      v.integer("quantity_invalid"),
      v.minValue(1, "quantity_invalid"),
      v.maxValue(MAX_QUANTITY, "quantity_invalid"),
    ),
    unitPriceFen: UnitPrice,
    priceOverride: v.optional(PriceOverrideSchema),
    memberDiscountEligible: v.optional(v.boolean("flag_invalid")),
  }),
  v.forward(
    v.check((l) => !l.priceOverride || l.priceOverride.unitPriceFen <= l.unitPriceFen, "override_above_list_price"),
    ["priceOverride"],
  ),
);

export const MemberPerkSchema = v.object({
  level: v.picklist(["normal", "silver", "gold"], "member_level_invalid"),
  discountBp: v.pipe(
    v.number("discount_bp_invalid"),
    v.integer("discount_bp_invalid"),
    v.minValue(0, "discount_bp_invalid"),
    v.maxValue(10_000, "discount_bp_invalid"),
  ),
  eligibleProductIds: v.optional(IdList),
});

const ltdEntries = {
  ...windowEntries,
  id: Id,
  name: v.optional(Label),
  merchantId: Id,
  productIds: v.optional(IdList),
  skuIds: v.optional(IdList),
};

export const LimitedTimeDiscountSchema = v.pipe(
  v.variant(
    "kind",
    [
      v.object({ ...ltdEntries, kind: v.literal("percentage"), discountBp: DiscountBp }),
      v.object({ ...ltdEntries, kind: v.literal("fixed_price"), unitPriceFen: UnitPrice }),
    ],
    "discount_kind_invalid",
  ),
  v.forward(
    v.check((w) => w.startsAt < w.endsAt, "window_invalid"),
    ["endsAt"],
  ),
  v.forward(
    v.check((d) => (d.productIds?.length ?? 0) + (d.skuIds?.length ?? 0) > 0, "targets_required"),
    ["productIds"],
  ),
);

/** Adds the funding scope: a merchant-funded promotion must name its merchant. */
function funded<const E extends v.ObjectEntries>(entries: E) {
  return v.variant(
    "funding",
    [
      v.object({ ...entries, funding: v.literal("platform"), merchantId: v.optional(Id) }),
      v.object({ ...entries, funding: v.literal("merchant"), merchantId: Id }),
    ],
    "funding_invalid",
  );
}

const itemScopeEntries = { applicableCategoryIds: v.optional(IdList), applicableProductIds: v.optional(IdList) };

export const FullReductionTierSchema = v.object({ thresholdFen: Threshold, reductionFen: Amount });

export const FullReductionSchema = v.pipe(
  funded({
    ...windowEntries,
    ...itemScopeEntries,
    id: Id,
    name: v.optional(Label),
    tiers: v.pipe(
      v.array(FullReductionTierSchema, "tiers_invalid"),
      v.minLength(1, "tiers_required"),
      v.maxLength(MAX_TIERS, "tiers_too_many"),
    ),
  }),
  v.forward(
    v.check((w) => w.startsAt < w.endsAt, "window_invalid"),
    ["endsAt"],
  ),
);

const couponEntries = {
  ...windowEntries,
  ...itemScopeEntries,
  id: Id,
  code: v.optional(v.pipe(v.string("code_invalid"), v.maxLength(32, "code_invalid"))),
  name: v.optional(Label),
};

export const CouponSchema = v.pipe(
  v.variant(
    "kind",
    [
      funded({ ...couponEntries, kind: v.literal("fixed"), amountFen: Amount }),
      funded({ ...couponEntries, kind: v.literal("threshold"), amountFen: Amount, thresholdFen: Threshold }),
      funded({
        ...couponEntries,
        kind: v.literal("percentage"),
        discountBp: DiscountBp,
        maxDiscountFen: v.optional(Amount),
        thresholdFen: v.optional(Threshold),
      }),
    ],
    "coupon_kind_invalid",
  ),
  v.forward(
    v.check((w) => w.startsAt < w.endsAt, "window_invalid"),
    ["endsAt"],
  ),
);

export const PriceCartInputSchema = v.object({
  lines: v.pipe(
    v.array(CartLineSchema, "lines_invalid"),
    v.maxLength(MAX_LINES, "lines_too_many"),
    v.checkItems((line, i, all) => all.findIndex((l) => l.lineId === line.lineId) === i, "line_id_duplicate"),
  ),
  member: v.optional(MemberPerkSchema),
  limitedTimeDiscounts: v.optional(
    v.pipe(
      v.array(LimitedTimeDiscountSchema, "promotions_invalid"),
      v.maxLength(MAX_PROMOTIONS, "promotions_too_many"),
      v.checkItems((d, i, all) => all.findIndex((x) => x.id === d.id) === i, "promotion_id_duplicate"),
    ),
  ),
  fullReductions: v.optional(
    v.pipe(
      v.array(FullReductionSchema, "promotions_invalid"),
      v.maxLength(MAX_PROMOTIONS, "promotions_too_many"),
      v.checkItems((r, i, all) => all.findIndex((x) => x.id === r.id) === i, "promotion_id_duplicate"),
    ),
  ),
  coupon: v.optional(CouponSchema),
  points: v.optional(
    v.object({
      requested: v.pipe(v.number(), v.safeInteger("points_invalid"), v.minValue(0, "points_invalid")),
      maxPayableBp: v.pipe(v.number(), v.safeInteger("points_invalid"), v.minValue(0, "points_invalid"), v.maxValue(10_000, "points_invalid")),
    }),
  ),
  now: Instant,
});

/** Compile-time proof that whatever the schema accepts is a `PriceCartInput`. */
type Assignable<T extends PriceCartInput> = T;
export type ValidatedPriceCartInput = Assignable<v.InferOutput<typeof PriceCartInputSchema>>;

/**
 * Checks untrusted input. On failure, `error.code` is the first issue's code (e.g.
 * "quantity_invalid") and `error.field` its dotted path (e.g. "lines.0.quantity"). As in the API
 * layer (`fieldsFromIssues`), valibot's own sentences become `required` (a missing key) or
 * `invalid`.
 */
export function validatePriceCartInput(input: unknown): Result<PriceCartInput> {
  const parsed = v.safeParse(PriceCartInputSchema, input);
  if (parsed.success) return ok(parsed.output);
  const issue = parsed.issues[0];
  let code = issue.message;
  if (code.includes(" ")) code = issue.input === undefined ? "required" : "invalid";
  return fail(code, v.getDotPath(issue) ?? undefined);
}
