/**
 * `npx tsx tests/bench/profile.ts [path=/] [requests=400] [concurrency=8]` — where a page's CPU
 * time goes inside workerd. Starts the built Worker (build/index.js) in Miniflare with the demo
 * world and a generated 20k-product catalogue, attaches to workerd's V8 inspector, samples the CPU
 * while it serves the requests, and prints the functions with the most self time and the
 * modules/packages they belong to. A tool for performance work, not part of `npm run bench`.
 */
import { drizzle } from "drizzle-orm/d1";
import { Miniflare } from "miniflare";
import path from "node:path";
import WebSocket from "ws";
import * as schema from "../../app/db/schema";
import { seedDemoWorld } from "../../app/modules/demo/seed.server";
import { migrationStatements, TEST_SECRETS } from "../support/worker";
import { appWorkerOptions } from "./app-worker";
import { generateCatalogue, seedCatalogue } from "./catalogue";

const [target = "/", total = "400", concurrency = "8"] = process.argv.slice(2);
const inspectorPort = 9339;

const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: false,
  inspectorPort,
  workers: [{ ...appWorkerOptions("profile-db"), queueConsumers: {} }],
});

try {
  const url = await mf.ready;
  const d1 = (await mf.getD1Database("DB")) as unknown as D1Database;
  const images = (await mf.getR2Bucket("IMAGES")) as unknown as R2Bucket;
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  await seedDemoWorld({ db: drizzle(d1, { schema }), env: { ...TEST_SECRETS, IMAGES: images } });
  await seedCatalogue(
    async (batch) => void (await d1.batch(batch.map((s) => d1.prepare(s.sql).bind(...s.params)))),
    generateCatalogue(20_000),
  );
  const fire = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Number(concurrency) }, async () => {
        while (next++ < n) {
          const res = await fetch(new URL(target, url), { headers: { "Accept-Language": "zh-CN" } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${target} → ${res.status}`);
        }
      }),
    );
  };
  await fire(50); // warm-up

  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  const app = targets.find((t) => t.webSocketDebuggerUrl.includes("app")) ?? targets[0]!;
  const ws = new WebSocket(app.webSocketDebuggerUrl);
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.on("message", (raw) => {
    const msg = JSON.parse(String(raw)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<any>((r) => {
      pending.set(++id, r);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  const started = performance.now();
  await fire(Number(total));
  const wall = performance.now() - started;
  const { profile } = await send("Profiler.stop");
  ws.close();

  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] };
  const nodes = profile.nodes as Node[];
  const dt = (profile.endTime - profile.startTime) / 1000 / (profile.samples.length || 1);
  const byFn = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const n of nodes) {
    const ms = n.hitCount * dt;
    const f = n.callFrame;
    const key = `${f.functionName || "(anon)"} ${path.basename(f.url || "")}:${f.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    const mod = f.url ? path.basename(f.url) : f.functionName.startsWith("(") ? f.functionName : "(native)";
    byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
  }
  const totalMs = [...byFn.values()].reduce((a, b) => a + b, 0);
  const idle = byFn.get("(idle) :-1") ?? 0;
  console.log(`${total} × ${target} in ${wall.toFixed(0)} ms wall; sampled ${totalMs.toFixed(0)} ms, idle ${idle.toFixed(0)} ms → busy ${((totalMs - idle) / Number(total)).toFixed(2)} ms per request`);
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / Number(total)).toFixed(3).padStart(7)} ms/req  ${k}`).join("\n");
  console.log("\nBy module:\n" + top(byModule, 12));
  console.log("\nBy function (self):\n" + top(byFn, 40));

  // PROFILE_CALLERS=name1,name2: who calls these functions (self time by 4-frame call path).
  const wanted = new Set((process.env.PROFILE_CALLERS ?? "").split(",").filter(Boolean));
  if (wanted.size) {
    const parent = new Map<number, Node>();
    for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n);
    const paths = new Map<string, number>();
    for (const n of nodes) {
      if (!wanted.has(n.callFrame.functionName)) continue;
      const chain: string[] = [];
      for (let p: Node | undefined = n; p && chain.length < 6; p = parent.get(p.id)) chain.push(`${p.callFrame.functionName || "(anon)"}:${p.callFrame.lineNumber}`);
      const key = chain.join(" ← ");
      paths.set(key, (paths.get(key) ?? 0) + n.hitCount * dt);
    }
    console.log("\nCallers:\n" + top(paths, 15));
  }
} finally {
  await mf.dispose();
}
