import { redirect, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { getOptionalUser, safeRedirectPath } from "~/auth/guards.server";
import { attributionCookie } from "~/lib/attribution-cookie.server";
import { pickupCookie, readPickupCookie } from "~/lib/pickup-cookie.server";
import { sharerCookie } from "~/lib/share-cookies.server";
import { arriveThroughShare } from "~/modules/share/attribution.server";

/**
 * A shopper's share link, /s/<share code>?to=<path on this site> (ADR 023). Sets the sharer cookie
 * (7 days; checkout records the sharer on the order), the device-id cookie when the browser has
 * none, and — when the sharer leads an active pickup point — the leader attribution as /r/<code>
 * does; then a 303 to `to`. The page landed on is an ordinary catalogue page, so it stays
 * edge-cacheable (cookies are set on this redirect only). `to` must be a path on this site; anything
 * else lands on the home page. An unknown code still sends the visitor on, just without attribution:
 * the friend wanted the product, not an error.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const raw = url.searchParams.get("to");
  const to = raw && raw.length <= 2000 ? safeRedirectPath(raw, "/") : "/";
  const user = await getOptionalUser(context, request);
  const arrived = await arriveThroughShare(context, request, { code: params.code, to, userId: user?.id ?? null, guestPointId: readPickupCookie(request) });
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (arrived) {
    const secure = context.request!.secure;
    headers.append("Set-Cookie", sharerCookie(params.code!, secure));
    if (arrived.deviceCookie) headers.append("Set-Cookie", arrived.deviceCookie);
    if (arrived.leaderPointId) headers.append("Set-Cookie", attributionCookie(arrived.leaderPointId, secure));
    if (arrived.leaderPointId && arrived.bound) headers.append("Set-Cookie", pickupCookie(arrived.leaderPointId, secure));
  }
  return redirect(to, { status: 303, headers });
}
