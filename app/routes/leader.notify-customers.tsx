import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { requireOwnPickupPoint, requirePermission } from "~/auth/guards.server";
import { NOTIFIED_PARAM, notifyReturnPath } from "~/components/leader/notify-customers-button";
import { notifyReadyCustomers } from "~/modules/notifications/ready-notices.server";

/**
 * "Notify customers" (POST only): tells every customer whose order waits at the leader's own
 * pickup point, once per order, and goes back to the page the button was on with the number of
 * customers told (`?notified=N`). A `pickupPointId` naming another point is not found.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context, request, "handover:order:own-point");
  const point = await requireOwnPickupPoint(context, user);
  const form = await request.formData();
  const named = form.get("pickupPointId");
  if (typeof named === "string" && named !== "" && named !== point.id) throw new Response("Not Found", { status: 404 });
  const told = await notifyReadyCustomers(context, { pickupPointId: point.id, leaderUserId: user.id });
  const back = notifyReturnPath(form.get("redirectTo"));
  const url = new URL(back, "http://same-origin.invalid");
  url.searchParams.set(NOTIFIED_PARAM, String(told.customers));
  throw redirect(url.pathname + url.search, { headers: { "X-Customers-Notified": String(told.customers) } });
}

export function loader() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}
