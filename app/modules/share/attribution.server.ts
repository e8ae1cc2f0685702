import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { lookupHash } from "~/lib/field-crypto.server";
import { randomBase32 } from "~/lib/ids";
import { ensureDeviceId, readDeviceCookie, readSharerCookie, SHARE_CODE } from "~/lib/share-cookies.server";
import { arriveThroughShareLink } from "~/modules/leaders/promote.server";

/**
 * Who shared what (ADR 023): each signed-in shopper has one opaque share code; their product and
 * group links are `/s/<code>?to=<path>`. Arriving through one sets the sharer cookie (on that
 * redirect only, so the pages stay edge-cacheable), counts a visit on the sharer's link, and — when
 * the sharer leads an active pickup point — attributes the visitor to that point too, exactly as the
 * leader's own `/r/<invite code>` link does. Checkout records the sharer on the order.
 */

/** Paths a share link may carry: a product page or a group page (a group page may name who invited). */
const SHAREABLE = /^\/(?:products\/prd_[0-9a-z]{20}|groups\/grp_[0-9a-z]{20})$/;

/**
 * The page a shared path is about (`/products/<id>`, `/groups/<id>`), or null for any other path.
 * A leader's link wrapping one (`/r/<code>?to=/groups/<id>?from=…`) is about the page it leads to.
 */
export function sharedPage(to: string): string | null {
  const [path = "", query = ""] = to.split("#")[0]!.split(/\?(.*)/s);
  if (path.startsWith("/r/")) {
    const inner = new URLSearchParams(query).get("to");
    return inner && !inner.startsWith("/r/") ? sharedPage(inner) : null;
  }
  return SHAREABLE.test(path) ? path : null;
}

/** The share link of `to` (a path on this site) carrying the code: /s/<code>?to=/products/<id>. */
export function sharePath(code: string, to: string): string {
  return `/s/${encodeURIComponent(code)}?to=${encodeURIComponent(to).replace(/%2F/gi, "/")}`;
}

/** The user's share code, made on first use (10 random base32 characters; a collision draws again). */
export async function getOrCreateShareCode(ctx: AppContext, userId: string, now = Date.now()): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [row] = await ctx.db.all<{ code: string }>(sql`SELECT code FROM share_codes WHERE user_id = ${userId}`);
    if (row) return row.code;
    try {
      await ctx.db.run(sql`INSERT INTO share_codes (user_id, code, created_at) VALUES (${userId}, ${randomBase32(10)}, ${now}) ON CONFLICT (user_id) DO NOTHING`);
    } catch (error) {
      if (!/UNIQUE constraint failed: share_codes\.code/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`)) throw error;
    }
  }
  throw new Error("Could not allocate a share code");
}

/** The active user a share code belongs to, or null. */
export async function findSharerByCode(ctx: AppContext, code: string | undefined): Promise<{ userId: string } | null> {
  if (!code || !SHARE_CODE.test(code)) return null;
  const [row] = await ctx.db.all<{ user_id: string }>(
    sql`SELECT c.user_id FROM share_codes c JOIN users u ON u.id = c.user_id WHERE c.code = ${code} AND u.status = 'active'`,
  );
  return row ? { userId: row.user_id } : null;
}

/** Notes that the account was used on this device (its keyed hash only). */
export async function recordDevice(ctx: AppContext, userId: string, deviceId: string, now = Date.now()): Promise<void> {
  const hash = await lookupHash(ctx.env, "device", deviceId);
  await ctx.db.run(sql`INSERT INTO user_devices (device_hash, user_id, first_seen_at, last_seen_at) VALUES (${hash}, ${userId}, ${now}, ${now})
    ON CONFLICT (device_hash, user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`);
}

/**
 * At sign-in (and wherever a signed-in page may set a cookie): the device id, new if the browser has
 * none, recorded against the account. Returns the Set-Cookie to send when the id is new.
 */
export async function recordSignedInDevice(ctx: AppContext, request: Request, userId: string): Promise<string | null> {
  const { deviceId, setCookie } = ensureDeviceId(request, ctx.request?.secure ?? true);
  await recordDevice(ctx, userId, deviceId);
  return setCookie;
}

/** Remembers that the user shared this page (the "my shares" list). */
export async function rememberSharedLink(ctx: AppContext, userId: string, page: string, now = Date.now()): Promise<void> {
  if (!sharedPage(page)) return;
  await ctx.db.run(sql`INSERT INTO share_links (user_id, path, visits, created_at) VALUES (${userId}, ${page}, 0, ${now}) ON CONFLICT (user_id, path) DO NOTHING`);
}

/** The share link of a page for a signed-in user: their code (made if needed) and the link remembered. */
export async function shareLinkFor(ctx: AppContext, userId: string, to: string): Promise<string> {
  const code = await getOrCreateShareCode(ctx, userId);
  const page = sharedPage(to);
  if (page) await rememberSharedLink(ctx, userId, page);
  return sharePath(code, to);
}

export interface ShareArrival {
  /** The leader attribution when the sharer leads an active point (the cookie to set), else null. */
  leaderPointId: string | null;
  /** Whether the visitor is now bound to that point (a guest's pickup cookie to set). */
  bound: boolean;
  /** The device id cookie to set when the browser had none. */
  deviceCookie: string | null;
}

/**
 * A visitor arriving through `/s/<code>?to=…`: null for an unknown code. Counts a visit on the
 * sharer's link (not the sharer's own visits), records the signed-in visitor's device, and, when the
 * sharer leads an active point and `to` is not already a leader's link, attributes the visitor to
 * that point like `/r/<invite code>` does.
 */
export async function arriveThroughShare(
  ctx: AppContext,
  request: Request,
  input: { code: string | undefined; to: string; userId: string | null; guestPointId: string | undefined },
  now = Date.now(),
): Promise<ShareArrival | null> {
  const sharer = await findSharerByCode(ctx, input.code);
  if (!sharer) return null;
  const { deviceId, setCookie } = ensureDeviceId(request, ctx.request?.secure ?? true);
  if (input.userId) await recordDevice(ctx, input.userId, deviceId, now);
  const page = sharedPage(input.to);
  if (page && input.userId !== sharer.userId) {
    await ctx.db.run(sql`INSERT INTO share_links (user_id, path, visits, created_at, last_visit_at) VALUES (${sharer.userId}, ${page}, 1, ${now}, ${now})
      ON CONFLICT (user_id, path) DO UPDATE SET visits = visits + 1, last_visit_at = excluded.last_visit_at`);
  }
  let leaderPointId: string | null = null;
  let bound = false;
  if (!input.to.startsWith("/r/")) {
    const [point] = await ctx.db.all<{ invite_code: string }>(
      sql`SELECT invite_code FROM pickup_points WHERE leader_user_id = ${sharer.userId} AND status = 'active' AND invite_code IS NOT NULL ORDER BY created_at LIMIT 1`,
    );
    if (point) {
      const arrived = await arriveThroughShareLink(ctx, { code: point.invite_code, userId: input.userId, guestPointId: input.guestPointId });
      if (arrived.ok) ({ pointId: leaderPointId, bound } = arrived.value);
    }
  }
  return { leaderPointId, bound, deviceCookie: setCookie };
}

/**
 * The sharer to record on an order the buyer is placing now: the share cookie's code, if it names
 * an active user (the buyer themself included: the reward step refuses that with its reason).
 * Also records the buyer's device, so the reward step sees it.
 */
export async function sharerForOrder(ctx: AppContext, request: Request, buyerUserId: string): Promise<string | undefined> {
  const device = readDeviceCookie(request);
  if (device) await recordDevice(ctx, buyerUserId, device);
  const sharer = await findSharerByCode(ctx, readSharerCookie(request));
  return sharer?.userId;
}

/** Whether the user leads an active pickup point (their share links carry its attribution too). */
export async function leadsActivePoint(ctx: AppContext, userId: string): Promise<boolean> {
  const rows = await ctx.db.all<{ one: number }>(sql`SELECT 1 AS one FROM pickup_points WHERE leader_user_id = ${userId} AND status = 'active' AND invite_code IS NOT NULL LIMIT 1`);
  return rows.length > 0;
}
