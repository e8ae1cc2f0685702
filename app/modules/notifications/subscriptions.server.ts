import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { pushSubscriptions } from "~/db/schema";
import { rawBatch } from "~/db/raw-batch.server";
import { fromBase64Url } from "~/lib/encoding";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";

/** Devices one user keeps subscribed; registering another drops the least recently used. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;

export interface PushSubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * Stores this browser's push subscription for the user (upsert by endpoint: an endpoint that was
 * another account's on this browser moves to this one, with fresh keys and no failures). The
 * public key must be a point on P-256, which the schema's length check cannot tell.
 */
export async function savePushSubscription(
  ctx: AppContext,
  userId: string,
  input: PushSubscriptionInput,
  userAgent: string | null,
  now = Date.now(),
): Promise<Result<{ id: string }, "p256dh_invalid">> {
  try {
    await crypto.subtle.importKey("raw", fromBase64Url(input.p256dh), { name: "ECDH", namedCurve: "P-256" }, false, []);
  } catch {
    return fail("p256dh_invalid", "p256dh");
  }
  const id = newId("psb");
  const ua = userAgent ? userAgent.slice(0, 300) : null;
  await rawBatch(ctx, [
    sql`INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent, failures, created_at)
      VALUES (${id}, ${userId}, ${input.endpoint}, ${input.p256dh}, ${input.auth}, ${ua}, 0, ${now})
      ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
        user_agent = excluded.user_agent, failures = 0, created_at = CASE WHEN push_subscriptions.user_id = excluded.user_id THEN push_subscriptions.created_at ELSE excluded.created_at END`,
    sql`DELETE FROM push_subscriptions WHERE user_id = ${userId} AND id NOT IN (
      SELECT id FROM push_subscriptions WHERE user_id = ${userId} ORDER BY endpoint = ${input.endpoint} DESC, coalesce(last_sent_at, created_at) DESC LIMIT ${MAX_SUBSCRIPTIONS_PER_USER})`,
  ]);
  const row = await ctx.db.query.pushSubscriptions.findFirst({ columns: { id: true }, where: eq(pushSubscriptions.endpoint, input.endpoint) });
  return ok({ id: row?.id ?? id });
}

/** Forgets this browser's subscription, if it is the user's. Answers whether one was removed. */
export async function deletePushSubscription(ctx: AppContext, userId: string, endpoint: string): Promise<boolean> {
  const result = await ctx.db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, userId)));
  return (result.meta.changes ?? 0) > 0;
}
