import * as v from "valibot";
import { Phone } from "~/modules/identity/schemas";

/** The merchant profile form (validated in the browser and on the server). */
export const UpdateMerchantProfileInput = v.object({
  contactName: v.pipe(v.string("name_required"), v.trim(), v.nonEmpty("name_required"), v.maxLength(40, "name_too_long")),
  contactPhone: Phone,
  description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, "text_too_long"))),
});
export type UpdateMerchantProfileInput = v.InferOutput<typeof UpdateMerchantProfileInput>;
