import * as v from "valibot";
import { MAX_SKUS, parseStock, parseYuanToFen, PriceYuan, StockInput } from "./manage";

/**
 * CSV import of a merchant's catalogue (pure: parsing, validation, grouping, the error report).
 * No CSV library is installed, so this is a small RFC 4180 reader: quoted fields, "" inside quotes,
 * commas and newlines inside quotes, CRLF or LF line ends, a leading UTF-8 BOM tolerated.
 */
export const IMPORT_MAX_BYTES = 1024 * 1024;
export const IMPORT_MAX_ROWS = 2000;

export const IMPORT_COLUMNS = [
  "title_zh",
  "title_en",
  "category_slug",
  "unit",
  "spec_zh",
  "spec_en",
  "price_yuan",
  "stock",
  "description_zh",
  "description_en",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: ImportColumn[] = ["title_zh", "title_en", "category_slug", "unit", "spec_zh", "spec_en", "price_yuan", "stock"];

export class CsvSyntaxError extends Error {
  constructor(
    readonly code: "unclosed_quote" | "stray_quote",
    readonly line: number,
  ) {
    super(`${code} at line ${line}`);
  }
}

/** Parses CSV text into rows of fields. Throws CsvSyntaxError on an unclosed or stray quote. */
export function parseCsv(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (only a separator may follow the closing quote)
  const endField = () => {
    row.push(field);
    field = "";
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        wasQuoted = true;
        i++;
        continue;
      }
      if (c === "\n") line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== "" || wasQuoted) throw new CsvSyntaxError("stray_quote", line);
      quoted = true;
      i++;
      continue;
    }
    if (c === ",") {
      endField();
      i++;
      continue;
    }
    if (c === "\r" || c === "\n") {
      endRow();
      line++;
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    if (wasQuoted) throw new CsvSyntaxError("stray_quote", line);
    field += c;
    i++;
  }
  if (quoted) throw new CsvSyntaxError("unclosed_quote", line);
  if (field !== "" || wasQuoted || row.length > 0) endRow();
  // Blank lines (a lone empty field) carry nothing.
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** One field for a CSV file: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(rows: Array<Array<string | number>>): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

const cell = (max: number, required: boolean) =>
  required
    ? v.pipe(v.string(), v.trim(), v.nonEmpty("required"), v.maxLength(max, "too_long"))
    : v.pipe(v.string(), v.trim(), v.maxLength(max, "too_long"));

/** One CSV row, validated column by column (error messages are message keys). */
export const ImportRow = v.object({
  title_zh: cell(60, true),
  title_en: cell(120, true),
  category_slug: cell(40, true),
  unit: cell(8, true),
  spec_zh: cell(40, true),
  spec_en: cell(60, true),
  price_yuan: PriceYuan,
  stock: StockInput,
  description_zh: cell(2000, false),
  description_en: cell(4000, false),
});

export interface ImportError {
  /** 1-based line of the file as a spreadsheet shows it (the header is row 1). */
  row: number;
  column: string;
  code: string;
}

export interface ImportProduct {
  titleZh: string;
  titleEn: string;
  categoryId: string;
  unit: string;
  descriptionZh: string;
  descriptionEn: string;
  skus: Array<{ specZh: string; specEn: string; priceFen: number; stock: number }>;
}

/**
 * Validates a parsed file (header first) against the merchant's categories (slug → id) and groups
 * rows with the same title_zh into one product with several SKUs. Every problem is reported;
 * products come back only when there are none.
 */
export function validateImport(
  rows: string[][],
  categoryIdBySlug: ReadonlyMap<string, string>,
): { ok: true; products: ImportProduct[] } | { ok: false; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const [header, ...body] = rows;
  if (!header) return { ok: false, errors: [{ row: 1, column: "", code: "empty_file" }] };
  const names = header.map((h) => h.trim().toLowerCase());
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  for (const c of REQUIRED_COLUMNS) if (!index.has(c)) errors.push({ row: 1, column: c, code: "missing_column" });
  if (errors.length) return { ok: false, errors };
  if (body.length === 0) return { ok: false, errors: [{ row: 2, column: "", code: "no_rows" }] };
  if (body.length > IMPORT_MAX_ROWS) return { ok: false, errors: [{ row: IMPORT_MAX_ROWS + 2, column: "", code: "too_many_rows" }] };

  const byTitle = new Map<string, { product: ImportProduct; row: number; slug: string; specs: Set<string> }>();
  body.forEach((fields, i) => {
    const rowNo = i + 2;
    const record = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, index.has(c) ? (fields[index.get(c)!] ?? "") : ""]));
    const parsed = v.safeParse(ImportRow, record);
    const slug = (record.category_slug ?? "").trim();
    const categoryId = categoryIdBySlug.get(slug);
    if (!parsed.success) {
      for (const issue of parsed.issues) errors.push({ row: rowNo, column: String(issue.path?.[0]?.key ?? ""), code: issue.message });
    }
    if (slug && !categoryId) errors.push({ row: rowNo, column: "category_slug", code: "category_unknown" });
    if (!parsed.success || !categoryId) return;
    const r = parsed.output;
    const sku = { specZh: r.spec_zh, specEn: r.spec_en, priceFen: parseYuanToFen(r.price_yuan)!, stock: parseStock(r.stock)! };
    const seen = byTitle.get(r.title_zh);
    if (!seen) {
      byTitle.set(r.title_zh, {
        row: rowNo,
        slug: r.category_slug,
        specs: new Set([r.spec_zh]),
        product: { titleZh: r.title_zh, titleEn: r.title_en, categoryId, unit: r.unit, descriptionZh: r.description_zh, descriptionEn: r.description_en, skus: [sku] },
      });
      return;
    }
    // Later rows of a product repeat its product columns; they must agree with its first row.
    const p = seen.product;
    if (r.title_en !== p.titleEn) errors.push({ row: rowNo, column: "title_en", code: "product_mismatch" });
    if (r.category_slug !== seen.slug) errors.push({ row: rowNo, column: "category_slug", code: "product_mismatch" });
    if (r.unit !== p.unit) errors.push({ row: rowNo, column: "unit", code: "product_mismatch" });
    if (seen.specs.has(r.spec_zh)) errors.push({ row: rowNo, column: "spec_zh", code: "duplicate_spec" });
    else if (p.skus.length >= MAX_SKUS) errors.push({ row: rowNo, column: "spec_zh", code: "skus_too_many" });
    seen.specs.add(r.spec_zh);
    p.skus.push(sku);
  });
  return errors.length ? { ok: false, errors } : { ok: true, products: [...byTitle.values()].map((x) => x.product) };
}
