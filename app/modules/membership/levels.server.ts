import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import type { MembershipLevels } from "~/modules/settings/catalogue";
import { getSettings } from "~/modules/settings/settings.server";
import { LEVEL_WINDOW_DAYS, levelForSpend, type MemberLevel } from "./levels";

/**
 * A shopper's spend over the last 12 months: what their orders paid, minus what was refunded,
 * for orders that are sales (not unpaid, cancelled, or a group deal still open).
 */
export function spendSql(userId: SQL | string, now: number): SQL {
  const since = now - LEVEL_WINDOW_DAYS * 24 * 60 * 60 * 1000;
  return sql`(SELECT coalesce(sum(max(0, paid_fen - refunded_fen)), 0) FROM orders
    WHERE user_id = ${userId} AND paid_at >= ${since} AND status NOT IN ('pending_payment', 'cancelled', 'awaiting_group', 'refunded'))`;
}

export async function spendOf(ctx: Pick<AppContext, "db">, userId: string, now = Date.now()): Promise<number> {
  const row = await ctx.db.get<{ spend: number }>(sql`SELECT ${spendSql(userId, now)} AS spend`);
  return Number(row?.spend ?? 0);
}

/** The shopper's membership level now, from their spend and the thresholds in the settings. */
export async function memberLevelOf(ctx: Pick<AppContext, "db">, userId: string, now = Date.now()): Promise<MemberLevel> {
  return (await memberLevelAndLevels(ctx, userId, now)).level;
}

/** The level and the levels' settings it was read against (thresholds and perks). */
export async function memberLevelAndLevels(ctx: Pick<AppContext, "db">, userId: string, now = Date.now()): Promise<{ level: MemberLevel; levels: MembershipLevels }> {
  const [spend, settings] = await Promise.all([spendOf(ctx, userId, now), getSettings(ctx, ["membership.levels"])]);
  const levels = settings["membership.levels"];
  return { level: levelForSpend(spend, levels), levels };
}
