import * as v from "valibot";
import { DisplayName, Phone } from "~/modules/identity/schemas";

/** The address form (validated in the browser and on the server). */
export const AddressInput = v.object({
  recipientName: DisplayName,
  phone: Phone,
  region: v.pipe(v.string("region_required"), v.trim(), v.nonEmpty("region_required"), v.maxLength(60, "area_too_long")),
  detail: v.pipe(v.string("address_required"), v.trim(), v.nonEmpty("address_required"), v.maxLength(120, "address_too_long")),
  isDefault: v.optional(v.picklist(["on", "true"])),
});
export type AddressInput = v.InferOutput<typeof AddressInput>;
