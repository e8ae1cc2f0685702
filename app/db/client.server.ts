import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof build>;

function build(d1: D1Database) {
  return drizzle(d1, { schema });
}

// drizzle() walks the whole schema to build its relational config (~0.5 ms of CPU), and a drizzle
// instance holds no per-request state, so one is built per D1 binding and reused.
const instances = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = build(d1);
    instances.set(d1, db);
  }
  return db;
}

export { schema };
