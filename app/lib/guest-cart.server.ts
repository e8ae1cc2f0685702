import type { CartQuantities } from "~/modules/cart/cart.server";
import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "~/modules/cart/cart.server";
import { readCookie } from "./preferences.server";

/**
 * A guest's cart rides in a cookie: "skuId:qty,skuId:qty". Only ids and quantities — prices and
 * availability always come from D1 — so a tampered cookie can only change the guest's own cart.
 */
export const GUEST_CART_COOKIE = "tg_cart";

export function readGuestCart(request: Request): CartQuantities {
  const raw = readCookie(request, GUEST_CART_COOKIE) ?? "";
  const seen = new Map<string, number>();
  for (const part of raw.split(",").slice(0, MAX_CART_LINES)) {
    const m = /^(sku_[0-9a-z]{20}):(\d{1,3})$/.exec(part);
    if (!m) continue;
    const q = Math.min(MAX_LINE_QUANTITY, Number(m[2]));
    if (q > 0) seen.set(m[1]!, q);
  }
  return [...seen].map(([skuId, quantity]) => ({ skuId, quantity }));
}

export function guestCartCookie(items: CartQuantities, secure: boolean): string {
  const value = items
    .filter((i) => i.quantity > 0)
    .slice(0, MAX_CART_LINES)
    .map((i) => `${i.skuId}:${Math.min(MAX_LINE_QUANTITY, i.quantity)}`)
    .join(",");
  const maxAge = value ? 60 * 60 * 24 * 30 : 0;
  return `${GUEST_CART_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}

export function changeGuestCart(items: CartQuantities, skuId: string, quantity: number, mode: "add" | "set"): CartQuantities {
  const next = items.filter((i) => i.skuId !== skuId);
  const current = items.find((i) => i.skuId === skuId)?.quantity ?? 0;
  const q = Math.min(MAX_LINE_QUANTITY, mode === "add" ? current + quantity : quantity);
  if (q > 0) next.push({ skuId, quantity: q });
  return next.slice(-MAX_CART_LINES);
}
