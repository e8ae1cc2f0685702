import type { LoaderFunctionArgs } from "@remix-run/cloudflare";

/**
 * Product images from R2. Keys never change content, so browsers and the CDN may keep them a year.
 * Resized copies of a raster upload live beside it as `<key>@<width>w` (app/modules/catalog/images.ts).
 */
export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const key = params["*"] ?? "";
  // Only catalogue images are public; after-sales photos and licences live under other prefixes.
  if (!/^products\/[a-z0-9_\-/]+\.(?:svg|(?:png|jpe?g|webp|avif)(?:@(?:160|320|640)w)?)$/i.test(key) || key.includes("..")) {
    throw new Response("Not Found", { status: 404 });
  }
  const object = await context.env.IMAGES.get(key, { onlyIf: request.headers });
  if (!object) throw new Response("Not Found", { status: 404 });
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  headers.set("Cache-Control", "public, max-age=31536000, immutable");
  if (key.endsWith(".svg")) headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (!("body" in object)) return new Response(null, { status: 304, headers });
  return new Response(object.body, { headers });
}
