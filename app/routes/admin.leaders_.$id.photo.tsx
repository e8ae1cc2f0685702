import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requirePermission } from "~/auth/guards.server";
import { getLeaderPhoto } from "~/modules/leaders/apply.server";

/** A leader applicant's ID or store-front photo: reviewers only, never kept by shared caches. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:leader:any");
  const id = params.id ?? "";
  if (!/^pkp_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const object = await getLeaderPhoto(context, id);
  if (!object) throw new Response("Not Found", { status: 404 });
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  return new Response(object.body, { headers });
}
