import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { getShortagePhoto } from "~/modules/fulfilment/batches.server";
import { privateImageResponse } from "~/lib/private-image";
import { BATCH_ID, SKU_ID } from "~/modules/fulfilment/schemas";

/** The leader's own photo of a shortage at their point (private, never cached). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const batchId = params.batchId ?? "";
  const skuId = params.skuId ?? "";
  const object = BATCH_ID.test(batchId) && SKU_ID.test(skuId) ? await getShortagePhoto(context, batchId, skuId, { pickupPointId: point.id }) : null;
  if (!object) throw new Response("Not Found", { status: 404 });
  return privateImageResponse(object);
}
