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
  why: string;
}

/** Tailwind's one stylesheet serves every page; 8 kB gzipped today. */
const CSS = 12_000;

export const AREAS: Area[] = [
  {
    name: "leader",
    prefix: "routes/leader",
    jsGzip: 100_000,
    cssGzip: CSS,
    why: "the leader app on the leader's phone, often on a weak signal at the pickup point (issue #5)",
  },
  {
    name: "merchant",
    prefix: "routes/merchant",
    jsGzip: 160_000,
    cssGzip: CSS,
    why: "desktop-first back office on office networks; editing forms with client-side validation (conform + valibot) and the console's translations are worth their weight there",
  },
  {
    name: "admin",
    prefix: "routes/admin",
    jsGzip: 160_000,
    cssGzip: CSS,
    why: "as merchant: a handful of staff on desktops, forms and tables",
  },
  // Everything else: the storefront, sign-in, the shopper's own pages, share landings, resource
  // routes (never a document, but measured alike so a mistake there shows).
  { name: "shopper", prefix: "", jsGzip: 120_000, cssGzip: CSS, why: "shoppers on mobile networks; the storefront's first impression (issue #2)" },
];

/** Per-route exceptions, each with its reason. */
export const OVERRIDES: Record<string, Budget & { why: string }> = {};

export function budgetFor(routeId: string): Budget & { area: string; why: string } {
  const override = OVERRIDES[routeId];
  const area = AREAS.find((a) => routeId.startsWith(a.prefix))!;
  if (override) return { area: `${area.name} (override)`, ...override };
  return { area: area.name, jsGzip: area.jsGzip, cssGzip: area.cssGzip, why: area.why };
}
