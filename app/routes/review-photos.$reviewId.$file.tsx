import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { getAdminAccess, getOptionalUser } from "~/auth/guards.server";
import { hasPermission } from "~/auth/permissions";
import { getReviewPhoto } from "~/modules/reviews/reviews.server";

/**
 * A review photo from R2 (`reviews/<reviewId>/<n>.<ext>`). A visible review's photos are public and
 * may be cached briefly; once an admin hides the review they answer 404 to everyone but the admins
 * who moderate reviews (who get them uncached), so an abusive picture stops being served.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const reviewId = params.reviewId ?? "";
  const file = params.file ?? "";
  if (!/^rev_[0-9a-z]{20}$/.test(reviewId) || !/^[1-3]\.(?:jpg|png|webp)$/.test(file)) throw new Response("Not Found", { status: 404 });
  const photo = await getReviewPhoto(context, reviewId, file, async () => {
    const user = await getOptionalUser(context, request);
    return user ? hasPermission(user.roles, await getAdminAccess(context, user), "moderate:review:any") : false;
  });
  if (!photo) throw new Response("Not Found", { status: 404 });
  const headers = new Headers();
  photo.object.writeHttpMetadata(headers);
  headers.set("ETag", photo.object.httpEtag);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  headers.set("Cache-Control", photo.visible ? "public, max-age=300" : "private, no-store");
  return new Response(photo.object.body, { headers });
}
