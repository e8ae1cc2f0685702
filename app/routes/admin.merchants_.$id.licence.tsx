import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requirePermission } from "~/auth/guards.server";
import { privateImageResponse } from "~/lib/private-image";
import { getLicenceImage } from "~/modules/merchants/onboarding.server";

/** An applicant's business-licence photo: reviewers only, never cached by shared caches. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:merchant:any");
  const id = params.id ?? "";
  if (!/^mch_[0-9a-z]{1,40}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const object = await getLicenceImage(context, id);
  if (!object) throw new Response("Not Found", { status: 404 });
  return privateImageResponse(object);
}
