import * as v from "valibot";

/** Response schemas of the leader endpoints (documentation in the OpenAPI document). */

const Ms = (what: string) => v.pipe(v.number(), v.integer(), v.description(`${what} (UTC epoch ms)`));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const TodayResponse = v.object({
  now: Ms("The server's time"),
  cycle: v.object({
    kind: v.pipe(v.picklist(["current", "past"]), v.description("current: paid orders not locked yet; past: what that day's cut-off locked")),
    businessDate: v.pipe(v.string(), v.description("The cut-off's business date (YYYY-MM-DD, Asia/Shanghai)")),
    deliveryDate: v.pipe(v.string(), v.description("The day the goods arrive at the point")),
    cutoffAt: Ms("The cut-off (for the current cycle: the next one)"),
  }),
  counts: v.object({ orders: Count, items: Count, awaitingPickup: Count, collected: Count }),
  products: v.array(v.object({ skuId: v.string(), title: v.string(), spec: v.string(), quantity: Count })),
  awaiting: v.array(
    v.object({
      orderId: v.string(),
      customerName: v.string(),
      phoneMasked: v.nullable(v.string()),
      phone: v.nullable(v.pipe(v.string(), v.description("The customer's number, for calling (the point's leader only)"))),
      door: v.boolean(),
      address: v.nullable(v.pipe(v.string(), v.description("Door delivery: where to take it"))),
      readySince: Ms("When the goods arrived at the point"),
      lines: v.array(v.object({ title: v.string(), spec: v.string(), remaining: Count })),
    }),
  ),
  dates: v.pipe(v.array(v.string()), v.description("Past days the history offers (?date=), newest first")),
});

const ListLine = v.object({
  lineId: v.string(),
  title: v.string(),
  spec: v.string(),
  remaining: v.pipe(Count, v.description("Units still to hand over")),
  owed: v.pipe(Count, v.description("Units bought less refunded")),
});

export const PickupListResponse = v.object({
  pickupPointId: v.string(),
  generatedAt: Ms("When the list was made"),
  orders: v.array(
    v.object({
      orderId: v.string(),
      digest: v.pipe(v.string(), v.description("SHA-256 hex of `<pickupPointId>:<code>`: hash a scanned code the same way to find its order offline")),
      customerName: v.string(),
      phoneMasked: v.nullable(v.string()),
      door: v.boolean(),
      readySince: Ms("When the goods arrived"),
      lines: v.array(ListLine),
    }),
  ),
  others: v.pipe(
    v.array(v.object({ digest: v.string(), refusal: v.picklist(["not_arrived", "already_collected"]) })),
    v.description("Codes of the point's orders that cannot be handed over now, and why"),
  ),
  recorded: v.pipe(v.array(v.string()), v.description("clientRefs (Idempotency-Keys) of hand-overs recorded in the last three days (never applied twice on the device)")),
});

export const PickupLookupResponse = v.object({
  order: v.object({
    orderId: v.string(),
    status: v.string(),
    customerName: v.string(),
    phoneMasked: v.nullable(v.string()),
    door: v.boolean(),
    readySince: v.nullable(Ms("When the goods arrived")),
    lines: v.array(ListLine),
    refusal: v.nullable(
      v.pipe(
        v.picklist(["already_collected", "not_arrived", "order_refunding", "order_refunded", "order_cancelled"]),
        v.description("Why it cannot be handed over now; null when it can"),
      ),
    ),
  }),
});

export const HandoverResponse = v.object({
  handover: v.object({
    id: v.string(),
    clientRef: v.pipe(v.string(), v.description("The Idempotency-Key (or one the server made)")),
    orderId: v.string(),
    lines: v.array(v.object({ lineId: v.string(), quantity: Count })),
    handedAt: Ms("When it happened"),
    offline: v.boolean(),
    completed: v.pipe(v.boolean(), v.description("This hand-over collected the last units: the order is picked up")),
    replayed: v.pipe(v.boolean(), v.description("The key had been used: the original outcome, nothing changed")),
  }),
  order: v.object({
    id: v.string(),
    status: v.string(),
    remaining: v.array(v.object({ lineId: v.string(), remaining: Count })),
  }),
});

export const ArrivalBody = v.object({
  items: v.pipe(
    v.array(
      v.object({
        skuId: v.pipe(v.string("sku_required"), v.regex(/^sku_[0-9a-z]{20}$/, "sku_invalid")),
        received: v.pipe(v.number("received_required"), v.integer("received_invalid"), v.minValue(0, "received_invalid"), v.maxValue(100_000, "received_invalid")),
        note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "note_too_long"))),
      }),
      "items_required",
    ),
    v.minLength(1, "items_required"),
    v.maxLength(500, "items_required"),
    v.description("Every SKU of the batch with the count received; a shortage may carry a note"),
  ),
});

export const ArrivalResponse = v.object({
  batchId: v.string(),
  shortageQty: v.pipe(Count, v.description("Units short in all (refunded to the affected orders)")),
  refundIds: v.array(v.string()),
});
