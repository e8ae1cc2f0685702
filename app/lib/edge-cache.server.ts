import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { settings } from "~/db/schema";
import { VISITOR_COOKIE } from "~/modules/analytics/capture.server";
import { ATTRIBUTION_COOKIE } from "./attribution-cookie.server";
import { BOOKMARK_COOKIE_NAMES } from "./d1-bookmark.server";
import { GUEST_CART_COOKIE } from "./guest-cart.server";
import { PICKUP_COOKIE } from "./pickup-cookie.server";
import { DEVICE_COOKIE, SHARER_COOKIE } from "./share-cookies.server";
import { LOCALE_COOKIE, readCookie, resolveLocale, resolveTextSize, TEXT_SIZE_COOKIE } from "./preferences.server";

/**
 * Edge cache for anonymous catalogue pages (ADR 011). A shopper who is not signed in sees the same
 * home, category, product and search pages as every other anonymous shopper with the same language,
 * text size and pickup point, so those responses are kept in the Cache API of the data centre for
 * `EDGE_CACHE_TTL` seconds and served without running loaders or React.
 *
 * - Only GET requests for the catalogue paths below (documents and their single-fetch `.data`),
 *   and only when every cookie the request carries is a preference (language, text size, pickup
 *   point): a session, a guest cart, a flash message or any other cookie means the page is personal
 *   and always rendered. The leader attribution cookie is neutral: no catalogue page reads it, so it
 *   neither stops caching nor enters the key (a visitor from a share link still gets cached pages,
 *   and the pages stay the same for everyone). So are the share-reward cookies (sharer, device id).
 * - Only 200 responses without Set-Cookie are stored.
 * - The key holds the catalogue version: `purgeCatalogueStatement()` (in the batch that changes a
 *   product, a category or a price) bumps it, so every cached page of the old catalogue stops being
 *   used at once in every data centre. Each isolate re-reads the version at most every
 *   VERSION_MEMO_MS; the isolate that made the change forgets its copy immediately.
 * - Stock and sold counts move with every order and do not purge: they may lag by up to the TTL,
 *   which is harmless because the cart and checkout check stock on the server.
 * - Documents carry the CSP nonce of the request that rendered them; a hit gets a fresh nonce
 *   swapped into its `nonce="…"` attributes, matching the new Content-Security-Policy header.
 */
const CATALOGUE_PATHS = /^\/(?:_root\.data|categories(?:\.data)?|search(?:\.data)?|products\/prd_[0-9a-z]{20}(?:\.data)?)?$/;
const PREFERENCE_COOKIES = new Set([LOCALE_COOKIE, TEXT_SIZE_COOKIE, PICKUP_COOKIE]);
/**
 * Cookies that change nothing a catalogue page shows (keep it so: a loader reading one would poison
 * the cache). The analytics visitor cookie is read only by /beacon, the cart and the checkout.
 */
const NEUTRAL_COOKIES = new Set<string>([ATTRIBUTION_COOKIE, VISITOR_COOKIE, SHARER_COOKIE, DEVICE_COOKIE, ...BOOKMARK_COOKIE_NAMES]);
const VERSION_KEY = "cache.catalogue_version";
const VERSION_MEMO_MS = 2_000;
const NONCE_HEADER = "X-Edge-Nonce";
const CACHE_CONTROL_HEADER = "X-Edge-Cache-Control";

let memo: { version: string; readAt: number } | null = null;
let opened: Promise<Cache> | null = null;

/** The Cache API namespace the pages live in (opened once per isolate). */
export function edgeCache(): Promise<Cache> {
  opened ??= caches.open("catalogue-pages");
  return opened;
}

export function edgeCacheTtl(env: { EDGE_CACHE_TTL?: string }): number {
  const ttl = Number(env.EDGE_CACHE_TTL ?? "0");
  return Number.isInteger(ttl) && ttl > 0 ? Math.min(ttl, 3600) : 0;
}

/** Whether a request may be answered from (and stored in) the edge cache. */
export function isCacheableRequest(request: Request, url: URL): boolean {
  if (request.method !== "GET" || !CATALOGUE_PATHS.test(url.pathname)) return false;
  if (request.headers.has("Authorization")) return false;
  const header = request.headers.get("Cookie");
  if (!header) return true;
  for (const part of header.split(";")) {
    const name = part.split("=", 1)[0]!.trim();
    if (name && !PREFERENCE_COOKIES.has(name) && !NEUTRAL_COOKIES.has(name)) return false;
  }
  return !readCookie(request, GUEST_CART_COOKIE);
}

async function catalogueVersion(ctx: Pick<AppContext, "db">, now: number): Promise<string> {
  if (memo && now - memo.readAt < VERSION_MEMO_MS) return memo.version;
  const row = await ctx.db.query.settings.findFirst({ where: (s, { eq }) => eq(s.key, VERSION_KEY), columns: { value: true } });
  memo = { version: row?.value ?? "0", readAt: now };
  return memo.version;
}

/** The statement that retires every cached catalogue page; put it in the batch of the change. */
export function purgeCatalogueStatement(ctx: Pick<AppContext, "db">, now = Date.now()) {
  memo = null;
  return ctx.db
    .insert(settings)
    .values({ key: VERSION_KEY, value: "1", updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`CAST(CAST(${settings.value} AS INTEGER) + 1 AS TEXT)`, updatedAt: now } });
}

export async function edgeCacheKey(ctx: Pick<AppContext, "db">, request: Request, url: URL): Promise<string> {
  const version = await catalogueVersion(ctx, Date.now());
  const variant = [resolveLocale(request), resolveTextSize(request), readCookie(request, PICKUP_COOKIE) ?? "-"].map(encodeURIComponent).join("/");
  return `${url.origin}/__edge-cache/v${version}/${variant}${url.pathname}${url.search}`;
}

/** A stored page, ready to send: the nonce swapped for this request's, cache headers restored. */
export async function edgeCacheMatch(cache: Cache, key: string, nonce: string): Promise<Response | null> {
  const hit = await cache.match(key);
  if (!hit) return null;
  const headers = new Headers(hit.headers);
  const storedNonce = headers.get(NONCE_HEADER);
  const cacheControl = headers.get(CACHE_CONTROL_HEADER);
  headers.delete(NONCE_HEADER);
  headers.delete(CACHE_CONTROL_HEADER);
  if (cacheControl) headers.set("Cache-Control", cacheControl);
  else headers.delete("Cache-Control");
  headers.delete("Age");
  headers.set("X-Edge-Cache", "HIT");
  let body: BodyInit | null = hit.body;
  if (storedNonce && (headers.get("Content-Type") ?? "").startsWith("text/html")) {
    body = (await hit.text()).replaceAll(`nonce="${storedNonce}"`, `nonce="${nonce}"`);
  }
  return new Response(body, { status: hit.status, headers });
}

/**
 * Stores a copy of a response that may be shared (200, no cookies set) and returns the response to
 * send. The copy is written after the response is on its way (`waitUntil`).
 */
export function edgeCacheStore(
  cache: Cache,
  key: string,
  response: Response,
  opts: { nonce: string; ttl: number; waitUntil: (p: Promise<unknown>) => void }
): Response {
  if (response.status !== 200 || response.headers.has("Set-Cookie") || !response.body) return response;
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.startsWith("text/html") && !type.startsWith("text/x-script")) return response;
  const [toSend, toStore] = response.body.tee();
  const headers = new Headers(response.headers);
  const cacheControl = headers.get("Cache-Control");
  if (cacheControl) headers.set(CACHE_CONTROL_HEADER, cacheControl);
  headers.set("Cache-Control", `public, max-age=${opts.ttl}`);
  headers.set(NONCE_HEADER, opts.nonce);
  opts.waitUntil(
    cache.put(key, new Response(toStore, { status: 200, headers })).catch((error: unknown) => {
      console.warn(`edge cache: could not store ${key}: ${error instanceof Error ? error.message : String(error)}`);
    })
  );
  const sent = new Response(toSend, response);
  sent.headers.set("X-Edge-Cache", "MISS");
  return sent;
}
