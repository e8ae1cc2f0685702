/**
 * The pricing engine: a pure function from a cart and the promotions in force to an itemised,
 * per-line price breakdown. No I/O, no clock (`now` is an argument), no floats, no throws on
 * valid input (check untrusted input with `validatePriceCartInput` first).
 *
 * COMBINATION RULES (rules version 2; ADR 009 explains and justifies them)
 *
 *  0. Money is integer fen; rates are basis points of the amount taken off (2000 = 20% off).
 *     A percentage is rounded HALF UP to the fen (`basisPointsOf`). A window is active when
 *     `startsAt <= now < endsAt`.
 *
 *  1. LINE-LEVEL PRICE, per unit, for each line:
 *     a. A price override (flash sale or group-deal tier) sets the unit price
 *        (`min(override, list)`). Nothing else is applied at line level.
 *     b. Otherwise the member discount (if the line is eligible) and the best active limited-time
 *        discount matching the line (largest saving; tie → lower id) are both computed on the list
 *        unit price. They do NOT stack: the larger per-unit saving wins; on a tie the limited-time
 *        discount wins (it is merchant-funded, so the platform does not pay for an equal saving).
 *     Percentages are rounded per unit, so unit price × quantity = line subtotal exactly.
 *
 *  2. SPECIAL-PRICE LINES (those with an override) are EXCLUDED from full-reductions and coupons:
 *     they neither count toward a threshold nor receive a share of the discount.
 *
 *  3. FULL-REDUCTION (满减) on the subtotal, after step 1, of the lines in its scope (its merchant,
 *     its categories/products, not special-price). Only the best single tier applies (the largest
 *     reduction whose threshold is met; tiers never stack). A line takes part in at most one
 *     full-reduction: the one saving the most (tie → lower id) takes its lines, and the others
 *     are re-evaluated on the lines still free, until none qualifies. The reduction is capped at
 *     the eligible subtotal.
 *
 *  4. COUPON: at most one per order, applied last. Checks, in order: window (`not_started`,
 *     `expired`), merchant (`merchant_mismatch`), items (`not_applicable_to_items`), threshold
 *     (`below_threshold`), amount (`no_discount`). The threshold is checked against the eligible
 *     lines' amount AFTER line-level discounts AND full-reduction, i.e. what the shopper would pay
 *     for them without the coupon. A percentage coupon takes its rate of that amount (half up),
 *     then its cap. The discount is capped at the eligible amount.
 *
 *  5. PRORATION: each order-level discount (every full-reduction, the coupon) is spread over the
 *     lines it covers by largest remainder (`allocateProportionally`), weighted by each line's
 *     amount just before that discount. Shares are whole fen, sum exactly to the discount and
 *     never exceed the line's amount, so no line goes negative and
 *     Σ line payable = total payable, always.
 *
 *  6. FUNDING: price overrides and limited-time discounts are merchant-funded; the member
 *     discount and points are platform-funded; full-reductions and coupons carry their own `funding`.
 *
 *  7. POINTS (rules version 2): spent last, after the coupon, 1 point = 1 fen, on the lines
 *     without a special price. At most `maxPayableBp` of those lines' remaining amount
 *     (rounded down) and at most the points asked for; spread like rule 5.
 *
 *  Known consequence of sequential thresholds: an earlier discount can lose a later one (a 5%
 *  member discount can take a cart below 满100减20). `shortfallFen` and `pickBestCoupon` help the
 *  checkout explain and mitigate it. Changing any rule means bumping PRICING_RULES_VERSION.
 */
import { allocateProportionally } from "./allocate";
import { basisPointsOf } from "./rounding";
import {
  PRICING_RULES_VERSION,
  type AppliedDiscount,
  type CartLineInput,
  type Coupon,
  type CouponResult,
  type Fen,
  type FullReduction,
  type FullReductionTier,
  type Funding,
  type FundingScope,
  type FundingSplit,
  type ItemScope,
  type LimitedTimeDiscount,
  type LinePriceSource,
  type MemberPerk,
  type MerchantFunding,
  type PriceBreakdown,
  type PriceCartInput,
  type PricedLine,
  type PriceTotals,
  type TimeWindow,
} from "./types";

/** Active when `startsAt <= now < endsAt`. */
export function isActive(window: TimeWindow, now: number): boolean {
  return window.startsAt <= now && now < window.endsAt;
}

/** A line is in an order-level promotion's scope: right merchant, right items, no special price. */
function inScope(promo: FundingScope & ItemScope, line: CartLineInput): boolean {
  if (line.priceOverride) return false;
  if (promo.merchantId !== undefined && promo.merchantId !== line.merchantId) return false;
  const { applicableCategoryIds: cats, applicableProductIds: prods } = promo;
  if (cats === undefined && prods === undefined) return true;
  return (cats?.includes(line.categoryId) ?? false) || (prods?.includes(line.productId) ?? false);
}

function memberApplies(member: MemberPerk, line: CartLineInput): boolean {
  if (line.memberDiscountEligible === false) return false;
  return member.eligibleProductIds === undefined || member.eligibleProductIds.includes(line.productId);
}

function limitedTimeMatches(ltd: LimitedTimeDiscount, line: CartLineInput): boolean {
  if (ltd.merchantId !== line.merchantId) return false;
  return (ltd.skuIds?.includes(line.skuId) ?? false) || (ltd.productIds?.includes(line.productId) ?? false);
}

/** Per-unit saving of a limited-time discount on a list unit price (never more than the price). */
function limitedTimeUnitSaving(ltd: LimitedTimeDiscount, listUnitFen: Fen): Fen {
  if (ltd.kind === "percentage") return basisPointsOf(listUnitFen, ltd.discountBp);
  return Math.max(0, listUnitFen - Math.max(0, ltd.unitPriceFen));
}

/** The best tier whose threshold is met: the largest reduction; tie → lower threshold. */
export function bestTier(tiers: readonly FullReductionTier[], subtotalFen: Fen): FullReductionTier | undefined {
  let best: FullReductionTier | undefined;
  for (const tier of tiers) {
    if (subtotalFen < tier.thresholdFen || tier.reductionFen <= 0) continue;
    if (
      !best ||
      tier.reductionFen > best.reductionFen ||
      (tier.reductionFen === best.reductionFen && tier.thresholdFen < best.thresholdFen)
    ) {
      best = tier;
    }
  }
  return best;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

interface LineLevel {
  unitPriceFen: Fen;
  priceSource: LinePriceSource;
  limitedTimeDiscount?: LimitedTimeDiscount;
}

function priceLineLevel(
  line: CartLineInput,
  member: MemberPerk | undefined,
  activeLtds: readonly LimitedTimeDiscount[],
): LineLevel {
  const list = line.unitPriceFen;
  if (line.priceOverride) {
    return {
      unitPriceFen: Math.min(list, Math.max(0, line.priceOverride.unitPriceFen)),
      priceSource: line.priceOverride.source,
    };
  }
  const memberSaving = member && memberApplies(member, line) ? basisPointsOf(list, member.discountBp) : 0;
  let best: { ltd: LimitedTimeDiscount; saving: Fen } | undefined;
  for (const ltd of activeLtds) {
    if (!limitedTimeMatches(ltd, line)) continue;
    const saving = limitedTimeUnitSaving(ltd, list);
    if (!best || saving > best.saving || (saving === best.saving && ltd.id < best.ltd.id)) best = { ltd, saving };
  }
  if (best && best.saving > 0 && best.saving >= memberSaving) {
    return { unitPriceFen: list - best.saving, priceSource: "limited_time", limitedTimeDiscount: best.ltd };
  }
  if (memberSaving > 0) return { unitPriceFen: list - memberSaving, priceSource: "member" };
  return { unitPriceFen: list, priceSource: "list" };
}

interface AcceptedReduction {
  promo: FullReduction;
  tier: FullReductionTier;
  indexes: number[];
  eligibleSubtotalFen: Fen;
  amountFen: Fen;
  shares: Fen[];
}

/** Rule 3: greedy, disjoint, best single tier per full-reduction. */
function applyFullReductions(
  lines: readonly CartLineInput[],
  subtotals: readonly Fen[],
  active: readonly FullReduction[],
): AcceptedReduction[] {
  const taken = new Set<number>();
  const pending = [...active];
  const accepted: AcceptedReduction[] = [];
  for (;;) {
    let best: Omit<AcceptedReduction, "shares"> | undefined;
    for (const promo of pending) {
      const indexes = lines.flatMap((line, i) => (!taken.has(i) && inScope(promo, line) ? [i] : []));
      const eligibleSubtotalFen = sum(indexes.map((i) => subtotals[i]!));
      const tier = bestTier(promo.tiers, eligibleSubtotalFen);
      if (!tier) continue;
      const amountFen = Math.min(tier.reductionFen, eligibleSubtotalFen);
      if (amountFen <= 0) continue;
      if (!best || amountFen > best.amountFen || (amountFen === best.amountFen && promo.id < best.promo.id)) {
        best = { promo, tier, indexes, eligibleSubtotalFen, amountFen };
      }
    }
    if (!best) return accepted;
    const shares = allocateProportionally(
      best.amountFen,
      best.indexes.map((i) => subtotals[i]!),
    );
    accepted.push({ ...best, shares });
    for (const i of best.indexes) taken.add(i);
    pending.splice(pending.indexOf(best.promo), 1);
  }
}

interface CouponOutcome {
  result: CouponResult;
  applied?: { indexes: number[]; eligibleSubtotalFen: Fen; amountFen: Fen; shares: Fen[] };
}

/** Rule 4. `remaining` is each line's amount after line-level prices and full-reduction. */
function applyCoupon(
  coupon: Coupon | undefined,
  lines: readonly CartLineInput[],
  remaining: readonly Fen[],
  now: number,
): CouponOutcome {
  if (!coupon) return { result: { status: "none" } };
  const reject = (reason: Extract<CouponResult, { status: "not_applied" }>["reason"], shortfallFen?: Fen) => ({
    result: {
      status: "not_applied" as const,
      couponId: coupon.id,
      reason,
      ...(shortfallFen !== undefined ? { shortfallFen } : {}),
    },
  });

  if (now < coupon.startsAt) return reject("not_started");
  if (now >= coupon.endsAt) return reject("expired");
  if (coupon.merchantId !== undefined && !lines.some((l) => l.merchantId === coupon.merchantId)) {
    return reject("merchant_mismatch");
  }
  const indexes = lines.flatMap((line, i) => (inScope(coupon, line) ? [i] : []));
  if (indexes.length === 0) return reject("not_applicable_to_items");
  const eligibleSubtotalFen = sum(indexes.map((i) => remaining[i]!));
  const thresholdFen = coupon.kind === "fixed" ? 0 : (coupon.thresholdFen ?? 0);
  if (eligibleSubtotalFen < thresholdFen) return reject("below_threshold", thresholdFen - eligibleSubtotalFen);

  let amountFen: Fen;
  if (coupon.kind === "percentage") {
    amountFen = basisPointsOf(eligibleSubtotalFen, coupon.discountBp);
    if (coupon.maxDiscountFen !== undefined) amountFen = Math.min(amountFen, coupon.maxDiscountFen);
  } else {
    amountFen = coupon.amountFen;
  }
  amountFen = Math.min(Math.max(0, amountFen), eligibleSubtotalFen);
  if (amountFen === 0) return reject("no_discount");

  const shares = allocateProportionally(
    amountFen,
    indexes.map((i) => remaining[i]!),
  );
  return {
    result: { status: "applied", couponId: coupon.id, amountFen },
    applied: { indexes, eligibleSubtotalFen, amountFen, shares },
  };
}

/**
 * Guards against money that would silently price wrong (a float, a negative price). Valid input
 * never trips it; like `formatFen`, it throws `RangeError` because this is a programming error
 * (input that skipped `validatePriceCartInput`), not an expected outcome.
 */
function assertPriceable(input: PriceCartInput): void {
  const check = (what: string, n: number, min: number) => {
    if (!Number.isSafeInteger(n) || n < min) {
      throw new RangeError(`priceCart: ${what} must be a safe integer >= ${min}, got ${n}`);
    }
  };
  check("now", input.now, 0);
  for (const line of input.lines) {
    check(`line ${line.lineId} quantity`, line.quantity, 1);
    check(`line ${line.lineId} unitPriceFen`, line.unitPriceFen, 0);
    check(`line ${line.lineId} base`, line.unitPriceFen * line.quantity, 0);
    if (line.priceOverride) check(`line ${line.lineId} override unitPriceFen`, line.priceOverride.unitPriceFen, 0);
  }
}

/**
 * Prices a cart. Pure and deterministic: the same input always gives the same breakdown. Expects
 * input that passes `PriceCartInputSchema`; coupons that do not apply are reported in
 * `couponResult`, never thrown.
 */
export function priceCart(input: PriceCartInput): PriceBreakdown {
  assertPriceable(input);
  const { lines, member, now } = input;
  const activeLtds = (input.limitedTimeDiscounts ?? []).filter((d) => isActive(d, now));
  const activeReductions = (input.fullReductions ?? []).filter((r) => isActive(r, now));

  // Rule 1: line-level prices.
  const levels = lines.map((line) => priceLineLevel(line, member, activeLtds));
  const subtotals = lines.map((line, i) => levels[i]!.unitPriceFen * line.quantity);

  // Rule 3: full-reductions.
  const reductions = applyFullReductions(lines, subtotals, activeReductions);
  const fullReductionFen = lines.map(() => 0);
  const fullReductionOf: (FullReduction | undefined)[] = lines.map(() => undefined);
  for (const r of reductions) {
    r.indexes.forEach((lineIndex, k) => {
      fullReductionFen[lineIndex] = r.shares[k]!;
      fullReductionOf[lineIndex] = r.promo;
    });
  }

  // Rule 4: coupon.
  const remaining = subtotals.map((s, i) => s - fullReductionFen[i]!);
  const couponOutcome = applyCoupon(input.coupon, lines, remaining, now);
  const couponFen = lines.map(() => 0);
  if (couponOutcome.applied) {
    couponOutcome.applied.indexes.forEach((lineIndex, k) => {
      couponFen[lineIndex] = couponOutcome.applied!.shares[k]!;
    });
  }

  // Rule 7: points.
  const afterCoupon = remaining.map((r, i) => r - couponFen[i]!);
  const pointsIndexes = lines.flatMap((line, i) => (!line.priceOverride && afterCoupon[i]! > 0 ? [i] : []));
  const pointsEligibleFen = sum(pointsIndexes.map((i) => afterCoupon[i]!));
  const maxPointsFen = input.points ? Math.floor((pointsEligibleFen * Math.min(10_000, Math.max(0, input.points.maxPayableBp))) / 10_000) : 0;
  const usedPointsFen = input.points ? Math.min(maxPointsFen, Math.max(0, Math.floor(input.points.requested))) : 0;
  const pointsFen = lines.map(() => 0);
  if (usedPointsFen > 0) {
    const shares = allocateProportionally(
      usedPointsFen,
      pointsIndexes.map((i) => afterCoupon[i]!),
    );
    pointsIndexes.forEach((lineIndex, k) => {
      pointsFen[lineIndex] = shares[k]!;
    });
  }

  // Per-line breakdown and funding (rule 6).
  const fundingOf = (funding: Funding, fen: Fen) => ({
    platform: funding === "platform" ? fen : 0,
    merchant: funding === "merchant" ? fen : 0,
  });
  const pricedLines: PricedLine[] = lines.map((line, i) => {
    const level = levels[i]!;
    const list = line.unitPriceFen;
    const baseFen = list * line.quantity;
    const lineLevelSaving = (list - level.unitPriceFen) * line.quantity;
    const overrideDiscountFen = line.priceOverride ? lineLevelSaving : 0;
    const memberDiscountFen = level.priceSource === "member" ? lineLevelSaving : 0;
    const limitedTimeDiscountFen = level.priceSource === "limited_time" ? lineLevelSaving : 0;
    const subtotalFen = subtotals[i]!;
    const fr = fullReductionFen[i]!;
    const cp = couponFen[i]!;
    const pt = pointsFen[i]!;
    const payableFen = subtotalFen - fr - cp - pt;
    const frPromo = fullReductionOf[i];
    const frFunding = frPromo ? fundingOf(frPromo.funding, fr) : { platform: 0, merchant: 0 };
    const cpFunding = input.coupon ? fundingOf(input.coupon.funding, cp) : { platform: 0, merchant: 0 };
    const priced: PricedLine = {
      lineId: line.lineId,
      skuId: line.skuId,
      productId: line.productId,
      merchantId: line.merchantId,
      categoryId: line.categoryId,
      quantity: line.quantity,
      listUnitPriceFen: list,
      unitPriceFen: level.unitPriceFen,
      priceSource: level.priceSource,
      baseFen,
      overrideDiscountFen,
      memberDiscountFen,
      limitedTimeDiscountFen,
      subtotalFen,
      fullReductionFen: fr,
      couponFen: cp,
      pointsFen: pt,
      discountFen: baseFen - payableFen,
      payableFen,
      platformFundedFen: memberDiscountFen + frFunding.platform + cpFunding.platform + pt,
      merchantFundedFen: overrideDiscountFen + limitedTimeDiscountFen + frFunding.merchant + cpFunding.merchant,
    };
    if (level.limitedTimeDiscount) priced.limitedTimeDiscountId = level.limitedTimeDiscount.id;
    if (frPromo) priced.fullReductionId = frPromo.id;
    return priced;
  });

  return {
    rulesVersion: PRICING_RULES_VERSION,
    now,
    lines: pricedLines,
    totals: totalsOf(pricedLines),
    applied: itemise(input, pricedLines, levels, reductions, couponOutcome),
    couponResult: couponOutcome.result,
    points: { maxFen: maxPointsFen, usedFen: usedPointsFen },
    funding: fundingSplit(pricedLines),
  };
}

function totalsOf(lines: readonly PricedLine[]): PriceTotals {
  const total = (key: keyof PriceTotals & keyof PricedLine) => sum(lines.map((l) => l[key]));
  return {
    goodsFen: sum(lines.map((l) => l.baseFen)),
    overrideDiscountFen: total("overrideDiscountFen"),
    memberDiscountFen: total("memberDiscountFen"),
    limitedTimeDiscountFen: total("limitedTimeDiscountFen"),
    subtotalFen: total("subtotalFen"),
    fullReductionFen: total("fullReductionFen"),
    couponFen: total("couponFen"),
    pointsFen: total("pointsFen"),
    discountFen: total("discountFen"),
    payableFen: total("payableFen"),
  };
}

function fundingSplit(lines: readonly PricedLine[]): FundingSplit {
  const byMerchant = new Map<string, MerchantFunding>();
  for (const line of lines) {
    let m = byMerchant.get(line.merchantId);
    if (!m) {
      m = { merchantId: line.merchantId, goodsFen: 0, payableFen: 0, platformFundedFen: 0, merchantFundedFen: 0 };
      byMerchant.set(line.merchantId, m);
    }
    m.goodsFen += line.baseFen;
    m.payableFen += line.payableFen;
    m.platformFundedFen += line.platformFundedFen;
    m.merchantFundedFen += line.merchantFundedFen;
  }
  return {
    platformFundedFen: sum(lines.map((l) => l.platformFundedFen)),
    merchantFundedFen: sum(lines.map((l) => l.merchantFundedFen)),
    byMerchant: [...byMerchant.values()],
  };
}

/** The itemised rows for checkout, one per promotion that took something off. */
function itemise(
  input: PriceCartInput,
  lines: readonly PricedLine[],
  levels: readonly LineLevel[],
  reductions: readonly AcceptedReduction[],
  couponOutcome: CouponOutcome,
): AppliedDiscount[] {
  const applied: AppliedDiscount[] = [];

  // Price overrides, grouped by source and campaign, in order of first line.
  const overrides = new Map<string, Extract<AppliedDiscount, { kind: "price_override" }>>();
  input.lines.forEach((line, i) => {
    const priced = lines[i]!;
    if (!line.priceOverride || priced.overrideDiscountFen === 0) return;
    const { source, campaignId } = line.priceOverride;
    const key = JSON.stringify([source, campaignId ?? null]);
    let row = overrides.get(key);
    if (!row) {
      row = { kind: "price_override", source, funding: "merchant", amountFen: 0, lineIds: [] };
      if (campaignId !== undefined) row.campaignId = campaignId;
      overrides.set(key, row);
      applied.push(row);
    }
    row.amountFen += priced.overrideDiscountFen;
    row.lineIds.push(priced.lineId);
  });

  // Limited-time discounts, one row per discount, in order of first line.
  const ltds = new Map<LimitedTimeDiscount, Extract<AppliedDiscount, { kind: "limited_time" }>>();
  levels.forEach((level, i) => {
    const ltd = level.limitedTimeDiscount;
    if (!ltd) return;
    let row = ltds.get(ltd);
    if (!row) {
      row = {
        kind: "limited_time",
        limitedTimeDiscountId: ltd.id,
        merchantId: ltd.merchantId,
        funding: "merchant",
        amountFen: 0,
        lineIds: [],
      };
      if (ltd.name !== undefined) row.name = ltd.name;
      ltds.set(ltd, row);
      applied.push(row);
    }
    row.amountFen += lines[i]!.limitedTimeDiscountFen;
    row.lineIds.push(lines[i]!.lineId);
  });

  // Member discount, one row.
  const memberLines = lines.filter((l) => l.memberDiscountFen > 0);
  if (input.member && memberLines.length > 0) {
    applied.push({
      kind: "member",
      level: input.member.level,
      discountBp: input.member.discountBp,
      funding: "platform",
      amountFen: sum(memberLines.map((l) => l.memberDiscountFen)),
      lineIds: memberLines.map((l) => l.lineId),
    });
  }

  // Full-reductions, in the order they were chosen.
  for (const r of reductions) {
    const row: AppliedDiscount = {
      kind: "full_reduction",
      fullReductionId: r.promo.id,
      funding: r.promo.funding,
      tier: { thresholdFen: r.tier.thresholdFen, reductionFen: r.tier.reductionFen },
      eligibleSubtotalFen: r.eligibleSubtotalFen,
      amountFen: r.amountFen,
      lineIds: r.indexes.filter((_, k) => r.shares[k]! > 0).map((i) => lines[i]!.lineId),
    };
    if (r.promo.name !== undefined) row.name = r.promo.name;
    if (r.promo.merchantId !== undefined) row.merchantId = r.promo.merchantId;
    applied.push(row);
  }

  // The coupon.
  const coupon = input.coupon;
  const c = couponOutcome.applied;
  if (coupon && c) {
    const row: AppliedDiscount = {
      kind: "coupon",
      couponId: coupon.id,
      couponKind: coupon.kind,
      funding: coupon.funding,
      eligibleSubtotalFen: c.eligibleSubtotalFen,
      amountFen: c.amountFen,
      lineIds: c.indexes.filter((_, k) => c.shares[k]! > 0).map((i) => lines[i]!.lineId),
    };
    if (coupon.code !== undefined) row.code = coupon.code;
    if (coupon.name !== undefined) row.name = coupon.name;
    if (coupon.merchantId !== undefined) row.merchantId = coupon.merchantId;
    applied.push(row);
  }

  // Points.
  const pointLines = lines.filter((l) => l.pointsFen > 0);
  if (pointLines.length > 0) {
    const amountFen = sum(pointLines.map((l) => l.pointsFen));
    applied.push({ kind: "points", points: amountFen, funding: "platform", amountFen, lineIds: pointLines.map((l) => l.lineId) });
  }
  return applied;
}

/**
 * Prices the cart with each candidate coupon (and with none) and returns the cheapest for the
 * shopper, for a checkout that pre-selects the best coupon. Ties go to no coupon (nothing is
 * used up), then to the coupon that expires first (use it or lose it), then to the lower id.
 * The engine itself still applies at most one coupon (rule 4).
 */
export function pickBestCoupon(
  input: Omit<PriceCartInput, "coupon">,
  candidates: readonly Coupon[],
): { coupon?: Coupon; breakdown: PriceBreakdown } {
  let best: { coupon?: Coupon; breakdown: PriceBreakdown } = { breakdown: priceCart(input) };
  for (const coupon of candidates) {
    const breakdown = priceCart({ ...input, coupon });
    if (breakdown.couponResult.status !== "applied") continue;
    const payable = breakdown.totals.payableFen;
    const bestPayable = best.breakdown.totals.payableFen;
    const better =
      payable < bestPayable ||
      (payable === bestPayable &&
        best.coupon !== undefined &&
        (coupon.endsAt < best.coupon.endsAt || (coupon.endsAt === best.coupon.endsAt && coupon.id < best.coupon.id)));
    if (better) best = { coupon, breakdown };
  }
  return best;
}
