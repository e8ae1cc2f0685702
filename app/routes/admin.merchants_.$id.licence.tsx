import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requirePermission } from "~/auth/guards.server";
import { getLicenceImage } from "~/modules/merchants/onboarding.server";

/** An applicant's business-licence photo: reviewers only, never cached by shared caches. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:merchant:any");
  const id = params.id ?? "";
  if (!/^mch_[0-9a-z]{1,40}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const object = await getLicenceImage(context, id);
  if (!object) throw new Response("Not Found", { status: 404 });
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  return new Response(object.body, { headers });
}
