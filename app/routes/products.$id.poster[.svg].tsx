import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { getOptionalUser } from "~/auth/guards.server";
import { resolveLocale } from "~/lib/preferences.server";
import { buildSharePoster } from "~/modules/share/poster.server";

/**
 * /products/<id>/poster.svg: the product's share poster (photo, title, price, a QR of the share link
 * carrying the viewer's attribution; see ~/modules/share/poster.server). `?download=1` answers it as
 * a file. Personal for a signed-in viewer (their share code), so never stored by a shared cache; a
 * sandboxing CSP keeps the SVG inert if opened on its own.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const notFound = () => new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  if (!/^prd_[0-9a-z]{20}$/.test(id)) return notFound();
  const url = new URL(request.url);
  const user = await getOptionalUser(context, request);
  const poster = await buildSharePoster(context, { productId: id, userId: user?.id ?? null, origin: url.origin, locale: resolveLocale(request) });
  if (!poster) return notFound();
  return new Response(poster.svg, {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      ...(url.searchParams.get("download") === "1" ? { "Content-Disposition": `attachment; filename="${poster.fileName}"` } : {}),
      "Cache-Control": user ? "private, no-store" : "private, max-age=300",
      Vary: "Cookie, Accept-Language",
      "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    },
  });
}
