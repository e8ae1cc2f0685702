import { sql, type SQL } from "drizzle-orm";
import { SNAPSHOT_INT_FIELDS, type SnapshotIntField } from "./order-rates";

/**
 * `snapshotInt` (./order-rates.ts) in SQL: the integer field of an order's `rates` JSON when it is
 * there and in range, else `fallback` (today's setting, for orders placed before the field
 * existed). The CASEs nest so json_type never sees malformed JSON (SQLite does not promise to
 * short-circuit AND).
 */
export function snapshotIntSql(rates: SQL, field: SnapshotIntField, fallback: number | SQL): SQL {
  const { min, max } = SNAPSHOT_INT_FIELDS[field];
  const path = `$.${field}`;
  return sql`(CASE WHEN json_valid(${rates}) THEN (CASE WHEN json_type(${rates}, ${path}) = 'integer' AND json_extract(${rates}, ${path}) BETWEEN ${min} AND ${max}
    THEN json_extract(${rates}, ${path}) ELSE ${fallback} END) ELSE ${fallback} END)`;
}
