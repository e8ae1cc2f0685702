import { eq, sql } from "drizzle-orm";
import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { pickupPoints } from "~/db/schema";
import { decryptField, encryptField, maskAddress, maskPhone } from "~/lib/field-crypto.server";
import { normalisePhone } from "~/modules/identity/schemas";
import { PickupHours, type UpdatePickupPointInput } from "./schemas";

export function parseHours(json: string): PickupHours {
  const parsed = v.safeParse(PickupHours, JSON.parse(json));
  return parsed.success ? parsed.output : { open: "08:00", close: "21:00" };
}

export interface PickupPointOwnerView {
  id: string;
  name: string;
  area: string;
  address: string;
  contactPhone: string;
  lat: number;
  lng: number;
  hours: PickupHours;
  status: string;
}

/** The leader's own view: full address and phone (the owner needs them). */
export async function getOwnPickupPointView(ctx: AppContext, point: typeof pickupPoints.$inferSelect): Promise<PickupPointOwnerView> {
  return {
    id: point.id,
    name: point.name,
    area: point.area,
    address: await decryptField(ctx.env, "address", point.addressEnc),
    contactPhone: await decryptField(ctx.env, "contact_phone", point.contactPhoneEnc),
    lat: point.lat,
    lng: point.lng,
    hours: parseHours(point.hours),
    status: point.status,
  };
}

/** The public view (shoppers, other roles): the street shown, the door and phone masked. */
export async function getPublicPickupPointView(ctx: AppContext, point: typeof pickupPoints.$inferSelect) {
  return {
    id: point.id,
    name: point.name,
    area: point.area,
    addressMasked: maskAddress(await decryptField(ctx.env, "address", point.addressEnc)),
    contactPhoneMasked: maskPhone(await decryptField(ctx.env, "contact_phone", point.contactPhoneEnc)),
    hours: parseHours(point.hours),
  };
}

export async function updatePickupPoint(ctx: AppContext, pointId: string, input: UpdatePickupPointInput): Promise<void> {
  await ctx.db
    .update(pickupPoints)
    .set({
      name: input.name,
      area: input.area,
      addressEnc: await encryptField(ctx.env, "address", input.address),
      contactPhoneEnc: await encryptField(ctx.env, "contact_phone", normalisePhone(input.contactPhone)),
      // Only the times change here: other keys of the hours (the opening days) are kept.
      hours: sql`json_set(${pickupPoints.hours}, '$.open', ${input.open}, '$.close', ${input.close})`,
      updatedAt: Date.now(),
    })
    .where(eq(pickupPoints.id, pointId));
}
