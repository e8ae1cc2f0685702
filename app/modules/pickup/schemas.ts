import * as v from "valibot";
import { Phone } from "~/modules/identity/schemas";

const Time = v.pipe(v.string("time_required"), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time_invalid"));

export const PickupHours = v.pipe(
  v.object({ open: Time, close: Time }),
  v.forward(
    v.check((h) => h.open < h.close, "hours_order"),
    ["close"],
  ),
);
export type PickupHours = v.InferOutput<typeof PickupHours>;

export const UpdatePickupPointInput = v.pipe(
  v.object({
    name: v.pipe(v.string("name_required"), v.trim(), v.nonEmpty("name_required"), v.maxLength(40, "name_too_long")),
    area: v.pipe(v.string("area_required"), v.trim(), v.nonEmpty("area_required"), v.maxLength(60, "area_too_long")),
    address: v.pipe(v.string("address_required"), v.trim(), v.nonEmpty("address_required"), v.maxLength(120, "address_too_long")),
    contactPhone: Phone,
    open: Time,
    close: Time,
  }),
  v.forward(
    v.check((i) => i.open < i.close, "hours_order"),
    ["close"],
  ),
);
export type UpdatePickupPointInput = v.InferOutput<typeof UpdatePickupPointInput>;
