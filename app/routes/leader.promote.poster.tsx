import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/lib/preferences.server";
import { buildInvitePoster, buildProductPoster } from "~/modules/leaders/promote.server";

const PosterQuery = v.object({ product: v.optional(v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "product_invalid"))) });

/**
 * A downloadable poster (SVG) of the leader's own point: `?product=<id>` for an on-sale product
 * (its share link in the QR), none for the invite poster. Only ever the signed-in leader's point.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const url = new URL(request.url);
  const parsed = v.safeParse(PosterQuery, { product: url.searchParams.get("product") || undefined });
  if (!parsed.success) return Response.json({ error: { product: ["product_invalid"] } }, { status: 400 });
  const locale = resolveLocale(request);
  const poster = parsed.output.product
    ? await buildProductPoster(context, { point, productId: parsed.output.product, origin: url.origin, locale })
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
