import { isbot } from "isbot";
import type { AppContext } from "~/context.server";
import { analyticsEvents, type AnalyticsEventKind } from "~/db/schema";
import { fromBase64, toBase64Url } from "~/lib/encoding";
import { randomBase32 } from "~/lib/ids";
import { readCookie } from "~/lib/preferences.server";
import { businessDateOf, dayEnd } from "./dates";

/**
 * First-party behaviour capture for the funnel (SPEC §5), with no third party and nothing that
 * identifies a person:
 * - No IP address, no user agent, no user id is stored. An event holds its kind, the Shanghai
 *   day, a visitor hash, the path (no query string) and the product or SKU it concerns.
 * - The visitor is a random first-party cookie (`tg_vid`: 130 random bits, HttpOnly,
 *   SameSite=Lax, Secure on https) that expires at the next Shanghai midnight. What is stored is
 *   HMAC-SHA-256(day + cookie) under a key derived from the server's LOOKUP_KEY (HKDF, its own
 *   label), so the same browser gives unrelated hashes on different days and nobody holding the
 *   table (or the cookie) can follow a visitor from one day to the next.
 * - `Sec-GPC: 1` (Global Privacy Control) or `DNT: 1` means no capture at all, and a visitor
 *   cookie set earlier is removed. Bots (isbot; a request without a user agent is no browser
 *   either) and speculative prefetches are not captured.
 * The user agent is read only to recognise bots; it is never written anywhere.
 */
export const VISITOR_COOKIE = "tg_vid";
const VISITOR_RE = /^[0-9a-z]{26}$/;

export type CaptureRefusal = "opted_out" | "bot" | "prefetch";

/** Why this request must not be captured, or null when it may. */
export function captureRefusal(request: Request): CaptureRefusal | null {
  const h = request.headers;
  if (h.get("Sec-GPC")?.trim() === "1" || h.get("DNT")?.trim() === "1") return "opted_out";
  const ua = h.get("User-Agent") ?? "";
  if (ua.trim() === "" || isbot(ua)) return "bot";
  if (/prefetch|prerender/i.test(`${h.get("Sec-Purpose") ?? ""} ${h.get("Purpose") ?? ""}`)) return "prefetch";
  return null;
}

function visitorCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${VISITOR_COOKIE}=${value}; Path=/; Max-Age=${maxAgeS}; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The visitor-hash key: HKDF-SHA-256 of LOOKUP_KEY with its own label (never the lookup key itself). */
function visitorKey(lookupKey: string): Promise<CryptoKey> {
  let key = keys.get(lookupKey);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", fromBase64(lookupKey), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("tuangou analytics visitor v1") },
        base,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign"],
      );
    })();
    keys.set(lookupKey, key);
  }
  return key;
}

/** HMAC(day + visitor cookie), base64url, 128 bits: the only visitor identity stored. */
export async function visitorHash(env: { LOOKUP_KEY: string }, visitor: string, day: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await visitorKey(env.LOOKUP_KEY), new TextEncoder().encode(`${day}\u0000${visitor}`));
  return toBase64Url(new Uint8Array(mac).slice(0, 16));
}

export interface CaptureInput {
  kind: AnalyticsEventKind;
  path?: string | null;
  entityId?: string | null;
}

/**
 * Records one event for this request's visitor, setting the visitor cookie when there is none.
 * Returns what happened. Never throws: a failed capture is logged and must not break the page or
 * the cart that called it.
 */
export async function captureEvent(ctx: AppContext, request: Request, event: CaptureInput, now = Date.now()): Promise<"recorded" | CaptureRefusal | "failed"> {
  const refusal = captureRefusal(request);
  const secure = ctx.request?.secure ?? true;
  const existing = readCookie(request, VISITOR_COOKIE);
  if (refusal) {
    // Opting out also ends the visitor cookie a browser got before it opted out.
    if (refusal === "opted_out" && existing !== undefined) ctx.request?.outgoingCookies.push(visitorCookie("", 0, secure));
    return refusal;
  }
  try {
    const day = businessDateOf(now);
    let visitor = existing && VISITOR_RE.test(existing) ? existing : undefined;
    if (!visitor) {
      visitor = randomBase32(26);
      // Until the next Shanghai midnight: tomorrow is a new, unlinkable visitor.
      const maxAge = Math.max(60, Math.ceil((dayEnd(day) - now) / 1000));
      ctx.request?.outgoingCookies.push(visitorCookie(visitor, maxAge, secure));
    }
    await ctx.db.insert(analyticsEvents).values({
      id: `evt_${randomBase32(20)}`,
      kind: event.kind,
      day,
      visitorHash: await visitorHash(ctx.env, visitor, day),
      path: event.path ?? null,
      entityId: event.entityId ?? null,
      createdAt: now,
    });
    return "recorded";
  } catch (error) {
    console.error("analytics: event not recorded", error instanceof Error ? error.message : error);
    return "failed";
  }
}

/** Storefront paths only: the consoles, the API, assets and payment pages are not visits. */
const NOT_A_VISIT = /^\/(?:admin|merchant|leader|dev|api|images|build|beacon|pay|auth|logout|preferences|me\/push)(?:[/.]|$)/;
const PRODUCT_PAGE = /^\/products\/(prd_[0-9a-z]{20})$/;

/**
 * What a page view from the beacon is: a product page counts as a `product_view` of its product
 * (anonymous product pages may come from the edge cache, ADR 011, so the beacon, not the loader,
 * sees them), any other storefront page as a `page_view`; console pages are not recorded.
 */
export function classifyPageView(path: string): CaptureInput | null {
  if (NOT_A_VISIT.test(path)) return null;
  const product = PRODUCT_PAGE.exec(path);
  return product ? { kind: "product_view", path, entityId: product[1]! } : { kind: "page_view", path };
}
