import fc from "fast-check";
import { afterEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { generateCode, normaliseTarget } from "./sign-in-codes.server";

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

// With 9 degrees of freedom, P(χ² > 40) ≈ 1e-5: a uniform generator essentially never trips this,
// while a generator biased by even a few percent on one digit does.
const CHI_SQUARE_LIMIT_DF9 = 40;

/** Makes crypto.getRandomValues write the given 32-bit words, one per call. */
function feedRandomWords(...words: number[]): MockInstance {
  const fake = <T extends ArrayBufferView>(array: T): T => {
    (array as unknown as Uint32Array)[0] = words.shift()!;
    return array;
  };
  return vi.spyOn(crypto, "getRandomValues").mockImplementation(fake as typeof crypto.getRandomValues);
}

describe("generateCode", () => {
  let spy: MockInstance | undefined;
  afterEach(() => {
    // Only this spy: the setup file owns (and restores) its console.error spy.
    spy?.mockRestore();
    spy = undefined;
  });

  it("is always exactly six ASCII digits", () => {
    const bad = Array.from({ length: 5000 }, generateCode).filter((code) => !/^\d{6}$/.test(code));
    expect(bad).toEqual([]);
  });

  it("is roughly uniform over the first and last digit (20,000 samples)", () => {
    const first = Array<number>(10).fill(0);
    const last = Array<number>(10).fill(0);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const code = generateCode();
      first[Number(code[0])]!++;
      last[Number(code[5])]!++;
      seen.add(code);
    }
    expect(chiSquare(first)).toBeLessThan(CHI_SQUARE_LIMIT_DF9);
    expect(chiSquare(last)).toBeLessThan(CHI_SQUARE_LIMIT_DF9);
    // Birthday bound: 20k draws from 1e6 give ~200 repeats; far more means a weak generator.
    expect(seen.size).toBeGreaterThan(19_500);
  });

  it("zero-pads small values", () => {
    spy = feedRandomWords(42);
    expect(generateCode()).toBe("000042");
  });

  it("maps a random word to its value modulo 1,000,000 (property)", () => {
    const limit = Math.floor(2 ** 32 / 1e6) * 1e6;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: limit - 1 }), (word) => {
        const once = feedRandomWords(word);
        try {
          expect(generateCode()).toBe(String(word % 1_000_000).padStart(6, "0"));
        } finally {
          once.mockRestore();
        }
      }),
    );
  });

  it("rejects the biased top of the 32-bit range and draws again", () => {
    const limit = Math.floor(2 ** 32 / 1e6) * 1e6; // 4,294,000,000
    spy = feedRandomWords(2 ** 32 - 1, limit, limit - 1);
    expect(generateCode()).toBe(String((limit - 1) % 1e6).padStart(6, "0"));
    expect(spy).toHaveBeenCalledTimes(3);
  });
});

describe("normaliseTarget", () => {
  it("normalises an SMS target to 11 digits", () => {
    expect(normaliseTarget({ channel: "sms", phone: "+86 138 0013 8000" })).toEqual({
      channel: "sms",
      value: "13800138000",
      field: "phone",
    });
    expect(normaliseTarget({ channel: "sms", phone: "86-138-0013-8000" }).value).toBe("13800138000");
  });

  it("normalises an email target to trimmed lower case", () => {
    expect(normaliseTarget({ channel: "email", email: "  Alice@Example.COM " })).toEqual({
      channel: "email",
      value: "alice@example.com",
      field: "email",
    });
  });

  it("gives every written form of one phone the same value (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), fc.constantFrom("", "+86", "+86 ", "86-"), (phone, prefix) => {
        const spaced = `${prefix}${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
        expect(normaliseTarget({ channel: "sms", phone: spaced }).value).toBe(phone);
      }),
    );
  });
});
