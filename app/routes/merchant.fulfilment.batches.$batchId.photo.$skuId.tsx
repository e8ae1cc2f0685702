import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { getShortagePhoto } from "~/modules/fulfilment/batches.server";
import { privateImageResponse } from "~/lib/private-image";
import { BATCH_ID, SKU_ID } from "~/modules/fulfilment/schemas";

/** The leader's photo of a shortage in one of this merchant's batches (private, never cached). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const batchId = params.batchId ?? "";
  const skuId = params.skuId ?? "";
  const object = BATCH_ID.test(batchId) && SKU_ID.test(skuId) ? await getShortagePhoto(context, batchId, skuId, { merchantId: merchant.id }) : null;
  if (!object) throw new Response("Not Found", { status: 404 });
  return privateImageResponse(object);
}
