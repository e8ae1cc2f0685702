import * as v from "valibot";

/** Form and query schemas of the fulfilment pages (shared by components: no server imports). */
export const BATCH_ID = /^dlb_[0-9a-z]{20}$/;
export const SKU_ID = /^sku_[0-9a-z]{20}$/;

export const DateQuery = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, "date_invalid"));

export const ShipBatchInput = v.object({
  intent: v.literal("ship", "intent_invalid"),
  batchId: v.pipe(v.string("batch_required"), v.regex(BATCH_ID, "batch_invalid")),
});

export const ConfirmArrivalInput = v.object({
  intent: v.literal("confirm-arrival", "intent_invalid"),
  batchId: v.pipe(v.string("batch_required"), v.regex(BATCH_ID, "batch_invalid")),
  items: v.pipe(
    v.array(
      v.object({
        skuId: v.pipe(v.string("sku_required"), v.regex(SKU_ID, "sku_invalid")),
        received: v.pipe(v.number("received_required"), v.integer("received_invalid"), v.minValue(0, "received_invalid"), v.maxValue(100_000, "received_invalid")),
        note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "note_too_long"))),
      }),
      "items_required",
    ),
    v.minLength(1, "items_required"),
    v.maxLength(500, "items_required"),
  ),
});
export type ConfirmArrivalInput = v.InferOutput<typeof ConfirmArrivalInput>;

export const RunCutoffInput = v.object({
  intent: v.literal("run-cutoff", "intent_invalid"),
  businessDate: v.pipe(v.string("date_required"), v.regex(/^\d{4}-\d{2}-\d{2}$/, "date_invalid")),
});
