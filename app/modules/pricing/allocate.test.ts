import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateProportionally } from "./allocate";
import { basisPointsOf } from "./rounding";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("allocateProportionally (largest remainder)", () => {
  it.each([
    // [total, weights, expected]
    [0, [], []],
    [0, [0, 0], [0, 0]],
    [0, [5, 7], [0, 0]],
    [10, [1], [10]],
    [100, [1, 1, 1, 1], [25, 25, 25, 25]],
    // 2/3 each; the leftover fen go to the lowest indexes when everything ties
    [2, [1, 1, 1], [1, 1, 0]],
    [1, [1, 1, 1], [1, 0, 0]],
    // 2000 fen over 60.00 / 90.00: 800 + 1200 exactly
    [2000, [6000, 9000], [800, 1200]],
    // the ADR 009 worked example: quotas 772.32 / 513.91 / 713.76 → the .91 and .76 round up
    [2000, [6384, 4248, 5900], [772, 514, 714]],
    [1000, [5612, 3734, 5186], [386, 257, 357]],
    // zero weights get nothing, even when they sit first
    [10, [0, 5, 5], [0, 5, 5]],
    [7, [0, 1, 0, 1], [0, 4, 0, 3]],
    // total equal to the weights: each share is its weight
    [15, [3, 5, 7], [3, 5, 7]],
    // total above the weights is allowed (shares then exceed weights)
    [20, [1, 1], [10, 10]],
    [3, [1, 1], [2, 1]],
  ])("allocates %d over %j as %j", (total, weights, expected) => {
    expect(allocateProportionally(total, weights)).toEqual(expected);
  });

  it("breaks remainder ties by the larger weight, then the lower index", () => {
    // total 2 over [1, 3] (sum 4): quotas 0.5 and 1.5 have the same remainder; the larger weight wins.
    expect(allocateProportionally(2, [1, 3])).toEqual([0, 2]);
    expect(allocateProportionally(2, [3, 1])).toEqual([2, 0]);
  });

  it("is exact where floating point is not", () => {
    const big = Number.MAX_SAFE_INTEGER;
    // total × weight is far beyond 2^53; BigInt keeps the split exact.
    expect(allocateProportionally(big, [1, 1])).toEqual([(big + 1) / 2, (big - 1) / 2]);
    expect(allocateProportionally(big, [big, big, big])).toEqual([
      3002399751580331, 3002399751580330, 3002399751580330,
    ]);
  });

  it.each([
    [-1, [1]],
    [1.5, [1]],
    [Number.NaN, [1]],
    [2 ** 53, [1]],
    [1, [-1]],
    [1, [0.5]],
    [1, [Number.POSITIVE_INFINITY]],
    [1, []],
    [1, [0, 0]],
  ])("throws RangeError for total %s over %j (a programming error)", (total, weights) => {
    expect(() => allocateProportionally(total, weights)).toThrow(RangeError);
  });

  const weightsArb = fc.array(
    fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1e12 })),
    {
      minLength: 1,
      maxLength: 30,
    },
  );
  const caseArb = weightsArb
    .filter((ws) => sum(ws) > 0)
    .chain((weights) =>
      fc.tuple(fc.integer({ min: 0, max: Math.min(sum(weights) * 2, Number.MAX_SAFE_INTEGER) }), fc.constant(weights)),
    );

  it("sums exactly to the total, with whole non-negative shares (property)", () => {
    fc.assert(
      fc.property(caseArb, ([total, weights]) => {
        const shares = allocateProportionally(total, weights);
        expect(shares).toHaveLength(weights.length);
        expect(sum(shares)).toBe(total);
        for (const s of shares) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
      }),
    );
  });

  it("gives each share the floor or ceiling of its exact quota, and zero weights nothing (property)", () => {
    fc.assert(
      fc.property(caseArb, ([total, weights]) => {
        const shares = allocateProportionally(total, weights);
        const S = BigInt(sum(weights));
        shares.forEach((share, i) => {
          const exact = BigInt(total) * BigInt(weights[i]!);
          const floor = exact / S;
          const ceil = exact % S === 0n ? floor : floor + 1n;
          expect(BigInt(share) >= floor && BigInt(share) <= ceil).toBe(true);
          if (weights[i] === 0) expect(share).toBe(0);
        });
      }),
    );
  });

  it("never gives a share above its weight when the total fits (property)", () => {
    fc.assert(
      fc.property(
        weightsArb
          .filter((ws) => sum(ws) > 0)
          .chain((ws) => fc.tuple(fc.integer({ min: 0, max: sum(ws) }), fc.constant(ws))),
        ([total, weights]) => {
          allocateProportionally(total, weights).forEach((share, i) => expect(share).toBeLessThanOrEqual(weights[i]!));
        },
      ),
    );
  });

  it("is order-independent: permuting the weights permutes the (weight, share) pairs (property)", () => {
    fc.assert(
      fc.property(
        caseArb.chain(([total, weights]) =>
          fc.tuple(
            fc.constant(total),
            fc.constant(weights),
            fc.shuffledSubarray(
              weights.map((_, i) => i),
              { minLength: weights.length, maxLength: weights.length },
            ),
          ),
        ),
        ([total, weights, perm]) => {
          const pairs = (ws: readonly number[], ss: readonly number[]) => ws.map((w, i) => `${w}:${ss[i]}`).sort();
          const permuted = perm.map((i) => weights[i]!);
          expect(pairs(permuted, allocateProportionally(total, permuted))).toEqual(
            pairs(weights, allocateProportionally(total, weights)),
          );
        },
      ),
    );
  });

  it("is deterministic (property)", () => {
    fc.assert(
      fc.property(caseArb, ([total, weights]) => {
        expect(allocateProportionally(total, weights)).toEqual(allocateProportionally(total, weights));
      }),
    );
  });
});

describe("basisPointsOf (round half up to the fen)", () => {
  it.each([
    [999, 2000, 200], // 199.8 → 200
    [125, 1000, 13], // 12.5 → 13 (half up)
    [124, 1000, 12], // 12.4 → 12
    [10, 500, 1], // 0.5 → 1
    [9, 500, 0], // 0.45 → 0
    [1, 4999, 0], // 0.4999 → 0
    [1, 5000, 1], // 0.5 → 1
    [3990, 2000, 798],
    [1250, 1500, 188], // 187.5 → 188
    [0, 2000, 0],
    [12345, 0, 0],
    [12345, 10_000, 12345],
    [12345, 20_000, 12345], // clamped to 100%
    [12345, -5, 0], // clamped to 0%
    [Number.MAX_SAFE_INTEGER, 10_000, Number.MAX_SAFE_INTEGER], // exact beyond 2^53 intermediates
  ])("%d fen × %d bp = %d fen", (amount, bp, expected) => {
    expect(basisPointsOf(amount, bp)).toBe(expected);
  });

  it.each([
    [-1, 100],
    [1.5, 100],
    [100, 1.5],
    [100, Number.NaN],
  ])("throws RangeError for %s × %s", (amount, bp) => {
    expect(() => basisPointsOf(amount, bp)).toThrow(RangeError);
  });

  it("matches the rational definition of half up and never exceeds the amount (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        const r = basisPointsOf(amount, bp);
        // r is half up of amount·bp/10000  ⇔  r − ½ ≤ amount·bp/10000 < r + ½
        const twice = 2n * BigInt(amount) * BigInt(bp);
        expect(BigInt(2 * r - 1) * 10_000n <= twice).toBe(true);
        expect(twice < BigInt(2 * r + 1) * 10_000n).toBe(true);
        expect(r).toBeLessThanOrEqual(amount);
      }),
    );
  });
});
