import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changePermille, compactFen, divHalfUp, fenToYuan, formatChange, formatPermille, ratioPermille } from "./numbers";

describe("integer ratios and money text", () => {
  it("divides half up, exactly", () => {
    expect(divHalfUp(7, 2)).toBe(4);
    expect(divHalfUp(5, 2)).toBe(3);
    expect(divHalfUp(4, 3)).toBe(1);
    expect(divHalfUp(5, 3)).toBe(2);
    expect(divHalfUp(0, 9)).toBe(0);
    expect(divHalfUp(1, 0)).toBeNull();
    expect(divHalfUp(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => divHalfUp(1.5, 2)).toThrow(RangeError);
    expect(() => divHalfUp(-1, 2)).toThrow(RangeError);
  });

  it("average basket = GMV ÷ orders half up: never off by more than half a fen", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), (gmv, orders) => {
        const avg = divHalfUp(gmv, orders)!;
        // |avg − gmv/orders| ≤ 1/2, and exactly 1/2 rounds up: 2·avg·orders − 2·gmv ∈ (−orders, orders].
        const d = 2n * BigInt(avg) * BigInt(orders) - 2n * BigInt(gmv);
        return d > -BigInt(orders) && d <= BigInt(orders);
      }),
    );
  });

  it("gives rates in per mille, half up", () => {
    expect(ratioPermille(1, 3)).toBe(333);
    expect(ratioPermille(2, 3)).toBe(667);
    expect(ratioPermille(1, 8)).toBe(125);
    expect(ratioPermille(1, 16)).toBe(63); // 62.5 → 63
    expect(ratioPermille(5, 4)).toBe(1250);
    expect(ratioPermille(0, 0)).toBeNull();
  });

  it("gives changes in per mille, half away from zero, null without a base", () => {
    expect(changePermille(110, 100)).toBe(100);
    expect(changePermille(90, 100)).toBe(-100);
    expect(changePermille(1, 16)).toBe(-938); // −93.75% → −93.8%
    expect(changePermille(100, 100)).toBe(0);
    expect(changePermille(5, 0)).toBeNull();
    expect(changePermille(0, 3)).toBe(-1000);
  });

  it("formats per mille as a percentage with one decimal", () => {
    expect(formatPermille(123)).toBe("12.3%");
    expect(formatPermille(1000)).toBe("100.0%");
    expect(formatPermille(5)).toBe("0.5%");
    expect(formatPermille(-45)).toBe("-4.5%");
    expect(formatChange(45)).toBe("+4.5%");
    expect(formatChange(0)).toBe("0.0%");
  });

  it("writes yuan from fen as text, and back exactly", () => {
    expect(fenToYuan(123456)).toBe("1234.56");
    expect(fenToYuan(5)).toBe("0.05");
    expect(fenToYuan(0)).toBe("0.00");
    expect(fenToYuan(-250)).toBe("-2.50");
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
    fc.assert(fc.property(fc.maxSafeInteger(), (fen) => BigInt(fenToYuan(fen).replace(".", "")) === BigInt(fen)));
  });

  it("labels axis money compactly per language", () => {
    expect(compactFen(0, "zh-CN")).toBe("¥0");
    expect(compactFen(1_200_000, "zh-CN")).toBe("¥1.2万");
    expect(compactFen(1_200_000, "en")).toBe("¥12K");
    expect(compactFen(50, "en")).toBe("¥0.50");
  });
});
