/**
 * Group-deal tiers (阶梯价): pure rules shared by the campaign form, the room and the close.
 * A tier is "at least `size` paid members → everyone pays `unitPriceFen` per unit". Tiers are
 * sorted by size; sizes strictly increase and prices strictly decrease (a bigger group never
 * costs more). The first tier is the price a member pays on joining; the last tier's size is
 * the group's capacity (ADR 017).
 */
export interface GroupTier {
  /** Paid members needed, 2..MAX_GROUP_SIZE. */
  size: number;
  /** Unit price in fen once the group reaches `size`. */
  unitPriceFen: number;
}

export const MIN_GROUP_SIZE = 2;
export const MAX_GROUP_SIZE = 50;
export const MAX_TIERS = 5;

export type TierProblem =
  | { code: "tiers_count"; min: 1; max: typeof MAX_TIERS }
  | { code: "tier_size"; index: number }
  | { code: "tier_price"; index: number }
  | { code: "tier_order"; index: number }
  | { code: "tier_above_list_price"; index: 0 };

/**
 * Checks a tier ladder as entered (any order): returns the tiers sorted by size, or the first
 * problem found. `listPriceFen`, when given, must be above the first tier (a group price is a
 * saving).
 */
export function validateTiers(tiers: readonly GroupTier[], listPriceFen?: number): { ok: true; tiers: GroupTier[] } | { ok: false; problem: TierProblem } {
  if (tiers.length < 1 || tiers.length > MAX_TIERS) return { ok: false, problem: { code: "tiers_count", min: 1, max: MAX_TIERS } };
  for (const [index, t] of tiers.entries()) {
    if (!Number.isSafeInteger(t.size) || t.size < MIN_GROUP_SIZE || t.size > MAX_GROUP_SIZE) return { ok: false, problem: { code: "tier_size", index } };
    if (!Number.isSafeInteger(t.unitPriceFen) || t.unitPriceFen < 1) return { ok: false, problem: { code: "tier_price", index } };
  }
  const sorted = [...tiers].sort((a, b) => a.size - b.size);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.size === sorted[i - 1]!.size || sorted[i]!.unitPriceFen >= sorted[i - 1]!.unitPriceFen) return { ok: false, problem: { code: "tier_order", index: i } };
  }
  if (listPriceFen !== undefined && sorted[0]!.unitPriceFen >= listPriceFen) return { ok: false, problem: { code: "tier_above_list_price", index: 0 } };
  return { ok: true, tiers: sorted };
}

/** Parses the JSON stored on a campaign or group (always written sorted and valid). */
export function parseTiers(json: string): GroupTier[] {
  const raw = JSON.parse(json) as GroupTier[];
  return [...raw].sort((a, b) => a.size - b.size);
}

export const firstTier = (tiers: readonly GroupTier[]): GroupTier => tiers[0]!;
export const capacityOf = (tiers: readonly GroupTier[]): number => tiers[tiers.length - 1]!.size;

/** The highest tier `paidCount` members reach, or null below the first tier. */
export function reachedTier(tiers: readonly GroupTier[], paidCount: number): GroupTier | null {
  let reached: GroupTier | null = null;
  for (const t of tiers) if (paidCount >= t.size) reached = t;
  return reached;
}

/** The next tier above `paidCount`, with how many more members it needs; null at the top. */
export function nextTier(tiers: readonly GroupTier[], paidCount: number): { tier: GroupTier; needed: number } | null {
  const t = tiers.find((x) => x.size > paidCount);
  return t ? { tier: t, needed: t.size - paidCount } : null;
}

export type CloseOutcome =
  | { status: "succeeded"; tier: GroupTier; members: Array<{ orderId: string; refundFen: number; kind: "group_price_difference" }> }
  | { status: "failed"; members: Array<{ orderId: string; refundFen: number; kind: "group_failed" }> };

/**
 * What closing a group does to each paid member (ADR 017). Every member paid the first tier's
 * unit price × quantity (`paidFen`). At or above the first tier, each is refunded
 * (first − reached) × quantity — exact integers, no rounding; below it, each gets `paidFen` back.
 */
export function closeGroupOutcome(tiers: readonly GroupTier[], paid: ReadonlyArray<{ orderId: string; quantity: number; paidFen: number }>): CloseOutcome {
  const tier = reachedTier(tiers, paid.length);
  if (!tier) return { status: "failed", members: paid.map((m) => ({ orderId: m.orderId, refundFen: m.paidFen, kind: "group_failed" as const })) };
  const perUnit = firstTier(tiers).unitPriceFen - tier.unitPriceFen;
  return { status: "succeeded", tier, members: paid.map((m) => ({ orderId: m.orderId, refundFen: Math.min(m.paidFen, perUnit * m.quantity), kind: "group_price_difference" as const })) };
}
