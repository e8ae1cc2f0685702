import { describe, expect, it } from "vitest";
import { bulkRowsFromForm, fenToYuanInput, isContentChange, parseStock, parseYuanToFen, statusAfterContentEdit, validateBulkRows } from "./manage";

describe("parseYuanToFen", () => {
  it("converts yuan text to integer fen exactly", () => {
    expect(parseYuanToFen("12")).toBe(1200);
    expect(parseYuanToFen("12.3")).toBe(1230);
    expect(parseYuanToFen("12.30")).toBe(1230);
    expect(parseYuanToFen("0.07")).toBe(7);
    expect(parseYuanToFen(" 19.99 ")).toBe(1999);
    // 0.1 + 0.2 style float traps never happen: the digits are read, not multiplied.
    expect(parseYuanToFen("1.15")).toBe(115);
    expect(parseYuanToFen("4.35")).toBe(435);
    expect(parseYuanToFen("999999.99")).toBe(99_999_999);
  });

  it("refuses anything that is not a plain amount with at most 2 decimals", () => {
    for (const bad of ["", "-1", "1.234", "1e3", "1,000", "¥5", ".5", "5.", "abc", "1000000", "0x10", "NaN", "Infinity"]) {
      expect(parseYuanToFen(bad), bad).toBeNull();
    }
  });

  it("round-trips with fenToYuanInput", () => {
    for (const fen of [0, 1, 10, 99, 100, 1999, 99_999_999]) expect(parseYuanToFen(fenToYuanInput(fen))).toBe(fen);
    expect(fenToYuanInput(1230)).toBe("12.30");
  });
});

describe("parseStock", () => {
  it("takes whole non-negative numbers only", () => {
    expect(parseStock("0")).toBe(0);
    expect(parseStock("120")).toBe(120);
    expect(parseStock("1.5")).toBeNull();
    expect(parseStock("-3")).toBeNull();
    expect(parseStock("")).toBeNull();
    expect(parseStock("99999999")).toBeNull();
  });
});

describe("review rules", () => {
  const base = { titleZh: "草莓", titleEn: "Strawberries", descriptionZh: "", descriptionEn: "", categoryId: "cat_a", unit: "盒", skus: [{ id: "sku_1", specZh: "500g", specEn: "500 g" }] };
  it("price and stock are not content; titles, specs and new SKUs are", () => {
    expect(isContentChange(base, { ...base })).toBe(false);
    expect(isContentChange(base, { ...base, titleEn: "Berries" })).toBe(true);
    expect(isContentChange(base, { ...base, skus: [{ id: "sku_1", specZh: "1kg", specEn: "500 g" }] })).toBe(true);
    expect(isContentChange(base, { ...base, skus: [...base.skus, { id: "new", specZh: "1kg", specEn: "1 kg" }] })).toBe(true);
    expect(isContentChange(base, { ...base, skus: [] })).toBe(false);
  });
  it("approved products go back to review after a content edit", () => {
    expect(statusAfterContentEdit("on_shelf")).toBe("pending_review");
    expect(statusAfterContentEdit("off_shelf")).toBe("pending_review");
    expect(statusAfterContentEdit("draft")).toBe("draft");
    expect(statusAfterContentEdit("rejected")).toBe("rejected");
  });
});

describe("bulk edit rows", () => {
  const a = "sku_aaaaaaaaaaaaaaaaaaaa";
  const b = "sku_bbbbbbbbbbbbbbbbbbbb";
  it("reads price.<id>/stock.<id> pairs and validates every row", () => {
    const form = new FormData();
    form.set(`price.${a}`, "9.90");
    form.set(`stock.${a}`, "10");
    form.set(`price.${b}`, "9.999");
    form.set(`stock.${b}`, "-1");
    form.set("intent", "bulk");
    const rows = bulkRowsFromForm(form);
    expect(rows).toEqual([
      { skuId: a, priceYuan: "9.90", stock: "10" },
      { skuId: b, priceYuan: "9.999", stock: "-1" },
    ]);
    expect(validateBulkRows(rows)).toEqual({
      ok: false,
      errors: [
        { skuId: b, field: "price", code: "price_invalid" },
        { skuId: b, field: "stock", code: "stock_invalid" },
      ],
    });
    expect(validateBulkRows(rows.slice(0, 1))).toEqual({ ok: true, value: [{ skuId: a, priceFen: 990, stock: 10 }] });
  });
});
