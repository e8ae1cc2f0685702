/**
 * Largest-remainder (Hamilton) allocation of an order-level discount to lines (ADR 005, ADR 009).
 *
 * Each share starts as the floor of its exact quota `total × weight / Σweights`; the fen left over
 * (fewer than the number of lines) go one each to the largest remainders. Ties are broken by the
 * larger weight, then the lower index, so the result is deterministic, and lines with equal
 * weights are the only ones whose order can change who gets a fen.
 *
 * Guarantees, for a non-negative safe-integer total and weights:
 * - the shares sum exactly to `totalFen`;
 * - every share is the floor or the ceiling of its quota;
 * - a zero weight gets zero;
 * - when `totalFen <= Σweights`, no share exceeds its weight (a discount never overshoots a line).
 *
 * The arithmetic is exact (BigInt), whatever the size of `total × weight`.
 *
 * Throws `RangeError` on negative or non-integer arguments, or on a positive total over weights
 * that are all zero: these are programming errors, never expected outcomes.
 */
export function allocateProportionally(totalFen: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) {
    throw new RangeError(`totalFen must be a non-negative safe integer, got ${totalFen}`);
  }
  let sum = 0n;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative safe integers, got ${w}`);
    sum += BigInt(w);
  }
  if (totalFen === 0) return weights.map(() => 0);
  if (sum === 0n) throw new RangeError("Cannot allocate a positive total over weights that are all zero");

  const total = BigInt(totalFen);
  const shares: bigint[] = [];
  const remainders: bigint[] = [];
  let allocated = 0n;
  for (const w of weights) {
    const product = total * BigInt(w);
    const share = product / sum;
    shares.push(share);
    remainders.push(product % sum);
    allocated += share;
  }

  // Σremainders = sum × leftover and each remainder < sum, so more than `leftover` remainders are
  // positive: the fen below only ever go to lines with a positive remainder (never a zero weight,
  // never a line whose quota was already a whole number).
  const leftover = Number(total - allocated);
  const order = weights.map((_, i) => i);
  order.sort((a, b) => {
    const ra = remainders[a]!;
    const rb = remainders[b]!;
    if (ra !== rb) return ra > rb ? -1 : 1;
    const wa = weights[a]!;
    const wb = weights[b]!;
    if (wa !== wb) return wb - wa;
    return a - b;
  });
  for (let k = 0; k < leftover; k++) {
    const i = order[k]!;
    shares[i] = shares[i]! + 1n;
  }
  return shares.map(Number);
}
