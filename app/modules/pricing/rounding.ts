import type { BasisPoints, Fen } from "./types";

/** 10000 basis points = 100%. */
export const BP_SCALE = 10_000;

function assertNonNegativeSafeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/**
 * `amountFen × bp / 10000`, rounded half up to a whole fen (0.5 fen → 1 fen), computed exactly in
 * BigInt so no intermediate product loses precision. `bp` is clamped to 0..10000, so the result is
 * never more than `amountFen`.
 *
 * Throws `RangeError` for a negative or non-integer argument: that is a programming error, not an
 * expected outcome (validated inputs never trigger it).
 */
export function basisPointsOf(amountFen: Fen, bp: BasisPoints): Fen {
  assertNonNegativeSafeInteger("amountFen", amountFen);
  if (!Number.isSafeInteger(bp)) throw new RangeError(`bp must be a safe integer, got ${bp}`);
  const rate = BigInt(Math.min(Math.max(bp, 0), BP_SCALE));
  const scale = BigInt(BP_SCALE);
  // floor((a·r + s/2) / s) for a, r ≥ 0 is round-half-up of a·r/s; s is even, so s/2 is exact.
  return Number((BigInt(amountFen) * rate + scale / 2n) / scale);
}
