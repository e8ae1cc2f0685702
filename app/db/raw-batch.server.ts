import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";

/**
 * Statements for ONE D1 batch (one round trip, one transaction): drizzle `sql` or query builders.
 * drizzle's own `db.batch` cannot take raw `sql` with parameters (drizzle-orm 0.45: `SQLiteRaw`
 * has no prepared statement to bind), so these go to the D1 binding directly, rendered by drizzle.
 */
export type BatchStatement = SQL | { toSQL(): { sql: string; params: unknown[] } };

export async function rawBatch(ctx: Pick<AppContext, "db" | "env">, statements: readonly BatchStatement[]): Promise<D1Result[]> {
  const prepared = statements.map((s) => {
    const q = "toSQL" in s && typeof s.toSQL === "function" ? s.toSQL() : ctx.db.run(s as SQL).getQuery();
    return ctx.env.DB.prepare(q.sql).bind(...(q.params as unknown[]));
  });
  return ctx.env.DB.batch(prepared);
}

/** Several read queries in one round trip, each answering its rows as objects keyed by column name. */
export async function readBatch<T extends readonly unknown[]>(
  ctx: Pick<AppContext, "db" | "env">,
  queries: { readonly [K in keyof T]: SQL },
): Promise<{ -readonly [K in keyof T]: T[K][] }> {
  const results = await rawBatch(ctx, queries as readonly SQL[]);
  return results.map((r) => r.results) as { -readonly [K in keyof T]: T[K][] };
}

const errorText = (error: unknown) => `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;

/**
 * A batch guard: a statement that aborts its whole batch (one transaction) when `condition` holds.
 * RAISE() exists only in triggers, so the abort is json() of a text that is not JSON — evaluated
 * only when the condition is true. `isGuardAbort` recognises the failure it causes.
 */
export function abortWhen(condition: SQL, mark: string): SQL {
  return sql`SELECT CASE WHEN ${condition} THEN json(${mark}) END`;
}

/** Whether a batch failed on one of its guards (json() of a non-JSON text). */
export const isGuardAbort = (error: unknown) => /malformed JSON/.test(errorText(error));

/** Whether a batch failed on the unique index of `table.column` (e.g. a redelivered message's key). */
export const isUniqueViolation = (error: unknown, target: string) => errorText(error).includes(`UNIQUE constraint failed: ${target}`);
