import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import { translate } from "~/i18n/i18n";
import { isFeatureOn } from "~/modules/settings/settings.server";
import type { Notice } from "./notify.server";
import { inboxPathFor, pushPolicy, renderNotice, safeNoticeLink } from "./notice-kinds";
import { parsePushConfig, type PushEnv } from "./push-config";
import { buildPushRequest, type VapidKeys } from "./web-push";

/** Consecutive failed deliveries after which a subscription is dropped. */
export const MAX_PUSH_FAILURES = 5;
/** Pushes one call sends at most (Workers limit subrequests per invocation); the inbox has the rest. */
const MAX_PUSHES_PER_CALL = 500;
/** Parallel requests to push services (Workers allow six open connections at a time). */
const CONCURRENCY = 6;
const TIMEOUT_MS = 10_000;

const reported = new WeakSet<object>();

/** The VAPID keys when push is configured; null when it is off (or misconfigured, which is logged once). */
export function getPushConfig(env: PushEnv): VapidKeys | null {
  const parsed = parsePushConfig(env);
  if (parsed === null) return null;
  if (!parsed.ok) {
    if (!reported.has(env)) {
      reported.add(env);
      console.error(`Invalid push configuration (Web Push is off): ${parsed.problem}`);
    }
    return null;
  }
  return parsed.vapid;
}

/** The public key browsers subscribe with, or null when push is off. */
export function pushPublicKey(env: PushEnv): string | null {
  return getPushConfig(env)?.publicKey ?? null;
}

/**
 * What a page's push toggle needs: `shown` false while the platform's `feature.web_push` switch
 * is off (the toggle is hidden), else the public key (null when push is not configured here).
 */
export async function pushToggleState(ctx: AppContext): Promise<{ shown: boolean; publicKey: string | null }> {
  if (!(await isFeatureOn(ctx, "feature.web_push"))) return { shown: false, publicKey: null };
  return { shown: true, publicKey: pushPublicKey(ctx.env) };
}

/**
 * Sends these notices to their recipients' devices after the response (ctx.waitUntil). Never
 * throws and never delays the caller; without VAPID settings, or while the platform's
 * `feature.web_push` switch is off (admin settings), it sends nothing — the in-app inbox still has
 * every notice.
 */
export function pushNotices(ctx: AppContext, notices: readonly Notice[]): void {
  if (!notices.length) return;
  let vapid: VapidKeys | null;
  try {
    vapid = getPushConfig(ctx.env);
  } catch (error) {
    console.warn("push configuration unreadable", error);
    return;
  }
  if (!vapid) return;
  const keys = vapid;
  ctx.waitUntil(
    (async () => {
      if (await isFeatureOn(ctx, "feature.web_push")) await deliverPushes(ctx, keys, notices);
    })().catch((error) => console.warn("web push delivery failed", error)),
  );
}

interface SubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  locale: string;
}

export type PushOutcome = "sent" | "gone" | "failed";

export type PushPayload = {
  title: string;
  body: string;
  url: string;
  tag: string;
};

/** What the device shows for a notice, in the recipient's language. */
export function pushPayloadFor(notice: Notice, locale: string): PushPayload {
  const t = (key: string, options?: Record<string, unknown>) => translate(locale, key, options);
  const { title, body } = renderNotice(t, { kind: notice.kind, data: notice.data ?? {} });
  return { title, body, url: safeNoticeLink(notice.link) ?? inboxPathFor(notice.kind), tag: pushPolicy({ kind: notice.kind, data: notice.data ?? {}, link: notice.link }).tag };
}

/** A push service's answer: 2xx delivered; 404/410 the subscription is gone (RFC 8030 §7.3); anything else a failure. */
export function classifyPushResponse(status: number): PushOutcome {
  if (status >= 200 && status < 300) return "sent";
  if (status === 404 || status === 410) return "gone";
  return "failed";
}

async function sendOne(vapid: VapidKeys, sub: SubscriptionRow, notice: Notice): Promise<PushOutcome> {
  const policy = pushPolicy({ kind: notice.kind, data: notice.data ?? {}, link: notice.link });
  try {
    const { url, init } = await buildPushRequest({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, pushPayloadFor(notice, sub.locale), vapid, policy);
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    // Free the connection; push services answer with an empty or tiny body.
    await response.body?.cancel().catch(() => {});
    const outcome = classifyPushResponse(response.status);
    if (outcome === "failed") console.warn(`web push to ${new URL(sub.endpoint).origin} answered ${response.status} (subscription ${sub.id})`);
    return outcome;
  } catch (error) {
    console.warn(`web push to subscription ${sub.id} failed`, error instanceof Error ? error.message : error);
    return "failed";
  }
}

/**
 * Delivers the notices to every subscription of their recipients and records the outcome per
 * subscription in one batch: gone → deleted; delivered → failures reset, last_sent_at; failed →
 * failures + 1, deleted at MAX_PUSH_FAILURES in a row.
 */
export async function deliverPushes(ctx: AppContext, vapid: VapidKeys, notices: readonly Notice[], now = Date.now()): Promise<Record<PushOutcome, number>> {
  const counts: Record<PushOutcome, number> = { sent: 0, gone: 0, failed: 0 };
  const userIds = JSON.stringify([...new Set(notices.map((n) => n.userId))]);
  const subs = await ctx.db.all<SubscriptionRow>(sql`SELECT s.id, s.user_id, s.endpoint, s.p256dh, s.auth, u.locale FROM push_subscriptions s
    JOIN users u ON u.id = s.user_id WHERE s.user_id IN (SELECT value FROM json_each(${userIds}))`);
  if (!subs.length) return counts;
  const byUser = new Map<string, SubscriptionRow[]>();
  for (const s of subs) byUser.set(s.user_id, [...(byUser.get(s.user_id) ?? []), s]);
  let jobs = notices.flatMap((n) => (byUser.get(n.userId) ?? []).map((sub) => ({ sub, notice: n })));
  if (jobs.length > MAX_PUSHES_PER_CALL) {
    console.warn(`web push: ${jobs.length} deliveries requested, sending the first ${MAX_PUSHES_PER_CALL} (the inbox has every notice)`);
    jobs = jobs.slice(0, MAX_PUSHES_PER_CALL);
  }

  const perSub = new Map<string, PushOutcome>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const outcome = await sendOne(vapid, job.sub, job.notice);
      counts[outcome]++;
      // A subscription's result for this call: gone beats delivered beats failed.
      const seen = perSub.get(job.sub.id);
      if (seen !== "gone" && (outcome === "gone" || seen !== "sent")) perSub.set(job.sub.id, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));

  const ids = (o: PushOutcome) => JSON.stringify([...perSub].filter(([, v]) => v === o).map(([k]) => k));
  const statements: BatchStatement[] = [
    sql`DELETE FROM push_subscriptions WHERE id IN (SELECT value FROM json_each(${ids("gone")}))`,
    sql`UPDATE push_subscriptions SET failures = 0, last_sent_at = ${now} WHERE id IN (SELECT value FROM json_each(${ids("sent")}))`,
    sql`UPDATE push_subscriptions SET failures = failures + 1 WHERE id IN (SELECT value FROM json_each(${ids("failed")}))`,
    sql`DELETE FROM push_subscriptions WHERE failures >= ${MAX_PUSH_FAILURES} AND id IN (SELECT value FROM json_each(${ids("failed")}))`,
  ];
  await rawBatch(ctx, statements);
  return counts;
}
