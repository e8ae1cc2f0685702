/** `npm run seed`: writes the demo world into the local D1/R2 (idempotent). */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../app/db/schema";
import { seedDemoWorld } from "../app/modules/demo/seed.server";
import { ensureDevVars } from "./dev-vars.mjs";
import { openLocalBindings, readDevVars } from "./local-bindings";

ensureDevVars();

const vars = readDevVars();
// PERSIST_TO picks another local state folder (the e2e server seeds its own, separate one).
const { mf, DB, IMAGES } = await openLocalBindings(process.env.PERSIST_TO || undefined);
try {
  const started = Date.now();
  const result = await seedDemoWorld(
    {
      db: drizzle(DB as unknown as D1Database, { schema }),
      env: { DATA_KEYS: vars.DATA_KEYS!, DATA_KEY_ID: vars.DATA_KEY_ID!, LOOKUP_KEY: vars.LOOKUP_KEY!, IMAGES: IMAGES as unknown as R2Bucket },
    },
    // The local demo also gets a few weeks of collected orders (the leaders' commission figures).
    { pastOrders: true },
  );
  console.log(`Demo world ready: ${result.users} accounts, ${result.products} products (${Date.now() - started} ms).`);
} finally {
  await mf.dispose();
}
