/**
 * First-load budgets of the built client, per route, gzipped (issue 11 item 5). The one place they
 * are kept: tests/integration/bundle-budgets.test.ts fails when a route goes over, and `npm run
 * bench` prints the same figures. How a first load is measured: tests/support/bundle-size.ts.
 *
 * A route's budget is the first of AREAS whose prefix matches its id (so a new route is covered by
 * its area the moment it exists), unless OVERRIDES names it, with a reason.
 */

export interface Budget {
  /** First-load JavaScript, bytes gzipped (level 9), each file on its own, summed. */
  jsGzip: number;
  /** First-load CSS, bytes gzipped. */
  cssGzip: number;
}

export interface Area extends Budget {
  name: string;
  /** Route ids starting with this (the Remix route id: `routes/leader.handover`). */
  prefix: string;
  /** The target for the area's first-load JS, when the enforced budget is above it. */
  target?: number;
  why: string;
}

/** Tailwind's one stylesheet serves every page; 8.0 kB gzipped today. */
const CSS = 10_000;

/*
 * Where the bytes go (2026-11-26, after this round's cuts; tests/support/bundle-size.ts measures):
 *   87.2 kB  react-dom 18, @remix-run/router, @remix-run/react, react-router(-dom): every page
 *   14.6 kB  i18next (+ the i18n module): every page
 *    2.9 kB  the entry, root and root components
 *   = 104.7 kB before any layout or page code (the root route's own figure).
 *   16.6 kB  conform (+ dom, + its valibot adapter) and valibot, on pages with validated forms
 * No JavaScript carries translations any more: the document inlines its language's parts as JSON
 * (core ~13 kB gz; + console ~24 kB on console pages; + admin ~16 kB on admin pages: counted in
 * the HTML, which the service worker caches with the page, not here).
 */
export const AREAS: Area[] = [
  {
    name: "leader",
    prefix: "routes/leader",
    jsGzip: 136_000,
    target: 100_000,
    cssGzip: CSS,
    why:
      "issue #5's target is 100 kB, but react-dom + Remix + i18next + the root are 104.7 kB before any " +
      "leader code (the leader layout itself is 111.4 kB, Today 118.8 kB); the money and arrival pages " +
      "add validated forms (conform + valibot, 16.6 kB): commission 133.5 kB. 100 kB needs a lighter " +
      "translation runtime than i18next on the client and forms without conform: not done this round. " +
      "Budget = the heaviest leader page + 2.5 kB, so growth still fails.",
  },
  {
    name: "merchant",
    prefix: "routes/merchant",
    jsGzip: 160_000,
    cssGzip: CSS,
    why: "desktop-first back office on office networks: forms with client-side validation (conform + valibot) are worth their weight there. Heaviest today: group deals 139.5 kB",
  },
  {
    name: "admin",
    prefix: "routes/admin",
    jsGzip: 160_000,
    cssGzip: CSS,
    why: "as merchant: a handful of staff on desktops, forms and tables. Heaviest today: coupons 139.0 kB",
  },
  // Everything else: the storefront, sign-in, the shopper's own pages, share landings, resource
  // routes (never a document, but measured alike so a mistake there shows).
  { name: "shopper", prefix: "", jsGzip: 120_000, cssGzip: CSS, why: "shoppers on mobile networks; the storefront's first impression (issue #2)" },
];

const FORMS = "validated forms: conform + its valibot adapter + valibot (16.6 kB gz), on a page reached after browsing, not the storefront's first impression";

/** Per-route exceptions, each with its reason. Kept tight: measured + a little. */
export const OVERRIDES: Record<string, Budget & { why: string }> = {
  "routes/_shop.me": { jsGzip: 138_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.me_.leader-apply": { jsGzip: 136_000, cssGzip: CSS, why: `${FORMS} (the leader application)` },
  "routes/_shop.me_.merchant-apply": { jsGzip: 135_000, cssGzip: CSS, why: `${FORMS} (the merchant application)` },
  "routes/_shop.orders.$id": { jsGzip: 136_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.orders.$id_.review.$lineId": { jsGzip: 135_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.checkout": { jsGzip: 135_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.groups.$id": { jsGzip: 132_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.pickup": { jsGzip: 132_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.me_.addresses": { jsGzip: 132_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.cart": { jsGzip: 130_000, cssGzip: CSS, why: `${FORMS} (here only the action uses them; @conform-to is not marked side-effect free, so its import stays: a follow-up)` },
  "routes/_auth.login": { jsGzip: 128_000, cssGzip: CSS, why: FORMS },
  "routes/_auth.signup": { jsGzip: 127_000, cssGzip: CSS, why: FORMS },
  "routes/_shop.join.$code": { jsGzip: 126_000, cssGzip: CSS, why: `${FORMS} (conform's form state for joining the pickup point)` },
  "routes/_shop.join.merchant.$token": { jsGzip: 126_000, cssGzip: CSS, why: `${FORMS} (conform's form state for accepting the invitation)` },
  "routes/_shop.products.$id": { jsGzip: 127_000, cssGzip: CSS, why: "the product page: gallery, SKU picker, group-deal and flash-sale panels, reviews summary (~9 kB gz of its own over the home page)" },
  "routes/_shop.coupons": { jsGzip: 122_000, cssGzip: CSS, why: "the claim centre's coupon faces and terms; 1 kB over the shopper budget" },
  "routes/_shop.me_.coupons": { jsGzip: 122_000, cssGzip: CSS, why: "the shopper's coupons, with the same coupon faces; 0.2 kB over" },
  "routes/_shop.products.$id_.reviews": { jsGzip: 122_000, cssGzip: CSS, why: "the review list with photo viewer; 0.1 kB over" },
};

export function budgetFor(routeId: string): Budget & { area: string; why: string } {
  const override = OVERRIDES[routeId];
  const area = AREAS.find((a) => routeId.startsWith(a.prefix))!;
  if (override) return { area: `${area.name} (override)`, ...override };
  return { area: area.name, jsGzip: area.jsGzip, cssGzip: area.cssGzip, why: area.why };
}
