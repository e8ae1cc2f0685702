import { describe, expect, it } from "vitest";
import { CsvSyntaxError, IMPORT_COLUMNS, parseCsv, toCsv, validateImport } from "./manage-csv";

describe("parseCsv (RFC 4180)", () => {
  it("reads plain rows with CRLF or LF and a trailing newline", () => {
    expect(parseCsv("a,b\r\n1,2\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsv("a,b\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("tolerates a UTF-8 BOM and skips blank lines", () => {
    expect(parseCsv("\uFEFFtitle\n\n草莓\n")).toEqual([["title"], ["草莓"]]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    expect(parseCsv('"a,b","say ""hi""","line1\r\nline2",\r\n')).toEqual([["a,b", 'say "hi"', "line1\r\nline2", ""]]);
    expect(parseCsv('x,""\n')).toEqual([["x", ""]]);
  });

  it("keeps empty fields", () => {
    expect(parseCsv(",,\n")).toEqual([["", "", ""]]);
  });

  it("refuses unclosed and stray quotes with the line number", () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a\nb"c\n');
    } catch (e) {
      expect(e).toMatchObject({ code: "stray_quote", line: 2 });
    }
    expect(() => parseCsv('"a"b\n')).toThrow(CsvSyntaxError);
  });

  it("round-trips what toCsv writes", () => {
    const rows = [["行", "列"], ['a "quoted", value', "multi\nline"], ["", "3"]];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
  });
});

describe("validateImport", () => {
  const categories = new Map([["fresh", "cat_demofresh00000000000"]]);
  const header = [...IMPORT_COLUMNS];
  const row = (over: Partial<Record<(typeof IMPORT_COLUMNS)[number], string>> = {}) => {
    const r = { title_zh: "苹果", title_en: "Apples", category_slug: "fresh", unit: "袋", spec_zh: "1kg", spec_en: "1 kg", price_yuan: "12.80", stock: "50", description_zh: "", description_en: "", ...over };
    return IMPORT_COLUMNS.map((c) => r[c]);
  };

  it("groups rows with the same title into one product with several SKUs", () => {
    const result = validateImport([header, row(), row({ spec_zh: "2kg", spec_en: "2 kg", price_yuan: "24", stock: "20" }), row({ title_zh: "梨", title_en: "Pears" })], categories);
    expect(result).toMatchObject({
      ok: true,
      products: [
        { titleZh: "苹果", categoryId: "cat_demofresh00000000000", skus: [{ priceFen: 1280, stock: 50 }, { specZh: "2kg", priceFen: 2400, stock: 20 }] },
        { titleZh: "梨", skus: [{ priceFen: 1280 }] },
      ],
    });
  });

  it("accepts columns in any order and without the optional ones", () => {
    const cols = ["stock", "price_yuan", "spec_en", "spec_zh", "unit", "category_slug", "title_en", "title_zh"];
    const result = validateImport([cols, ["5", "1", "s", "规格", "个", "fresh", "T", "标题"]], categories);
    expect(result).toMatchObject({ ok: true, products: [{ titleZh: "标题", skus: [{ priceFen: 100, stock: 5 }] }] });
  });

  it("reports every bad cell with its row and column", () => {
    const result = validateImport([header, row({ price_yuan: "12.345" }), row({ title_zh: "", stock: "x" }), row({ category_slug: "cars" }), row({ unit: "盒" })], categories);
    expect(result).toEqual({
      ok: false,
      errors: [
        { row: 2, column: "price_yuan", code: "price_invalid" },
        { row: 3, column: "title_zh", code: "required" },
        { row: 3, column: "stock", code: "stock_invalid" },
        { row: 4, column: "category_slug", code: "category_unknown" },
        // Row 5 is the second row of 苹果 (row 2 was invalid, so row 5 starts it): no mismatch.
      ],
    });
  });

  it("flags rows of one product that disagree, and duplicate specs", () => {
    const result = validateImport([header, row(), row({ unit: "盒", spec_zh: "2kg" }), row()], categories);
    expect(result).toEqual({
      ok: false,
      errors: [
        { row: 3, column: "unit", code: "product_mismatch" },
        { row: 4, column: "spec_zh", code: "duplicate_spec" },
      ],
    });
  });

  it("requires the header columns and at least one row", () => {
    const missing = validateImport([["title_zh"]], categories);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]).toEqual({ row: 1, column: "title_en", code: "missing_column" });
    expect(validateImport([header], categories)).toEqual({ ok: false, errors: [{ row: 2, column: "", code: "no_rows" }] });
    expect(validateImport([], categories)).toEqual({ ok: false, errors: [{ row: 1, column: "", code: "empty_file" }] });
  });
});
