import type { SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";

/**
 * One D1 batch (one transaction) of raw SQL and drizzle query builders. drizzle's own `db.batch`
 * cannot carry `db.run(sql…)` with parameters (its raw query has no prepared statement to bind:
 * drizzle-orm 0.45), so the set-based statements of this module go to D1 directly.
 */
export type BatchStatement = SQL | { toSQL(): { sql: string; params: unknown[] } };

export async function d1Batch(ctx: AppContext, statements: BatchStatement[]): Promise<D1Result[]> {
  const prepared = statements.map((s) => {
    const q = "toSQL" in s && typeof s.toSQL === "function" ? s.toSQL() : ctx.db.run(s as SQL).getQuery();
    return ctx.env.DB.prepare(q.sql).bind(...(q.params as unknown[]));
  });
  return ctx.env.DB.batch(prepared);
}
