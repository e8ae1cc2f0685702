import type { SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";

/**
 * Several read queries written as drizzle `sql` in ONE D1 round trip (one `batch` call), each
 * answering its rows as objects keyed by column name. drizzle's own `db.batch` cannot take raw
 * `sql` queries that have parameters (drizzle-orm 0.45: `SQLiteRaw` has no prepared statement to
 * bind), so this goes to the D1 binding directly with drizzle's SQL → {sql, params} rendering.
 */
export async function readBatch<T extends readonly unknown[]>(
  ctx: Pick<AppContext, "db" | "env">,
  queries: { readonly [K in keyof T]: SQL }
): Promise<{ -readonly [K in keyof T]: T[K][] }> {
  const statements = queries.map((query) => {
    const { sql, params } = ctx.db.all(query).getQuery();
    return ctx.env.DB.prepare(sql).bind(...params);
  });
  const results = await ctx.env.DB.batch(statements);
  return results.map((r) => r.results) as { -readonly [K in keyof T]: T[K][] };
}
