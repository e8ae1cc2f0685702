import { getTableColumns, is, Table } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkRows, D1_MAX_PARAMS } from "./chunk";
import * as schema from "./schema";
import { processedMessages, products, userRoles, users } from "./schema";

const columnCount = (table: Table) => Object.keys(getTableColumns(table)).length;

/** Every drizzle table exported by the schema. */
const tables: [string, Table][] = Object.entries(schema as Record<string, unknown>).flatMap(([name, value]) =>
  is(value, Table) ? [[name, value] as [string, Table]] : [],
);

describe("chunkRows", () => {
  it("finds the schema's tables", () => {
    expect(tables.length).toBeGreaterThanOrEqual(10);
    expect(tables.map(([name]) => name)).toEqual(expect.arrayContaining(["users", "products", "userRoles"]));
  });

  it("fills each chunk up to D1's 100 bound parameters", () => {
    const cols = columnCount(products);
    const size = Math.floor(D1_MAX_PARAMS / cols);
    const rows = Array.from({ length: size * 3 + 1 }, (_, i) => i);
    const chunks = chunkRows(products, rows);
    expect(chunks.map((c) => c.length)).toEqual([size, size, size, 1]);
    expect(size * cols).toBeLessThanOrEqual(D1_MAX_PARAMS);
    expect((size + 1) * cols).toBeGreaterThan(D1_MAX_PARAMS);
  });

  it("returns no chunks for no rows", () => {
    expect(chunkRows(users, [])).toEqual([]);
  });

  it("keeps the row objects themselves (no copies)", () => {
    const rows = [{ id: "a" }, { id: "b" }];
    const [chunk] = chunkRows(userRoles, rows);
    expect(chunk![0]).toBe(rows[0]);
    expect(chunk![1]).toBe(rows[1]);
  });

  it("never exceeds 100 parameters per chunk and keeps every row in order, for every table (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...tables), fc.array(fc.integer(), { maxLength: 400 }), ([name, table], rows) => {
        const cols = columnCount(table);
        const chunks = chunkRows(table, rows);
        for (const chunk of chunks) {
          expect(chunk.length, name).toBeGreaterThan(0);
          expect(chunk.length * cols, name).toBeLessThanOrEqual(D1_MAX_PARAMS);
        }
        expect(chunks.flat()).toEqual(rows);
        // Only the last chunk may be short: no more statements than needed.
        const size = Math.floor(D1_MAX_PARAMS / cols);
        expect(chunks.length).toBe(Math.ceil(rows.length / size));
      }),
    );
  });

  it("honours a smaller parameter budget (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: columnCount(users), max: 200 }), fc.array(fc.nat(), { maxLength: 100 }), (budget, rows) => {
        const chunks = chunkRows(users, rows, budget);
        for (const chunk of chunks) expect(chunk.length * columnCount(users)).toBeLessThanOrEqual(budget);
        expect(chunks.flat()).toEqual(rows);
      }),
    );
  });

  it("still makes progress (one row per chunk) when a row alone exceeds the budget", () => {
    const cols = columnCount(processedMessages);
    expect(cols).toBeGreaterThan(1);
    expect(chunkRows(processedMessages, [1, 2, 3], 1)).toEqual([[1], [2], [3]]);
  });
});
