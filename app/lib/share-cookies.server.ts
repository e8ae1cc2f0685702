import { randomBase32 } from "./ids";
import { readCookie } from "./preferences.server";

/**
 * Share rewards' two cookies (ADR 023), both HttpOnly (no script needs them) and SameSite=Lax (set
 * on a top-level navigation from a chat app). No catalogue page reads either, so the edge cache
 * treats them as neutral (app/lib/edge-cache.server.ts): a visitor from a share link still gets
 * cached pages.
 *
 * - `tg_share`: the share code of the shopper whose link the visitor came through, 7 days (like the
 *   leader attribution). Checkout records the sharer on the order.
 * - `tg_dev`: a random device id, 2 years. Only its keyed hash is stored (user_devices), written at
 *   sign-in, arrival, checkout and when a share link is made; accounts that used one device form a
 *   cluster the share rewards treat as one person.
 */
export const SHARER_COOKIE = "tg_share";
export const SHARER_MAX_AGE_S = 7 * 24 * 60 * 60;
export const DEVICE_COOKIE = "tg_dev";
export const DEVICE_MAX_AGE_S = 2 * 365 * 24 * 60 * 60;

export const SHARE_CODE = /^[0-9a-hjkmnp-tv-z]{10}$/;
const DEVICE_ID = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function readSharerCookie(request: Request): string | undefined {
  const value = readCookie(request, SHARER_COOKIE);
  return value && SHARE_CODE.test(value) ? value : undefined;
}

export function sharerCookie(code: string, secure: boolean): string {
  return `${SHARER_COOKIE}=${code}; Path=/; Max-Age=${SHARER_MAX_AGE_S}; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}

export function readDeviceCookie(request: Request): string | undefined {
  const value = readCookie(request, DEVICE_COOKIE);
  return value && DEVICE_ID.test(value) ? value : undefined;
}

export function newDeviceId(): string {
  return randomBase32(26);
}

export function deviceCookie(deviceId: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${deviceId}; Path=/; Max-Age=${DEVICE_MAX_AGE_S}; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}

/** The request's device id, or a new one with the cookie that keeps it (to send with the response). */
export function ensureDeviceId(request: Request, secure: boolean): { deviceId: string; setCookie: string | null } {
  const known = readDeviceCookie(request);
  if (known) return { deviceId: known, setCookie: null };
  const deviceId = newDeviceId();
  return { deviceId, setCookie: deviceCookie(deviceId, secure) };
}
