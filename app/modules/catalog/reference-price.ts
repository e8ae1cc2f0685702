/**
 * The struck "original" price, shown only when it is true (UX.md, SPEC §2): the lowest price the
 * SKU actually had during the 30 days before its current price took effect. If that is not higher
 * than today's price, no struck price is shown. Prices are integer fen; times UTC epoch ms.
 */
export const REFERENCE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export interface PricePoint {
  priceFen: number;
  effectiveAt: number;
}

export function referencePriceFen(history: readonly PricePoint[], currentPriceFen: number, now: number): number | null {
  const past = history.filter((h) => h.effectiveAt <= now).sort((a, b) => a.effectiveAt - b.effectiveAt);
  const current = past.at(-1);
  if (!current || current.priceFen !== currentPriceFen) return null; // history out of step: claim nothing
  const windowStart = current.effectiveAt - REFERENCE_WINDOW_MS;
  let lowest: number | null = null;
  for (let i = 0; i < past.length - 1; i++) {
    const point = past[i]!;
    const endsAt = past[i + 1]!.effectiveAt;
    // The price was in force from its effectiveAt until the next change; count it if that overlaps the window.
    if (endsAt > windowStart) lowest = lowest === null ? point.priceFen : Math.min(lowest, point.priceFen);
  }
  return lowest !== null && lowest > currentPriceFen ? lowest : null;
}
