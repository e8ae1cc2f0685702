/**
 * Points (issue 10, SPEC §6), pure rules:
 *
 * - **Earning**: a completed sale earns 1 point per whole yuan of its net sale, times the
 *   shopper's level multiplier (percent, from the membership settings) at the moment the order
 *   settles — rounded down, so a point is never given for a fraction. Points come with the
 *   settlement (app/modules/settlement), in the same D1 batch as the ledger transaction.
 * - **Refunds after settlement** move the order's points to what its new net sale earns, at the
 *   multiplier it was first earned at (never today's), so settling and refunding any number of
 *   times lands exactly where one settlement of the final sale would.
 * - **Expiry**: earned points expire `POINTS_VALID_DAYS` after they were earned. Spending and
 *   clawbacks consume the oldest points first, so what expires is what is left of the expired
 *   lots once everything taken so far is counted against them (`pointsToExpire`).
 */

export const POINTS_VALID_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Points a net sale earns at a multiplier: ⌊⌊net / 100⌋ × pct / 100⌋. */
export function pointsForSale(netSaleFen: number, multiplierPct: number): number {
  if (!Number.isSafeInteger(netSaleFen) || netSaleFen <= 0) return 0;
  const pct = Number.isSafeInteger(multiplierPct) && multiplierPct > 0 ? multiplierPct : 100;
  return Math.floor((Math.floor(netSaleFen / 100) * pct) / 100);
}

export function expiryOf(earnedAt: number): number {
  return earnedAt + POINTS_VALID_DAYS * DAY_MS;
}

export interface PointsEntryLike {
  points: number;
  kind: string;
  expiresAt: number | null;
}

/**
 * How many points expire at `now` (FIFO): the points of lots whose expiry has passed, less every
 * point taken so far (negative entries other than expiries: spends and clawbacks consume the
 * oldest lots first), less what already expired. Never negative.
 */
export function pointsToExpire(entries: readonly PointsEntryLike[], now: number): number {
  let expiredLots = 0;
  let taken = 0;
  let expired = 0;
  for (const e of entries) {
    if (e.points > 0 && e.expiresAt !== null && e.expiresAt <= now) expiredLots += e.points;
    else if (e.points < 0 && e.kind === "expire") expired += -e.points;
    else if (e.points < 0) taken += -e.points;
    // Points given back for a cancelled order undo that spend: the lots it took are whole again.
    else if (e.kind === "spend_return") taken -= e.points;
  }
  return Math.max(0, expiredLots - taken - expired);
}

/** The balance and what expires within `withinDays` (FIFO, as above). */
export function pointsSummary(entries: readonly PointsEntryLike[], now: number, withinDays = 30) {
  const balance = entries.reduce((s, e) => s + e.points, 0);
  const soon = pointsToExpire(entries, now + withinDays * DAY_MS) - pointsToExpire(entries, now);
  return { balance, expiringSoon: Math.max(0, Math.min(soon, balance)) };
}
