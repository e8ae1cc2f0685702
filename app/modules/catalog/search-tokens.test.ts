import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexTokens, matchExpression } from "./search-tokens";

describe("indexTokens", () => {
  it("splits Chinese into characters and bigrams, keeps Latin words", () => {
    expect(indexTokens("丹东 99 红颜草莓")).toBe("丹 东 丹东 99 红 颜 草 莓 红颜 颜草 草莓");
    expect(indexTokens("Dandong Hongyan STRAWBERRIES")).toBe("dandong hongyan strawberries");
  });
  it("normalises full-width characters", () => {
    expect(indexTokens("ＡＢＣ１２３")).toBe("abc123");
  });
  it("drops punctuation and FTS syntax", () => {
    expect(indexTokens('"草莓" OR (apple) * -x')).toBe("草 莓 草莓 or apple x");
  });
});

describe("matchExpression", () => {
  it("requires every bigram of a Chinese query", () => {
    expect(matchExpression("红颜草莓")).toBe('"红颜" AND "颜草" AND "草莓"');
    expect(matchExpression("莓")).toBe('"莓"');
  });
  it("uses prefix matches for Latin words", () => {
    expect(matchExpression("Straw berr")).toBe('"straw"* AND "berr"*');
  });
  it("returns null for nothing searchable", () => {
    expect(matchExpression("  ！？ ")).toBeNull();
    expect(matchExpression("")).toBeNull();
  });
  it("never lets user input escape the quoted terms", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (q) => {
        const expr = matchExpression(q);
        if (expr === null) return;
        // Only quoted terms joined by AND, optional prefix star: no raw operators or quotes inside terms.
        expect(expr).toMatch(/^"[^"]+"\*?( AND "[^"]+"\*?)*$/);
      }),
    );
  });
  it("every query term of an indexed title is found among its index tokens", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\u4e00-\u4e20a-z0-9 ]{1,30}$/), (title) => {
        const tokens = new Set(indexTokens(title).split(" "));
        const expr = matchExpression(title);
        if (!expr) return;
        for (const term of expr.split(" AND ")) {
          const word = term.replace(/^"|"\*?$/g, "");
          expect(tokens.has(word)).toBe(true);
        }
      }),
    );
  });
});
