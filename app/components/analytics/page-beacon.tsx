import { useLocation } from "@remix-run/react";
import { useEffect } from "react";

/**
 * Counts storefront page views for the funnel (ADR 016): after hydration and on every route
 * change, one `navigator.sendBeacon("/beacon", p=<path>)`. The body is form-encoded (a
 * CORS-safelisted type: no preflight) and carries the path only, never the query string. Nothing
 * is sent when the browser asks not to be tracked (Global Privacy Control, Do Not Track), or from
 * the leader, merchant and admin consoles. The server checks all of it again.
 */
export function PageBeacon() {
  const { pathname } = useLocation();
  useEffect(() => {
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
    if (nav.globalPrivacyControl || nav.doNotTrack === "1" || !nav.sendBeacon || /^\/(admin|merchant|leader|dev)(\/|$)/.test(pathname)) return;
    nav.sendBeacon("/beacon", new URLSearchParams({ p: pathname }));
  }, [pathname]);
  return null;
}
