/**
 * `__Host-` names for the app's small cookies over https, applied once at the Worker's edge.
 *
 * A cookie named `__Host-…` is only accepted by the browser when it is Secure, Path=/ and carries no
 * Domain, so a sibling subdomain (or a man in the middle on plain http) cannot plant or overwrite
 * it. The session and OAuth cookies name themselves that way; the display, cart, pickup-point,
 * attribution and visitor cookies below are written by many modules under their short names, so
 * instead of every module knowing about https:
 *   - incoming (https): `__Host-tg_ref=…` is handed to the app as `tg_ref=…`, and a plain `tg_ref`
 *     (which only a planted cookie could be) is dropped;
 *   - outgoing (https): `Set-Cookie: tg_ref=…` leaves as `__Host-tg_ref=…`, with Secure, Path=/
 *     and no Domain.
 * Over plain http (local development) browsers refuse `__Host-` names, so nothing changes there.
 */
export const HOST_PREFIXED_COOKIES: ReadonlySet<string> = new Set(["tg_ref", "tg_share", "tg_dev", "tg_pickup", "tg_cart", "tg_lng", "tg_text", "tg_vid"]);

const PREFIX = "__Host-";

/** The Cookie header the app should see for an https request (unchanged when nothing applies). */
export function unprefixCookieHeader(header: string | null): string | null {
  if (!header) return header;
  let changed = false;
  const kept: string[] = [];
  for (const part of header.split(";")) {
    const pair = part.trim();
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (HOST_PREFIXED_COOKIES.has(name)) {
      changed = true; // planted: the app's own copy of this cookie is always prefixed over https
      continue;
    }
    if (name.startsWith(PREFIX) && HOST_PREFIXED_COOKIES.has(name.slice(PREFIX.length))) {
      changed = true;
      kept.push(pair.slice(PREFIX.length));
      continue;
    }
    kept.push(pair);
  }
  return changed ? kept.join("; ") : header;
}

/** A Set-Cookie value as it should leave over https: prefixed, Secure, Path=/, no Domain. */
export function prefixSetCookie(setCookie: string): string {
  const [first = "", ...attributes] = setCookie.split(";");
  const eq = first.indexOf("=");
  const name = first.slice(0, eq).trim();
  if (eq < 0 || !HOST_PREFIXED_COOKIES.has(name)) return setCookie;
  const kept = attributes.map((a) => a.trim()).filter((a) => a && !/^(domain|path|secure)\b/i.test(a));
  return [`${PREFIX}${name}=${first.slice(eq + 1).trim()}`, "Path=/", ...kept, "Secure"].join("; ");
}

/** The request with its Cookie header unprefixed (the same object when nothing changes). */
export function withUnprefixedCookies(request: Request): Request {
  const header = request.headers.get("Cookie");
  const next = unprefixCookieHeader(header);
  if (next === header) return request;
  const headers = new Headers(request.headers);
  if (next) headers.set("Cookie", next);
  else headers.delete("Cookie");
  return new Request(request, { headers });
}

/** The response with every Set-Cookie of the list prefixed (the same object when none is). */
export function withPrefixedSetCookies(response: Response): Response {
  const cookies = response.headers.getSetCookie();
  if (!cookies.some((c) => prefixSetCookie(c) !== c)) return response;
  const next = new Response(response.body, response);
  next.headers.delete("Set-Cookie");
  for (const c of cookies) next.headers.append("Set-Cookie", prefixSetCookie(c));
  return next;
}
