/**
 * Types for the pricing engine (ADR 009). Money is integer fen, rates are basis points, time is
 * UTC epoch milliseconds (ADR 005). Every promotion window is half-open: active when
 * `startsAt <= now < endsAt`.
 */

/** Integer fen (1/100 CNY); always `Number.isSafeInteger`. */
export type Fen = number;
/**
 * Basis points, 10000 = 100%. In this module a rate is always the part taken OFF the price:
 * `discountBp: 2000` is "20% off" (八折, the shopper pays 80%).
 */
export type BasisPoints = number;
/** UTC epoch milliseconds. */
export type EpochMs = number;

/** Who pays for a discount: the platform (reimburses the merchant at settlement) or the merchant. */
export type Funding = "platform" | "merchant";
export type OverrideSource = "flash" | "group";
export type MemberLevel = "normal" | "silver" | "gold";

/**
 * A line-level unit price set by a flash sale or a group-deal tier. Such a line gets no member
 * or limited-time discount, and takes no part in full-reductions or coupons (ADR 009, rule 2).
 */
export interface PriceOverride {
  unitPriceFen: Fen;
  source: OverrideSource;
  /** The flash sale or group deal that set the price, carried into the itemised breakdown. */
  campaignId?: string;
}

export interface CartLineInput {
  lineId: string;
  skuId: string;
  productId: string;
  merchantId: string;
  categoryId: string;
  /** 1..999 */
  quantity: number;
  /** List price of one unit, looked up by the server from the catalogue, never sent by a client. */
  unitPriceFen: Fen;
  priceOverride?: PriceOverride;
  /** Catalogue flag; `false` keeps the line out of member discounts. Default `true`. */
  memberDiscountEligible?: boolean;
}

/**
 * The shopper's membership discount (SPEC §6: "gold 20% off selected items"). Platform-funded.
 * It applies to a line when the line has no price override, `memberDiscountEligible !== false`,
 * and `eligibleProductIds` is absent or lists the line's product.
 */
export interface MemberPerk {
  level: MemberLevel;
  /** 0..10000; 0 means no discount (e.g. level "normal"). */
  discountBp: BasisPoints;
  eligibleProductIds?: readonly string[];
}

export interface TimeWindow {
  /** Inclusive. */
  startsAt: EpochMs;
  /** Exclusive. */
  endsAt: EpochMs;
}

/**
 * A merchant's limited-time discount on some of its products or SKUs (merchant-funded). It
 * matches a line of the same merchant whose SKU is in `skuIds` or whose product is in
 * `productIds`. `percentage` takes `discountBp` off the unit price (rounded half up per unit);
 * `fixed_price` sets the unit price (never raises it).
 */
export type LimitedTimeDiscount = TimeWindow & {
  id: string;
  name?: string;
  merchantId: string;
  productIds?: readonly string[];
  skuIds?: readonly string[];
} & ({ kind: "percentage"; discountBp: BasisPoints } | { kind: "fixed_price"; unitPriceFen: Fen });

/**
 * Who funds an order-level promotion and whose lines it covers. A merchant-funded promotion must
 * name its merchant and covers only that merchant's lines; a platform-funded one covers every
 * merchant unless it names one.
 */
export type FundingScope = { funding: "platform"; merchantId?: string } | { funding: "merchant"; merchantId: string };

/**
 * Item filters of an order-level promotion. With neither list every item is in scope; otherwise
 * a line is in scope when its category OR its product is listed (an empty list matches nothing).
 */
export interface ItemScope {
  applicableCategoryIds?: readonly string[];
  applicableProductIds?: readonly string[];
}

export interface FullReductionTier {
  /** The eligible subtotal must reach this (inclusive). */
  thresholdFen: Fen;
  reductionFen: Fen;
}

/** 满减: spend `thresholdFen`, save `reductionFen`; only the best single tier applies. */
export type FullReduction = TimeWindow &
  FundingScope &
  ItemScope & {
    id: string;
    name?: string;
    tiers: readonly FullReductionTier[];
  };

export type CouponTerms =
  /** 无门槛: amount off, no threshold. */
  | { kind: "fixed"; amountFen: Fen }
  /** 满 X 减 Y. */
  | { kind: "threshold"; amountFen: Fen; thresholdFen: Fen }
  /** `discountBp` off the eligible amount, optionally capped and optionally with a threshold. */
  | { kind: "percentage"; discountBp: BasisPoints; maxDiscountFen?: Fen; thresholdFen?: Fen };

export type CouponKind = CouponTerms["kind"];

/**
 * A coupon the shopper chose. Whether the shopper owns it and has not used it yet is the caller's
 * business; the engine only decides whether and how much it applies to this cart.
 */
export type Coupon = TimeWindow &
  FundingScope &
  ItemScope &
  CouponTerms & {
    id: string;
    code?: string;
    name?: string;
  };

/**
 * Points spent at checkout (rule 7): 1 point takes 1 fen off (100 points = ¥1), platform-funded,
 * after the coupon, only on lines without a special price, and at most `maxPayableBp` of what
 * those lines would cost (rounded down).
 */
export interface PointsRedemption {
  /** Points asked for (0..balance). */
  requested: number;
  /** 0..10000: the share of the eligible amount points may pay. */
  maxPayableBp: BasisPoints;
}

export interface PriceCartInput {
  lines: readonly CartLineInput[];
  member?: MemberPerk;
  limitedTimeDiscounts?: readonly LimitedTimeDiscount[];
  fullReductions?: readonly FullReduction[];
  /** At most one coupon per order. */
  coupon?: Coupon;
  /** Points the shopper spends (rule 7): already capped by their balance; the engine caps it further. */
  points?: PointsRedemption;
  /** The pricing instant (epoch ms), passed in so pricing stays pure. */
  now: EpochMs;
}

// ---------------------------------------------------------------------------------------------
// Output

/** Where a line's unit price came from. */
export type LinePriceSource = "list" | OverrideSource | "member" | "limited_time";

export interface PricedLine {
  lineId: string;
  skuId: string;
  productId: string;
  merchantId: string;
  categoryId: string;
  quantity: number;
  /** The catalogue unit price. */
  listUnitPriceFen: Fen;
  /** The unit price after line-level prices (override, member or limited-time discount). */
  unitPriceFen: Fen;
  priceSource: LinePriceSource;
  /** listUnitPriceFen × quantity. */
  baseFen: Fen;
  /** Saving from a flash or group price: (list − override) × quantity. */
  overrideDiscountFen: Fen;
  memberDiscountFen: Fen;
  limitedTimeDiscountFen: Fen;
  /** unitPriceFen × quantity = base − override − member − limited-time. */
  subtotalFen: Fen;
  fullReductionFen: Fen;
  couponFen: Fen;
  /** Points spent on this line (1 point = 1 fen). */
  pointsFen: Fen;
  /** Every discount on the line: base − payable. */
  discountFen: Fen;
  /** subtotal − full-reduction − coupon − points; never negative. */
  payableFen: Fen;
  /** The part of discountFen the platform pays for. */
  platformFundedFen: Fen;
  /** The part of discountFen the line's merchant pays for. */
  merchantFundedFen: Fen;
  /** Set when the line's price came from this limited-time discount. */
  limitedTimeDiscountId?: string;
  /** Set when this full-reduction covered the line. */
  fullReductionId?: string;
}

export interface PriceTotals {
  /** Sum of base prices (list × quantity). */
  goodsFen: Fen;
  overrideDiscountFen: Fen;
  memberDiscountFen: Fen;
  limitedTimeDiscountFen: Fen;
  subtotalFen: Fen;
  fullReductionFen: Fen;
  couponFen: Fen;
  /** Points spent (= points used, 1 point = 1 fen). Absent from breakdowns stored before rules version 2. */
  pointsFen: Fen;
  /** goods − payable: the sum of all six discounts. */
  discountFen: Fen;
  payableFen: Fen;
}

/** One row of the itemised breakdown shown at checkout. `lineIds` are the lines it reduced. */
export type AppliedDiscount =
  | {
      kind: "price_override";
      source: OverrideSource;
      campaignId?: string;
      funding: "merchant";
      amountFen: Fen;
      lineIds: string[];
    }
  | {
      kind: "limited_time";
      limitedTimeDiscountId: string;
      name?: string;
      merchantId: string;
      funding: "merchant";
      amountFen: Fen;
      lineIds: string[];
    }
  | {
      kind: "member";
      level: MemberLevel;
      discountBp: BasisPoints;
      funding: "platform";
      amountFen: Fen;
      lineIds: string[];
    }
  | {
      kind: "full_reduction";
      fullReductionId: string;
      name?: string;
      funding: Funding;
      merchantId?: string;
      tier: FullReductionTier;
      /** The eligible subtotal the tier was chosen on. */
      eligibleSubtotalFen: Fen;
      amountFen: Fen;
      lineIds: string[];
    }
  | {
      kind: "coupon";
      couponId: string;
      code?: string;
      name?: string;
      couponKind: CouponKind;
      funding: Funding;
      merchantId?: string;
      /** The eligible amount after full-reduction, on which the threshold was checked. */
      eligibleSubtotalFen: Fen;
      amountFen: Fen;
      lineIds: string[];
    }
  | {
      kind: "points";
      /** Points spent; equals amountFen (1 point = 1 fen). */
      points: number;
      funding: "platform";
      amountFen: Fen;
      lineIds: string[];
    };

export type CouponRejection =
  | "not_started"
  | "expired"
  /** The coupon is tied to a merchant with no line in the cart. */
  | "merchant_mismatch"
  /** No line in the coupon's scope (categories/products, merchant, or only flash/group lines). */
  | "not_applicable_to_items"
  | "below_threshold"
  /** It applies, but would take nothing off (nothing left to discount, or a percentage rounding to 0). */
  | "no_discount";

export type CouponResult =
  | { status: "none" }
  | { status: "applied"; couponId: string; amountFen: Fen }
  /** `shortfallFen` (with `below_threshold`): how much more eligible spend would unlock it. */
  | { status: "not_applied"; couponId: string; reason: CouponRejection; shortfallFen?: Fen };

export interface MerchantFunding {
  merchantId: string;
  goodsFen: Fen;
  payableFen: Fen;
  platformFundedFen: Fen;
  merchantFundedFen: Fen;
}

/**
 * Who pays for the discounts, for settlement: per merchant,
 * goods = payable + platformFunded + merchantFunded.
 */
export interface FundingSplit {
  platformFundedFen: Fen;
  merchantFundedFen: Fen;
  /** In order of each merchant's first line. */
  byMerchant: MerchantFunding[];
}

export interface PriceBreakdown {
  /** Bumped whenever the combination rules change, so a stored order says which rules priced it. */
  rulesVersion: typeof PRICING_RULES_VERSION;
  now: EpochMs;
  lines: PricedLine[];
  totals: PriceTotals;
  /** In order: price overrides, limited-time discounts, member discount, full-reductions, coupon, points. */
  applied: AppliedDiscount[];
  couponResult: CouponResult;
  /** Rule 7: how many points the cart could take (`maxFen`) and how many it took (`usedFen`). */
  points: { maxFen: Fen; usedFen: Fen };
  funding: FundingSplit;
}

export const PRICING_RULES_VERSION = 2;
