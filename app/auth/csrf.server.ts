import { cookieName } from "./session.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Paths whose POSTs are judged by their own checks (a provider's signature, OAuth state), not by
 * cookies and Origin. Later issues add payment notification endpoints here.
 */
const SELF_VERIFYING_PATHS: RegExp[] = [/^\/api\/v1\/payments\/notify\//];

/**
 * Cross-site request refusal. A non-GET request is refused (403) when it could ride on the
 * browser's cookies and its Origin is missing or foreign:
 * - web pages and forms: always (this also stops login CSRF, where no session exists yet);
 * - `/api/v1`: when it carries our session cookie; bearer-token calls and cookie-less calls carry
 *   no ambient authority and are judged by their token.
 */
export function isForbiddenCrossSite(request: Request, url: URL): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  if (SELF_VERIFYING_PATHS.some((re) => re.test(url.pathname))) return false;
  const origin = request.headers.get("Origin");
  const sameOrigin = origin !== null && origin === url.origin;
  if (url.pathname.startsWith("/api/")) {
    if (/^Bearer\s/i.test(request.headers.get("Authorization") ?? "")) return false;
    const cookies = request.headers.get("Cookie") ?? "";
    const hasSession = cookies.includes(`${cookieName(true)}=`) || cookies.includes(`${cookieName(false)}=`);
    return hasSession && !sameOrigin;
  }
  return !sameOrigin;
}
