import * as v from "valibot";
import { pushPublicKey } from "~/modules/notifications/push.server";
import { PushEndpoint, PushSubscriptionJson } from "~/modules/notifications/schemas";
import { deletePushSubscription, savePushSubscription } from "~/modules/notifications/subscriptions.server";
import { ApiError, ApiErrorBody } from "./errors";
import { defineEndpoint, type Endpoint } from "./router.server";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };

export const pushEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/push/config",
    operationId: "getPushConfig",
    summary: "The VAPID public key to subscribe with (applicationServerKey), or null when Web Push is not configured",
    tags: ["notifications"],
    auth: "none",
    responses: {
      200: {
        description: "Push configuration",
        schema: v.object({ vapidPublicKey: v.nullable(v.pipe(v.string(), v.description("Uncompressed P-256 public key, base64url"))) }),
      },
    },
    async handler({ ctx }) {
      return Response.json({ vapidPublicKey: pushPublicKey(ctx.env) }, { headers: { "Cache-Control": "public, max-age=300" } });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/push/subscriptions",
    operationId: "savePushSubscription",
    summary:
      "Register this device's Web Push subscription (the JSON of PushSubscription.toJSON()) for the signed-in user; upsert by endpoint, so a retry changes nothing",
    tags: ["notifications"],
    auth: "user",
    body: PushSubscriptionJson,
    responses: {
      200: { description: "Stored", schema: v.object({ subscribed: v.literal(true) }) },
      400: validationError,
      401: unauthorized,
    },
    async handler({ ctx, request, body, session }) {
      const saved = await savePushSubscription(ctx, session!.user.id, { endpoint: body.endpoint, ...body.keys }, request.headers.get("User-Agent"));
      if (!saved.ok) throw new ApiError(400, "validation_failed", { "keys.p256dh": [saved.error.code] });
      return Response.json({ subscribed: true });
    },
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/push/subscriptions",
    operationId: "deletePushSubscription",
    summary: "Forget this device's Web Push subscription (by endpoint) for the signed-in user",
    tags: ["notifications"],
    auth: "user",
    body: v.object({ endpoint: PushEndpoint }),
    responses: {
      200: { description: "Removed (or there was none of yours)", schema: v.object({ subscribed: v.literal(false), removed: v.boolean() }) },
      400: validationError,
      401: unauthorized,
    },
    async handler({ ctx, body, session }) {
      const removed = await deletePushSubscription(ctx, session!.user.id, body.endpoint);
      return Response.json({ subscribed: false, removed });
    },
  }),
];
