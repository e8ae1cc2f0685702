import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fenToYuanString, yuanStringToFen } from "./money";

describe("fenToYuanString", () => {
  it.each([
    [0, "0.00"],
    [1, "0.01"],
    [10, "0.10"],
    [99, "0.99"],
    [100, "1.00"],
    [1234, "12.34"],
    [10_000_000_000, "100000000.00"],
    [Number.MAX_SAFE_INTEGER, "90071992547409.91"],
  ])("%d → %s", (fen, yuan) => {
    expect(fenToYuanString(fen)).toBe(yuan);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])("refuses %d", (fen) => {
    expect(() => fenToYuanString(fen)).toThrow(RangeError);
  });
});

describe("yuanStringToFen", () => {
  it.each([
    ["12.34", 1234],
    ["12.3", 1230],
    ["12", 1200],
    ["0", 0],
    ["0.00", 0],
    ["0.01", 1],
    ["0.1", 10],
    ["100000000.00", 10_000_000_000],
    ["90071992547409.91", Number.MAX_SAFE_INTEGER],
  ])("%j → %d", (text, fen) => {
    expect(yuanStringToFen(text)).toBe(fen);
  });

  it.each([
    "12.345",
    "-1",
    "-0.01",
    "+1.00",
    "1e3",
    "1E3",
    " 12.34",
    "12.34 ",
    "12.",
    ".5",
    "012.34",
    "00",
    "1,000.00",
    "12,34",
    "",
    ".",
    "NaN",
    "Infinity",
    "0x10",
    "１２.３４",
    "90071992547409.92",
    "99999999999999999999.99",
  ])("refuses %j", (text) => {
    expect(yuanStringToFen(text)).toBeNull();
  });

  it("round-trips every fen amount from 0 to 10^10 exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 10n }).map(Number), (fen) => {
        const text = fenToYuanString(fen);
        expect(text).toMatch(/^(0|[1-9]\d*)\.\d{2}$/);
        expect(yuanStringToFen(text)).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees with exact decimal arithmetic on arbitrary well-formed strings", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 2 }), (units, decimals) => {
        // units is the amount in 10^-decimals yuan.
        const s = units.toString().padStart(decimals + 1, "0");
        const text = decimals === 0 ? s : `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
        const expected = Number(units * 10n ** BigInt(2 - decimals));
        expect(yuanStringToFen(text)).toBe(expected);
      }),
    );
  });
});
