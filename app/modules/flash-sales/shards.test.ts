import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { homeShard, MAX_SHARDS, shardCountFor, shardName, shardOfReservation, shardShare, UNITS_PER_SHARD } from "./shards";

describe("flash-sale shards", () => {
  it("splits only big sales, up to the maximum", () => {
    expect(shardCountFor(1)).toBe(1);
    expect(shardCountFor(UNITS_PER_SHARD)).toBe(1);
    expect(shardCountFor(UNITS_PER_SHARD + 1)).toBe(2);
    expect(shardCountFor(100 * UNITS_PER_SHARD)).toBe(MAX_SHARDS);
  });

  it("shares add up to the stock exactly and differ by at most one unit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: MAX_SHARDS }), (stock, shards) => {
        const shares = Array.from({ length: shards }, (_, i) => shardShare(stock, shards, i));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(stock);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("routes a shopper to one home shard always, and spreads shoppers over all shards", () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: MAX_SHARDS }), (id, shards) => {
      const h = homeShard(id, shards);
      expect(h).toBe(homeShard(id, shards));
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(shards);
    }));
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[homeShard(`usr_${String(i).padStart(20, "0")}`, 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it("reads the shard back from a reservation id; a one-object sale is always shard 0", () => {
    expect(shardOfReservation("frv_3abcdefghjkmnpqrstvw", 4)).toBe(3);
    expect(shardOfReservation("frv_3abcdefghjkmnpqrstvw", 1)).toBe(0);
    expect(shardOfReservation("frv_zabcdefghjkmnpqrstvw", 4)).toBe(0);
    expect(shardName("fls_x", 0)).toBe("fls_x");
    expect(shardName("fls_x", 2)).toBe("fls_x:2");
  });
});
