import { readCookie } from "./preferences.server";

export const PICKUP_COOKIE = "tg_pickup";

export function readPickupCookie(request: Request): string | undefined {
  return readCookie(request, PICKUP_COOKIE);
}

export function pickupCookie(pickupPointId: string, secure: boolean): string {
  return `${PICKUP_COOKIE}=${pickupPointId}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}
