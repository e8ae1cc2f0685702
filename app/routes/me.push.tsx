import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import * as v from "valibot";
import { requireUser } from "~/auth/guards.server";
import { fieldsFromIssues } from "~/api/errors";
import { deletePushSubscription, savePushSubscription } from "~/modules/notifications/subscriptions.server";
import { PushSubscriptionForm, PushUnsubscribeForm } from "~/modules/notifications/schemas";
import { isFeatureOn } from "~/modules/settings/settings.server";

/**
 * This browser's Web Push subscription for the signed-in user (the push toggle calls it with
 * fetch): POST stores it (upsert by endpoint), DELETE forgets it. Answers JSON. While the
 * platform's `feature.web_push` switch is off, a new subscription is refused (409 `push_disabled`);
 * forgetting one always works.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  if (request.method !== "POST" && request.method !== "DELETE") {
    return Response.json({ error: { code: "method_not_allowed" } }, { status: 405, headers: { Allow: "POST, DELETE" } });
  }
  const form = Object.fromEntries(await request.formData());
  if (request.method === "DELETE") {
    const parsed = v.safeParse(PushUnsubscribeForm, form);
    if (!parsed.success) return Response.json({ error: { code: "validation_failed", fields: fieldsFromIssues(parsed.issues) } }, { status: 400 });
    const removed = await deletePushSubscription(context, user.id, parsed.output.endpoint);
    return Response.json({ subscribed: false, removed });
  }
  if (!(await isFeatureOn(context, "feature.web_push"))) return Response.json({ error: { code: "push_disabled" } }, { status: 409 });
  const parsed = v.safeParse(PushSubscriptionForm, form);
  if (!parsed.success) return Response.json({ error: { code: "validation_failed", fields: fieldsFromIssues(parsed.issues) } }, { status: 400 });
  const saved = await savePushSubscription(context, user.id, parsed.output, context.request?.userAgent ?? null);
  if (!saved.ok) return Response.json({ error: { code: "validation_failed", fields: { [saved.error.field ?? "p256dh"]: [saved.error.code] } } }, { status: 400 });
  return Response.json({ subscribed: true });
}

export function loader() {
  return Response.json({ error: { code: "method_not_allowed" } }, { status: 405, headers: { Allow: "POST, DELETE" } });
}
