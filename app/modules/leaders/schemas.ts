import * as v from "valibot";
import { parsePickupCode } from "./handover";

/** Form and API schemas of the leader's Today and hand-over (no server imports). */

const ORDER_ID = /^ord_[0-9a-z]{20}$/;
const LINE_ID = /^oli_[0-9a-z]{20}$/;
/** The device's id for one hand-over: a UUID from the page, or an API client's Idempotency-Key. */
export const CLIENT_REF = /^[\x21-\x7e]{8,64}$/;

/** A pickup code as scanned or typed (the QR payload, spaces, full-width digits) → its 8 digits. */
export const PickupCodeField = v.pipe(
  v.string("code_required"),
  v.trim(),
  v.nonEmpty("code_required"),
  v.check((s) => parsePickupCode(s) !== null, "code_invalid"),
  v.transform((s) => parsePickupCode(s)!),
);

export const HandoverLines = v.pipe(
  v.array(
    v.object({
      lineId: v.pipe(v.string("line_unknown"), v.regex(LINE_ID, "line_unknown")),
      quantity: v.pipe(v.number("quantity_invalid"), v.integer("quantity_invalid"), v.minValue(0, "quantity_invalid"), v.maxValue(9999, "quantity_invalid")),
    }),
    "nothing_selected",
  ),
  v.minLength(1, "nothing_selected"),
  v.maxLength(200, "nothing_selected"),
);

/** The typed-code form (works without JavaScript): look the code up, then confirm. */
export const LookupForm = v.object({
  intent: v.literal("lookup", "intent_invalid"),
  code: PickupCodeField,
});

/** The no-JavaScript confirm form: the code again, the quantities, and the clientRef the lookup issued. */
export const HandoverForm = v.object({
  intent: v.literal("handover", "intent_invalid"),
  code: PickupCodeField,
  clientRef: v.pipe(v.string("client_ref_invalid"), v.regex(CLIENT_REF, "client_ref_invalid")),
  lines: HandoverLines,
});

/** POST /api/v1/leader/pickups (the page's confirm and offline sync use it too). */
export const HandoverBody = v.pipe(
  v.object({
    code: v.optional(
      v.pipe(v.string(), v.regex(/^\d{8}$/, "code_invalid"), v.description("The 8-digit pickup code (scanned from TG-PICKUP:<code> or typed)")),
    ),
    orderId: v.optional(v.pipe(v.string(), v.regex(ORDER_ID, "order_invalid"), v.description("The order, when not handing over by code"))),
    lines: v.optional(
      v.pipe(
        HandoverLines,
        v.description("What is collected now, per order line (0 = not this time; lines left out are not collected). Absent: every remaining unit."),
      ),
    ),
    handedAt: v.optional(
      v.pipe(v.number("handed_at_invalid"), v.integer("handed_at_invalid"), v.minValue(0, "handed_at_invalid"), v.description("When it happened on the device (UTC epoch ms); defaults to now")),
    ),
    offline: v.optional(v.pipe(v.boolean(), v.description("The device recorded it offline and is syncing it now"))),
  }),
  v.forward(
    v.check((b) => b.code !== undefined || b.orderId !== undefined, "code_required"),
    ["code"],
  ),
);
export type HandoverBody = v.InferOutput<typeof HandoverBody>;

export const TodayQuery = v.object({
  date: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, "date_invalid"), v.description("A past day (YYYY-MM-DD, Asia/Shanghai, one of the last 14); absent: the current cycle"))),
});
