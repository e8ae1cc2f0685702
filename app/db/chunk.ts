import { getTableColumns, type Table } from "drizzle-orm";

/** D1 allows at most 100 bound parameters per statement: split multi-row inserts to fit. */
export const D1_MAX_PARAMS = 100;

/** Splits rows for a multi-row insert into `table` (drizzle binds every column of the table per row). */
export function chunkRows<T>(table: Table, rows: T[], maxParams = D1_MAX_PARAMS): T[][] {
  const columns = Math.max(1, Object.keys(getTableColumns(table)).length);
  const size = Math.max(1, Math.floor(maxParams / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
