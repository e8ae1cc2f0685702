import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("starts with a BOM, quotes what needs it and defuses formulas", () => {
    expect(toCsv([["商品", "数量"], ['苹果, "红"', 3], ["=1+1", -2]])).toBe('\uFEFF商品,数量\r\n"苹果, ""红""",3\r\n\'=1+1,-2\r\n');
  });

  it("leaves negative amounts written as text alone, but not a formula that starts like one", () => {
    expect(toCsv([["-12.34", "-5", "-1+1", "-12.34.5"]])).toBe("\uFEFF-12.34,-5,'-1+1,'-12.34.5\r\n");
  });
});
