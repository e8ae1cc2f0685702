import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import type { BatchStatement } from "~/db/raw-batch.server";
import { pointsEntries, type PointsKind } from "~/db/schema";
import { newId } from "~/lib/ids";
import { parseSettingValue, SETTING_DEFAULTS, type MembershipLevels } from "~/modules/settings/catalogue";
import { levelForSpend } from "./levels";
import { spendSql } from "./levels.server";
import { businessDateOf } from "~/modules/fulfilment/business-date";
import { expiryOf, pointsForSale, pointsSummary, pointsToExpire, POINTS_VALID_DAYS } from "./points";

/**
 * Points written with the settlement (issue 10 on top of issue 9): the settlement consumer reads
 * `orderPointsSql` in its one read round trip and adds `orderPointsStatement` to its one write
 * batch, so an order's points move exactly when its ledger does — once, however often the message
 * comes.
 */

/** What the order's points depend on: its shopper, what it earned so far and at which multiplier, the shopper's spend and the levels. */
export function orderPointsSql(orderId: string, now: number): SQL {
  return sql`SELECT o.user_id,
      (SELECT coalesce(sum(points), 0) FROM points_entries WHERE order_id = o.id AND kind IN ('earn', 'adjust')) AS earned,
      (SELECT multiplier_pct FROM points_entries WHERE order_id = o.id AND kind = 'earn' LIMIT 1) AS multiplier_pct,
      ${spendSql(sql`o.user_id`, now)} AS spend,
      (SELECT value FROM settings WHERE key = 'membership.levels') AS levels
    FROM orders o WHERE o.id = ${orderId}`;
}

export interface OrderPointsState {
  user_id: string;
  earned: number;
  multiplier_pct: number | null;
  spend: number;
  levels: string | null;
}

/**
 * The entry that brings the order's points to what its net sale earns now (or null when they are
 * already there): `earn` the first time, at the shopper's level multiplier of the moment;
 * `adjust` afterwards (a refund after settlement), at the multiplier first used.
 */
export function orderPointsStatement(ctx: Pick<AppContext, "db">, state: OrderPointsState | undefined, input: { orderId: string; netSaleFen: number; key: string }, now: number): BatchStatement | null {
  if (!state) return null;
  const levels: MembershipLevels = parseSettingValue("membership.levels", state.levels) ?? SETTING_DEFAULTS["membership.levels"];
  const first = state.multiplier_pct === null;
  const pct = first ? levels[levelForSpend(Number(state.spend), levels)].pointsMultiplierPct : Number(state.multiplier_pct);
  const delta = pointsForSale(input.netSaleFen, pct) - Number(state.earned);
  if (delta === 0) return null;
  return ctx.db.insert(pointsEntries).values({
    id: newId("pnt"),
    userId: state.user_id,
    kind: first ? "earn" : "adjust",
    points: delta,
    key: `points:${input.key}`,
    orderId: input.orderId,
    multiplierPct: pct,
    expiresAt: delta > 0 ? expiryOf(now) : null,
    createdAt: now,
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back the expiry job looks for lots that expired (it runs every 5 minutes; a month covers any outage). */
const EXPIRY_LOOKBACK_DAYS = 30;
export const POINTS_HISTORY_SHOWN = 50;

/**
 * The expiry job (the `*\/5` cron): for each shopper with a lot that expired recently and no
 * expiry written since, the unspent part of the expired lots (FIFO, `pointsToExpire`) is taken
 * off with one `expire` entry, keyed per shopper and day so a rerun writes nothing twice.
 */
export async function expireDuePoints(ctx: AppContext, now: number, limit = 500): Promise<number> {
  const users = await ctx.env.DB.prepare(
    `SELECT DISTINCT p.user_id FROM points_entries p
     WHERE p.points > 0 AND p.expires_at <= ? AND p.expires_at > ?
       AND NOT EXISTS (SELECT 1 FROM points_entries x WHERE x.user_id = p.user_id AND x.kind = 'expire' AND x.created_at >= p.expires_at)
     LIMIT ?`,
  )
    .bind(now, now - EXPIRY_LOOKBACK_DAYS * DAY_MS, limit)
    .all<{ user_id: string }>();
  let written = 0;
  for (const { user_id: userId } of users.results) {
    const entries = await ctx.env.DB.prepare("SELECT points, kind, expires_at FROM points_entries WHERE user_id = ?").bind(userId).all<{ points: number; kind: string; expires_at: number | null }>();
    const due = pointsToExpire(
      entries.results.map((e) => ({ points: Number(e.points), kind: e.kind, expiresAt: e.expires_at === null ? null : Number(e.expires_at) })),
      now,
    );
    if (due <= 0) continue;
    const inserted = await ctx.env.DB.prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at) VALUES (?, ?, 'expire', ?, ?, ?) ON CONFLICT(key) DO NOTHING")
      .bind(newId("pnt"), userId, -due, `expire:${userId}:${businessDateOf(now)}`, now)
      .run();
    written += inserted.meta.changes ?? 0;
  }
  return written;
}

/** A shopper's membership page: level, spend and progress to the next level, the level's perks, points and their history. */
export async function getMembership(ctx: AppContext, userId: string, now = Date.now()) {
  const [spendRow, levelsRow, entries] = await Promise.all([
    ctx.db.get<{ spend: number }>(sql`SELECT ${spendSql(userId, now)} AS spend`),
    ctx.env.DB.prepare("SELECT value FROM settings WHERE key = 'membership.levels'").first<{ value: string }>(),
    ctx.env.DB.prepare("SELECT id, kind, points, order_id, multiplier_pct, expires_at, created_at FROM points_entries WHERE user_id = ? ORDER BY created_at DESC, id DESC")
      .bind(userId)
      .all<{ id: string; kind: PointsKind; points: number; order_id: string | null; multiplier_pct: number | null; expires_at: number | null; created_at: number }>(),
  ]);
  const levels = parseSettingValue("membership.levels", levelsRow?.value) ?? SETTING_DEFAULTS["membership.levels"];
  const spendFen = Number(spendRow?.spend ?? 0);
  const level = levelForSpend(spendFen, levels);
  const next = level === "normal" ? "silver" : level === "silver" ? "gold" : null;
  const rows = entries.results.map((e) => ({
    id: e.id,
    kind: e.kind,
    points: Number(e.points),
    orderId: e.order_id,
    multiplierPct: e.multiplier_pct === null ? null : Number(e.multiplier_pct),
    expiresAt: e.expires_at === null ? null : Number(e.expires_at),
    createdAt: Number(e.created_at),
  }));
  return {
    level,
    spendFen,
    perks: levels[level],
    next: next ? { level: next, thresholdFen: levels[next].thresholdFen, remainingFen: Math.max(0, levels[next].thresholdFen - spendFen), multiplierPct: levels[next].pointsMultiplierPct } : null,
    /** Progress to the next level in basis points (0–10000); the top level is full. */
    progressBp: next ? Math.min(10_000, Math.floor((spendFen * 10_000) / Math.max(1, levels[next].thresholdFen))) : 10_000,
    points: pointsSummary(rows, now),
    history: rows.slice(0, POINTS_HISTORY_SHOWN),
    validDays: POINTS_VALID_DAYS,
  };
}
export type Membership = Awaited<ReturnType<typeof getMembership>>;

/** The level and balance for the Me page's card (one light round trip). */
export async function getMembershipCard(ctx: AppContext, userId: string, now = Date.now()) {
  const [row, levelsRow] = await Promise.all([
    ctx.db.get<{ spend: number; balance: number }>(sql`SELECT ${spendSql(userId, now)} AS spend, (SELECT coalesce(sum(points), 0) FROM points_entries WHERE user_id = ${userId}) AS balance`),
    ctx.env.DB.prepare("SELECT value FROM settings WHERE key = 'membership.levels'").first<{ value: string }>(),
  ]);
  const levels = parseSettingValue("membership.levels", levelsRow?.value) ?? SETTING_DEFAULTS["membership.levels"];
  return { level: levelForSpend(Number(row?.spend ?? 0), levels), points: Number(row?.balance ?? 0) };
}
