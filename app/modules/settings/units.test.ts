import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bpToPercentText, parseClock, parseMultiplierToPct, parsePercentToBp, parseWholeNumber, pctToMultiplierText } from "./units";

describe("percent ↔ basis points", () => {
  it("reads percentages with up to 2 decimals exactly", () => {
    expect(parsePercentToBp("10")).toBe(1000);
    expect(parsePercentToBp("12.5")).toBe(1250);
    expect(parsePercentToBp("12.34")).toBe(1234);
    expect(parsePercentToBp("0.01")).toBe(1);
    expect(parsePercentToBp("0")).toBe(0);
    expect(parsePercentToBp("100")).toBe(10_000);
    expect(parsePercentToBp(" 7.5 % ")).toBe(750);
    expect(parsePercentToBp("007.50")).toBe(750);
    // Typed with a Chinese IME: full-width digits, point and percent sign.
    expect(parsePercentToBp("１２．５％")).toBe(1250);
    // 0.29 and 0.57 are the classic float traps (0.29 × 100 = 28.999…).
    expect(parsePercentToBp("0.29")).toBe(29);
    expect(parsePercentToBp("0.57")).toBe(57);
  });

  it("refuses anything else", () => {
    for (const bad of ["", " ", "-1", "+1", "1e2", "12.345", ".5", "12.", "1,000", "abc", "12 .5", "100000", "10%%", "Infinity", "NaN"]) {
      expect(parsePercentToBp(bad), bad).toBeNull();
    }
  });

  it("writes basis points back as the shortest percentage", () => {
    expect(bpToPercentText(1000)).toBe("10");
    expect(bpToPercentText(1250)).toBe("12.5");
    expect(bpToPercentText(1234)).toBe("12.34");
    expect(bpToPercentText(5)).toBe("0.05");
    expect(bpToPercentText(0)).toBe("0");
    expect(bpToPercentText(10_000)).toBe("100");
  });

  it("round-trips every basis point value (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), (bp) => {
        expect(parsePercentToBp(bpToPercentText(bp))).toBe(bp);
        expect(parsePercentToBp(`${bpToPercentText(bp)}%`)).toBe(bp);
      }),
    );
  });

  it("agrees with exact decimal arithmetic on any typed percentage (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 }), fc.boolean(), (whole, hundredths, oneDecimal) => {
        const frac = oneDecimal ? String(Math.trunc(hundredths / 10)) : String(hundredths).padStart(2, "0");
        const expected = whole * 100 + (oneDecimal ? Math.trunc(hundredths / 10) * 10 : hundredths);
        expect(parsePercentToBp(`${whole}.${frac}`)).toBe(expected);
      }),
    );
  });
});

describe("multiplier ↔ percent", () => {
  it("reads 1.2 as 120 and accepts a × or x sign", () => {
    expect(parseMultiplierToPct("1")).toBe(100);
    expect(parseMultiplierToPct("1.2")).toBe(120);
    expect(parseMultiplierToPct("1.25")).toBe(125);
    expect(parseMultiplierToPct("×1.5")).toBe(150);
    expect(parseMultiplierToPct("2x")).toBe(200);
    expect(parseMultiplierToPct("１．５")).toBe(150);
    for (const bad of ["", "1.234", "-1", "x", "1e1", "1000"]) expect(parseMultiplierToPct(bad), bad).toBeNull();
  });

  it("writes percent back as the multiplier", () => {
    expect(pctToMultiplierText(100)).toBe("1");
    expect(pctToMultiplierText(120)).toBe("1.2");
    expect(pctToMultiplierText(125)).toBe("1.25");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), (pct) => {
        expect(parseMultiplierToPct(pctToMultiplierText(pct))).toBe(pct);
      }),
    );
  });
});

describe("whole numbers and the cut-off time", () => {
  it("reads whole numbers only", () => {
    expect(parseWholeNumber("30")).toBe(30);
    expect(parseWholeNumber(" ３０ ")).toBe(30);
    expect(parseWholeNumber("0")).toBe(0);
    for (const bad of ["", "1.5", "-3", "1e3", "1234567890", "3 0"]) expect(parseWholeNumber(bad), bad).toBeNull();
  });

  it("reads H:MM or HH:MM (full-width colon too) as HH:MM", () => {
    expect(parseClock("21:00")).toBe("21:00");
    expect(parseClock("9:05")).toBe("09:05");
    expect(parseClock("０９：３０")).toBe("09:30");
    expect(parseClock("00:00")).toBe("00:00");
    expect(parseClock("23:59")).toBe("23:59");
    for (const bad of ["24:00", "21:60", "2100", "21:0", "", "noon", "-1:00"]) expect(parseClock(bad), bad).toBeNull();
  });
});
