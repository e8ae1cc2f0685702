import * as v from "valibot";

/** Cart limits and field schemas (browser-safe; used by forms and the server). */
export const MAX_LINE_QUANTITY = 99;
export const MAX_CART_LINES = 50;

export const SkuId = v.pipe(v.string("sku_required"), v.regex(/^sku_[0-9a-z]{20}$/, "sku_invalid"));
export const Quantity = v.pipe(
  v.string("quantity_required"),
  v.regex(/^\d{1,3}$/, "quantity_invalid"),
  v.transform(Number),
  v.maxValue(MAX_LINE_QUANTITY, "quantity_too_large"),
);
