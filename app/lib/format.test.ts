import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUSINESS_TIME_ZONE, formatDate, formatDateTime, formatFen } from "./format";

/** Reads "-¥1,234.56" back into fen. */
function parseFen(text: string): number {
  const m = /^(-?)¥(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`Not a money string: ${text}`);
  const fen = Number(m[2]!.replace(/,/g, "")) * 100 + Number(m[3]);
  return m[1] ? -fen : fen;
}

describe("formatFen", () => {
  it.each([
    [0, "¥0.00"],
    [1, "¥0.01"],
    [10, "¥0.10"],
    [99, "¥0.99"],
    [100, "¥1.00"],
    [1234, "¥12.34"],
    [123456, "¥1,234.56"],
    [100000000, "¥1,000,000.00"],
    [-1, "-¥0.01"],
    [-123456, "-¥1,234.56"],
  ])("%d → %s", (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it("formats the largest safe integer exactly", () => {
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe("¥90,071,992,547,409.91");
    expect(formatFen(-Number.MAX_SAFE_INTEGER)).toBe("-¥90,071,992,547,409.91");
  });

  it("does not print negative zero", () => {
    expect(formatFen(-0)).toBe("¥0.00");
  });

  it.each([0.5, 1.01, -2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53])(
    "throws a RangeError for %s",
    (value) => {
      expect(() => formatFen(value)).toThrow(RangeError);
    },
  );

  it("parses back to the same number of fen (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        expect(parseFen(formatFen(fen))).toBe(fen);
      }),
    );
  });

  it("always has two decimals and groups thousands (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(formatFen(fen)).toMatch(/^-?¥\d{1,3}(,\d{3})*\.\d{2}$/);
      }),
    );
  });
});

describe("formatDateTime / formatDate", () => {
  // 16:30 UTC on 1 January is 00:30 on 2 January in Shanghai (UTC+8, no DST).
  const NEW_YEAR_EVENING_UTC = Date.UTC(2026, 0, 1, 16, 30);

  it("uses the Asia/Shanghai time zone", () => {
    expect(BUSINESS_TIME_ZONE).toBe("Asia/Shanghai");
  });

  it("shows Shanghai wall-clock time in Chinese", () => {
    expect(formatDateTime(NEW_YEAR_EVENING_UTC, "zh-CN")).toBe("2026/01/02 00:30");
    expect(formatDate(NEW_YEAR_EVENING_UTC, "zh-CN")).toBe("2026/01/02");
  });

  it("shows Shanghai wall-clock time in English (day first, 24-hour)", () => {
    expect(formatDateTime(NEW_YEAR_EVENING_UTC, "en")).toBe("02/01/2026, 00:30");
    expect(formatDate(NEW_YEAR_EVENING_UTC, "en")).toBe("02/01/2026");
  });

  it("treats any other locale as Chinese", () => {
    expect(formatDateTime(NEW_YEAR_EVENING_UTC, "fr")).toBe(formatDateTime(NEW_YEAR_EVENING_UTC, "zh-CN"));
  });

  it("shows midnight as 00, not 24", () => {
    expect(formatDateTime(Date.UTC(2026, 5, 30, 16, 0), "zh-CN")).toBe("2026/07/01 00:00");
    expect(formatDateTime(Date.UTC(2026, 5, 30, 16, 0), "en")).toBe("01/07/2026, 00:00");
  });

  it("is always UTC+8 whatever the instant (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const shifted = new Date(ms + 8 * 3600_000);
        const pad = (n: number) => String(n).padStart(2, "0");
        const expected =
          `${shifted.getUTCFullYear()}/${pad(shifted.getUTCMonth() + 1)}/${pad(shifted.getUTCDate())} ` +
          `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`;
        expect(formatDateTime(ms, "zh-CN")).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
