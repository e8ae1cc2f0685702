/**
 * `npm run simulate`: a simulated day against the built Worker (tests/simulate/day.ts), printing
 * its invariants and counts. Builds first unless SKIP_BUILD=1. Exit code 1 if an invariant fails.
 *
 *   npm run simulate -- --orders 10000 --shoppers 2000 --leaders 20 --merchants 10 --seed 7 --concurrency 12
 *   (or SIM_ORDERS, SIM_SHOPPERS, SIM_LEADERS, SIM_MERCHANTS, SIM_SEED, SIM_CONCURRENCY)
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatReport, simulateDay } from "../tests/simulate/day";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    orders: { type: "string" },
    shoppers: { type: "string" },
    leaders: { type: "string" },
    merchants: { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("npm run simulate -- [--orders 10000] [--shoppers 2000] [--leaders 20] [--merchants 10] [--seed 20261126] [--concurrency 12]");
  process.exit(0);
}
const num = (flag: string | undefined, env: string, fallback: number) => {
  const raw = flag ?? process.env[env];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`[simulate] ${env.toLowerCase().replace("sim_", "--")} must be a positive integer, got "${raw}"`);
    process.exit(2);
  }
  return n;
};
const orders = num(values.orders, "SIM_ORDERS", 10_000);
const options = {
  orders,
  shoppers: num(values.shoppers, "SIM_SHOPPERS", Math.max(20, Math.ceil(orders / 5))),
  leaders: num(values.leaders, "SIM_LEADERS", Math.max(2, Math.ceil(orders / 500))),
  merchants: num(values.merchants, "SIM_MERCHANTS", Math.max(2, Math.ceil(orders / 1000))),
  seed: num(values.seed, "SIM_SEED", 20261126),
  concurrency: num(values.concurrency, "SIM_CONCURRENCY", 12),
};

if (process.env.SKIP_BUILD !== "1") {
  const t = Date.now();
  execFileSync(path.join(root, "node_modules/.bin/remix"), ["build"], { cwd: root, env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] });
  console.log(`[simulate] built the Worker in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`[simulate] ${options.orders} orders, ${options.shoppers} shoppers, ${options.leaders} leaders, ${options.merchants} merchants, seed ${options.seed}, concurrency ${options.concurrency}`);
const report = await simulateDay({ ...options, log: (l) => console.log(l) });
console.log(formatReport(report));
if (report.stderr.length) console.log(`\nWorker errors (first 20):\n${report.stderr.slice(0, 20).join("\n")}`);
process.exit(report.ok ? 0 : 1);
