import * as v from "valibot";
import type { PRODUCT_STATUSES } from "~/db/schema/catalog";

/**
 * The merchant's catalogue: form schemas (shared by the browser and the server), exact yuan → fen
 * parsing and the review rules. Pure: no db, no Request.
 *
 * Review rules (SPEC §4, §5):
 * - draft / rejected: everything may be edited; "submit" sends it to the review queue
 *   (pending_review, submittedAt). A rejected product shows the reason and may be resubmitted.
 * - pending_review: content is locked while the admin looks at it (price/stock still move).
 * - on_shelf / off_shelf (approved): price, stock and a SKU's active switch change at once, no
 *   review (the storefront shows them immediately, with the price history written). A content
 *   change — title, description, category, unit, a SKU's spec, a new SKU, images — sends the
 *   product back to the review queue and off the storefront until the admin approves it again
 *   (there is no shadow copy of the old content to keep showing meanwhile).
 * - The merchant takes an on-shelf product off the shelf and puts an off-shelf one back.
 */
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** The list page's status filter (in the URL). */
export const PRODUCT_FILTERS = ["all", "draft", "pending_review", "rejected", "on_shelf", "off_shelf"] as const;
export type ProductFilter = (typeof PRODUCT_FILTERS)[number];

export const MAX_SKUS = 20;
export const MAX_IMAGES = 6;
/** Largest price a merchant may enter: ¥999,999.99. */
export const MAX_PRICE_FEN = 99_999_999;
export const MAX_STOCK = 1_000_000;

/**
 * "12", "12.3", "12.30", "0.05" → fen as an integer, parsed from the digits (never through a
 * float). Anything else (negative, 3 decimals, exponent, empty, too large) → null.
 */
export function parseYuanToFen(input: string): number | null {
  const m = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(input.trim());
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen <= MAX_PRICE_FEN ? fen : null;
}

/** Fen → "12.30", the inverse of parseYuanToFen for form fields (integer arithmetic only). */
export function fenToYuanInput(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

export function parseStock(input: string): number | null {
  const s = input.trim();
  if (!/^\d{1,7}$/.test(s)) return null;
  const n = Number(s);
  return n <= MAX_STOCK ? n : null;
}

const text = (max: number, required: string) =>
  v.pipe(v.string(required), v.trim(), v.nonEmpty(required), v.maxLength(max, "too_long"));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, "too_long")));

export const PriceYuan = v.pipe(
  v.string("price_required"),
  v.trim(),
  v.nonEmpty("price_required"),
  v.check((s) => parseYuanToFen(s) !== null, "price_invalid"),
  v.check((s) => parseYuanToFen(s) !== 0, "price_zero"),
);
export const StockInput = v.pipe(v.string("stock_required"), v.trim(), v.nonEmpty("stock_required"), v.check((s) => parseStock(s) !== null, "stock_invalid"));

export const SkuRowInput = v.object({
  id: v.optional(v.pipe(v.string(), v.regex(/^sku_[0-9a-z]{20}$/, "invalid"))),
  specZh: text(40, "spec_required"),
  specEn: text(60, "spec_required"),
  priceYuan: PriceYuan,
  stock: StockInput,
  active: v.optional(v.picklist(["on"])),
});
export type SkuRowInput = v.InferOutput<typeof SkuRowInput>;

/** The product form (new and edit). Price as yuan text, converted exactly on the server. */
export const ProductInput = v.object({
  titleZh: text(60, "title_required"),
  titleEn: text(120, "title_required"),
  descriptionZh: optionalText(2000),
  descriptionEn: optionalText(4000),
  categoryId: v.pipe(v.string("category_required"), v.regex(/^cat_[0-9a-z_]+$/, "category_required")),
  unit: text(8, "unit_required"),
  skus: v.pipe(v.array(SkuRowInput, "skus_required"), v.minLength(1, "skus_required"), v.maxLength(MAX_SKUS, "skus_too_many")),
});
export type ProductInput = v.InferOutput<typeof ProductInput>;

export const RejectInput = v.object({
  productId: v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "invalid")),
  reason: text(200, "reason_required"),
});

/** Which intents each status allows on the product page. */
export function allowedActions(status: ProductStatus, approvedBefore: boolean) {
  return {
    editContent: status !== "pending_review",
    submit: status === "draft" || status === "rejected",
    takeOff: status === "on_shelf",
    putOn: status === "off_shelf" && approvedBefore,
    resubmitFromOff: status === "off_shelf" && !approvedBefore,
  };
}

export interface ContentSnapshot {
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  categoryId: string;
  unit: string;
  skus: Array<{ id: string; specZh: string; specEn: string }>;
}

/** Whether an edit changes what the reviewer approved (anything but price, stock and active). */
export function isContentChange(before: ContentSnapshot, after: ContentSnapshot): boolean {
  const keys = ["titleZh", "titleEn", "descriptionZh", "descriptionEn", "categoryId", "unit"] as const;
  if (keys.some((k) => before[k] !== after[k])) return true;
  const old = new Map(before.skus.map((s) => [s.id, s]));
  return after.skus.some((s) => {
    const was = old.get(s.id);
    return !was || was.specZh !== s.specZh || was.specEn !== s.specEn;
  });
}

/** The status after a content edit: approved products go back to the review queue. */
export function statusAfterContentEdit(status: ProductStatus): ProductStatus {
  return status === "on_shelf" || status === "off_shelf" ? "pending_review" : status;
}

/** Bulk edit: one row per SKU, `price.<skuId>` and `stock.<skuId>` fields. */
export interface BulkRow {
  skuId: string;
  priceYuan: string;
  stock: string;
}
export type BulkRowError = { skuId: string; field: "price" | "stock"; code: string };

export function validateBulkRows(rows: BulkRow[]): { ok: true; value: Array<{ skuId: string; priceFen: number; stock: number }> } | { ok: false; errors: BulkRowError[] } {
  const errors: BulkRowError[] = [];
  const value: Array<{ skuId: string; priceFen: number; stock: number }> = [];
  for (const r of rows) {
    const price = v.safeParse(PriceYuan, r.priceYuan);
    const stock = v.safeParse(StockInput, r.stock);
    if (!price.success) errors.push({ skuId: r.skuId, field: "price", code: price.issues[0].message });
    if (!stock.success) errors.push({ skuId: r.skuId, field: "stock", code: stock.issues[0].message });
    if (price.success && stock.success) value.push({ skuId: r.skuId, priceFen: parseYuanToFen(price.output)!, stock: parseStock(stock.output)! });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

/** Reads the bulk form: every `price.<id>` with its `stock.<id>`. */
export function bulkRowsFromForm(form: FormData): BulkRow[] {
  const rows: BulkRow[] = [];
  for (const [name, value] of form) {
    const m = /^price\.(sku_[0-9a-z]{20})$/.exec(name);
    if (!m) continue;
    rows.push({ skuId: m[1]!, priceYuan: String(value), stock: String(form.get(`stock.${m[1]}`) ?? "") });
  }
  return rows;
}
