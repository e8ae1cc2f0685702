import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";

/** The shopper's birthday ("MM-DD", no year) for the birthday gift, or null when not given. */
export async function getBirthday(ctx: AppContext, userId: string): Promise<string | null> {
  const row = await ctx.db.get<{ birthday: string | null }>(sql`SELECT birthday FROM users WHERE id = ${userId}`);
  return row?.birthday ?? null;
}

/**
 * Sets (or clears) the birthday. The gift stays once a year whatever is set later: its grant key
 * is per shopper and year (jobs.server.ts), and a trigger refuses anything but a real "MM-DD".
 */
export async function setBirthday(ctx: AppContext, userId: string, birthday: string | null, now = Date.now()): Promise<void> {
  await ctx.db.run(sql`UPDATE users SET birthday = ${birthday}, updated_at = ${now} WHERE id = ${userId}`);
}
