import { readCookie } from "./preferences.server";

/**
 * The leader attribution of a visitor who arrived through a leader's share link (/r/<code>):
 * the pickup point's id, for 7 days. Checkout records it on the order (orders.referral_point_id)
 * when it still names an active point. HttpOnly (no script needs it), SameSite=Lax (it is set on
 * a top-level navigation from a chat app). No catalogue page reads it, so the edge cache ignores
 * it (app/lib/edge-cache.server.ts).
 */
export const ATTRIBUTION_COOKIE = "tg_ref";
export const ATTRIBUTION_MAX_AGE_S = 7 * 24 * 60 * 60;

export function readAttributionCookie(request: Request): string | undefined {
  const value = readCookie(request, ATTRIBUTION_COOKIE);
  return value && /^pkp_[0-9a-z]{20}$/.test(value) ? value : undefined;
}

export function attributionCookie(pickupPointId: string, secure: boolean): string {
  return `${ATTRIBUTION_COOKIE}=${pickupPointId}; Path=/; Max-Age=${ATTRIBUTION_MAX_AGE_S}; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}
