import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { AddressId, checkoutDefaults, deliveryAddressText, FulfilmentChoice, resolveFulfilment, type OwnedAddress } from "./fulfilment";

const home: OwnedAddress = { id: "adr_home0000000000000000", recipientName: "小美", phone: "13800000101", region: "上海市 浦东新区", detail: "锦绣路 1888 弄 3 号 502 室" };
const office: OwnedAddress = { id: "adr_office00000000000000", recipientName: "小美", phone: "13800000101", region: "上海市 徐汇区", detail: "  龙华中路 600 号 8 楼 " };

describe("resolveFulfilment", () => {
  it("a pickup needs no address, even at a point that delivers", () => {
    expect(resolveFulfilment({ method: "pickup", pointOffersDoorDelivery: true, owned: [home] })).toEqual({ ok: true, value: { method: "pickup" } });
    expect(resolveFulfilment({ method: "pickup", addressId: "adr_nope0000000000000000", pointOffersDoorDelivery: false, owned: [] })).toEqual({ ok: true, value: { method: "pickup" } });
  });

  it("a door delivery snapshots the chosen address: name, phone and one line of address text", () => {
    const r = resolveFulfilment({ method: "door", addressId: office.id, pointOffersDoorDelivery: true, owned: [home, office] });
    expect(r).toEqual({ ok: true, value: { method: "door", delivery: { recipientName: "小美", phone: "13800000101", address: "上海市 徐汇区 龙华中路 600 号 8 楼" } } });
  });

  it("refuses door delivery where the point does not offer it, on the fulfilment field", () => {
    expect(resolveFulfilment({ method: "door", addressId: home.id, pointOffersDoorDelivery: false, owned: [home] })).toEqual({
      ok: false,
      error: { code: "door_delivery_unavailable", field: "fulfilment" },
    });
  });

  it("needs an address, and only one of the shopper's own (anyone else's is not found)", () => {
    expect(resolveFulfilment({ method: "door", pointOffersDoorDelivery: true, owned: [home] })).toEqual({ ok: false, error: { code: "delivery_address_required", field: "addressId" } });
    expect(resolveFulfilment({ method: "door", addressId: null, pointOffersDoorDelivery: true, owned: [home] })).toEqual({ ok: false, error: { code: "delivery_address_required", field: "addressId" } });
    expect(resolveFulfilment({ method: "door", addressId: office.id, pointOffersDoorDelivery: true, owned: [home] })).toEqual({ ok: false, error: { code: "address_not_found", field: "addressId" } });
    expect(resolveFulfilment({ method: "door", addressId: home.id, pointOffersDoorDelivery: true, owned: [] })).toEqual({ ok: false, error: { code: "address_not_found", field: "addressId" } });
  });
});

describe("deliveryAddressText", () => {
  it("joins region and detail, trimmed, without doubled spaces for an empty part", () => {
    expect(deliveryAddressText({ region: " 上海市 静安区 ", detail: "延平路 99 弄 5 号" })).toBe("上海市 静安区 延平路 99 弄 5 号");
    expect(deliveryAddressText({ region: "", detail: "延平路 99 弄" })).toBe("延平路 99 弄");
  });
});

describe("checkoutDefaults", () => {
  const list = [
    { id: home.id, isDefault: false },
    { id: office.id, isDefault: true },
  ];
  it("collects at the point unless door delivery is asked for, offered and possible", () => {
    expect(checkoutDefaults({ pointOffersDoorDelivery: true, addresses: list }).method).toBe("pickup");
    expect(checkoutDefaults({ method: "door", pointOffersDoorDelivery: true, addresses: list }).method).toBe("door");
    expect(checkoutDefaults({ method: "door", pointOffersDoorDelivery: false, addresses: list }).method).toBe("pickup");
    expect(checkoutDefaults({ method: "door", pointOffersDoorDelivery: true, addresses: [] })).toEqual({ method: "pickup", addressId: null });
    expect(checkoutDefaults({ method: "teleport", pointOffersDoorDelivery: true, addresses: list }).method).toBe("pickup");
  });

  it("pre-selects the address asked for if it is the shopper's, else the default, else the first", () => {
    expect(checkoutDefaults({ addressId: home.id, pointOffersDoorDelivery: true, addresses: list }).addressId).toBe(home.id);
    expect(checkoutDefaults({ addressId: "adr_someoneelse000000000", pointOffersDoorDelivery: true, addresses: list }).addressId).toBe(office.id);
    expect(checkoutDefaults({ pointOffersDoorDelivery: true, addresses: [{ id: home.id, isDefault: false }] }).addressId).toBe(home.id);
  });
});

describe("input schemas", () => {
  it("defaults to pickup and refuses unknown methods", () => {
    expect(v.parse(FulfilmentChoice, undefined)).toBe("pickup");
    expect(v.parse(FulfilmentChoice, "door")).toBe("door");
    const bad = v.safeParse(FulfilmentChoice, "drone");
    expect(bad.success).toBe(false);
    expect(bad.issues?.[0]?.message).toBe("fulfilment_invalid");
  });

  it("takes only address ids", () => {
    expect(v.safeParse(AddressId, home.id).success).toBe(true);
    for (const bad of ["adr_short", "usr_demoshopper010000000", "adr_AAAAAAAAAAAAAAAAAAAA", 5]) expect(v.safeParse(AddressId, bad).success, String(bad)).toBe(false);
  });
});
