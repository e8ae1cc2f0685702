import * as v from "valibot";
import { FULFILMENT_METHODS } from "~/db/enums";
import { fail, ok, type Result } from "~/lib/result";

export { FULFILMENT_METHODS };
export type FulfilmentMethod = (typeof FULFILMENT_METHODS)[number];

/** The fulfilment choice as forms and the API send it; the address is checked against the owner later. */
export const FulfilmentChoice = v.optional(v.picklist(FULFILMENT_METHODS, "fulfilment_invalid"), "pickup");
export const AddressId = v.pipe(v.string("address_not_found"), v.regex(/^adr_[0-9a-z]{20}$/, "address_not_found"));

export type FulfilmentError = "door_delivery_unavailable" | "delivery_address_required" | "address_not_found";

/** The saved address as placement sees it (decrypted, owned by the shopper placing the order). */
export interface OwnedAddress {
  id: string;
  recipientName: string;
  phone: string;
  region: string;
  detail: string;
}

/** What the order stores: nothing for a pickup, the address snapshot for a door delivery. */
export type Fulfilment =
  | { method: "pickup" }
  | { method: "door"; delivery: { recipientName: string; phone: string; address: string } };

/** One line of address text, as the leader reads it at the door: region, then street and door. */
export function deliveryAddressText(address: Pick<OwnedAddress, "region" | "detail">): string {
  return [address.region.trim(), address.detail.trim()].filter(Boolean).join(" ");
}

/**
 * Decides the order's fulfilment (pure): a pickup needs nothing; a door delivery needs a point
 * that offers it and one of the shopper's own addresses (`owned` holds only those, so another
 * user's address id is simply not found). Errors name the form/API field they belong to.
 */
export function resolveFulfilment(input: {
  method: FulfilmentMethod;
  addressId?: string | null;
  pointOffersDoorDelivery: boolean;
  owned: readonly OwnedAddress[];
}): Result<Fulfilment, FulfilmentError> {
  if (input.method === "pickup") return ok({ method: "pickup" });
  if (!input.pointOffersDoorDelivery) return fail("door_delivery_unavailable", "fulfilment");
  if (!input.addressId) return fail("delivery_address_required", "addressId");
  const address = input.owned.find((a) => a.id === input.addressId);
  if (!address) return fail("address_not_found", "addressId");
  return ok({ method: "door", delivery: { recipientName: address.recipientName, phone: address.phone, address: deliveryAddressText(address) } });
}

/**
 * What the checkout pre-selects: the method asked for (door only where offered), and the address
 * asked for if it is still one of the shopper's, else the default (listed first), else none.
 */
export function checkoutDefaults(input: {
  method?: string | null;
  addressId?: string | null;
  pointOffersDoorDelivery: boolean;
  addresses: ReadonlyArray<{ id: string; isDefault: boolean }>;
}): { method: FulfilmentMethod; addressId: string | null } {
  const method: FulfilmentMethod = input.method === "door" && input.pointOffersDoorDelivery && input.addresses.length > 0 ? "door" : "pickup";
  const asked = input.addresses.find((a) => a.id === input.addressId);
  const fallback = input.addresses.find((a) => a.isDefault) ?? input.addresses[0];
  return { method, addressId: (asked ?? fallback)?.id ?? null };
}
