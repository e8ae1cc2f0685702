import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/lib/preferences.server";
import { buildGroupDealPoster, buildInvitePoster, buildProductPoster } from "~/modules/leaders/promote.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

const PosterQuery = v.object({
  product: v.optional(v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "product_invalid"))),
  campaign: v.optional(v.pipe(v.string(), v.regex(/^gdc_[0-9a-z]{20}$/, "campaign_invalid"))),
});

/**
 * A downloadable poster (SVG) of the leader's own point: `?product=<id>` for an on-sale product
 * (its share link in the QR), `?campaign=<id>` for a live group deal (while group deals are
 * switched on), none for the invite poster. Only ever the signed-in leader's point.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const url = new URL(request.url);
  const parsed = v.safeParse(PosterQuery, { product: url.searchParams.get("product") || undefined, campaign: url.searchParams.get("campaign") || undefined });
  if (!parsed.success) return Response.json({ error: v.flatten<typeof PosterQuery>(parsed.issues).nested }, { status: 400 });
  const locale = resolveLocale(request);
  const { product, campaign } = parsed.output;
  const poster = campaign
    ? (await isFeatureOn(context, "feature.group_deals"))
      ? await buildGroupDealPoster(context, { point, campaignId: campaign, origin: url.origin, locale })
      : null
    : product
      ? await buildProductPoster(context, { point, productId: product, origin: url.origin, locale })
      : buildInvitePoster({ point, origin: url.origin, locale });
  if (!poster) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(poster.svg, {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Content-Disposition": `attachment; filename="${poster.fileName}"`,
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    },
  });
}
