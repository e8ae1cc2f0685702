/**
 * Integration harness: the built Worker (build/index.js) in Miniflare with real D1 (migrations
 * applied), Durable Objects (SQLite), Queues (+ dead-letter queue), R2 and static assets.
 * Anything the Worker writes to stderr (console.error, uncaught errors) is collected, and
 * `expectNoServerErrors()` fails the test on it.
 */
import { drizzle } from "drizzle-orm/d1";
import { Miniflare, Response as MiniflareResponse } from "miniflare";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import * as schema from "../../app/db/schema";
import { seedDemoWorld } from "../../app/modules/demo/seed.server";

const root = path.resolve(import.meta.dirname, "../..");

export const TEST_SECRETS = {
  DATA_KEYS: "k1:dGVzdC1kYXRhLWtleS0xLXRoaXJ0eS10d28tYnl0ZXM=,k0:b2xkLXRlc3Qta2V5LXJvdGF0ZWQtb3V0LXRoaXJ0eTI=",
  DATA_KEY_ID: "k1",
  LOOKUP_KEY: "dGVzdC1sb29rdXAta2V5LXRoaXJ0eS10d28tYnl0ZXM=",
};

export const TEST_SANDBOX_SECRET = "test-sandbox-secret";

/**
 * Web Push (VAPID) keys of the test Worker: push is on in every test Worker (it sends nothing
 * while no one has a subscription). Pass `vars: { VAPID_PUBLIC_KEY: "", … }` for a Worker
 * without push.
 */
export const TEST_VAPID = {
  VAPID_PUBLIC_KEY: "BDFMWwGzqMyej05ulka_lc_VsjejyZEZrwBnJP0AdX8Bj6A54FrvYWdeXgQghuLb59353wTck3VFqHmXTKQTh4Y",
  VAPID_PRIVATE_KEY: JSON.stringify({
    kty: "EC",
    crv: "P-256",
    x: "MUxbAbOozJ6PTm6WRr-Vz9WyN6PJkRmvAGck_QB1fwE",
    y: "j6A54FrvYWdeXgQghuLb59353wTck3VFqHmXTKQTh4Y",
    d: "AqN9VNtZMfQBFQsPWkU1ArUFbHKKFnlzgo-UnY1a5QQ",
  }),
  VAPID_SUBJECT: "mailto:push-tests@tuangou.test",
};

export function migrationStatements(): string[] {
  const dir = path.join(root, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) =>
      readFileSync(path.join(dir, f), "utf8")
        .split("--> statement-breakpoint")
        .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
        .filter(Boolean),
    );
}

/**
 * Names a folder of ready-made worlds — `migrated/` (the schema only) and `seeded/` (the demo world
 * too) — that `startWorker` copies instead of migrating and seeding again: the integration global
 * setup makes them once per run (about two seconds saved per test file). Without it (benches,
 * scripts), every start migrates and seeds.
 */
export const WORLD_TEMPLATES_ENV = "TG_WORLD_TEMPLATES";
const D1_ID = "test-db";

/** Seeds the demo world, retrying Miniflare's loopback assertion hiccup (see below). */
async function seedDemo(d1: D1Database, images: R2Bucket) {
  const db = drizzle(d1, { schema });
  // Seeding goes through Miniflare's Node-side proxy, whose own `assert` on a loopback answer
  // has failed now and then when several instances start at once on two busy cores ("false ==
  // true" under a D1 query). The seed is idempotent (fixed ids), so that one error is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await seedDemoWorld({ db, env: { ...TEST_SECRETS, IMAGES: images } });
      return;
    } catch (error) {
      const proxyHiccup = error instanceof Error && (error.name === "AssertionError" || (error.cause instanceof Error && error.cause.name === "AssertionError"));
      if (!proxyHiccup || attempt === 3) throw error;
      console.warn(`[startWorker] seeding hit Miniflare's proxy assertion; seeding again (attempt ${attempt + 1})`);
    }
  }
}

/**
 * Writes the two ready-made worlds into `dir` (see WORLD_TEMPLATES_ENV): D1 and R2 persisted by a
 * bare Miniflare (no app Worker needed to write them).
 */
export async function prepareWorldTemplates(dir: string): Promise<void> {
  for (const [name, seed] of [["migrated", false], ["seeded", true]] as const) {
    const root = path.join(dir, name);
    const mf = new Miniflare({
      modules: true,
      script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
      compatibilityDate: "2026-04-20",
      d1Databases: { DB: D1_ID },
      r2Buckets: ["IMAGES"],
      d1Persist: path.join(root, "d1"),
      r2Persist: path.join(root, "r2"),
    });
    try {
      const d1 = (await mf.getD1Database("DB")) as unknown as D1Database;
      await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
      if (seed) await seedDemo(d1, (await mf.getR2Bucket("IMAGES")) as unknown as R2Bucket);
    } finally {
      await mf.dispose();
    }
  }
}

export interface StartOptions {
  vars?: Record<string, string>;
  seed?: boolean;
  /** Origin the Worker sees, e.g. https://shop.example to exercise Secure/__Host- cookies. */
  origin?: string;
  /** Answers the Worker's outbound fetches (Miniflare outboundService), e.g. the fake push service's `outbound`. */
  outbound?: (request: Request) => Promise<Response>;
}

export type TestWorker = Awaited<ReturnType<typeof startWorker>>;

export async function startWorker(options: StartOptions = {}) {
  const stderr: string[] = [];
  const stdout: string[] = [];
  const collect = (stream: Readable, into: string[]) => {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) into.push(line);
    });
  };
  const templates = process.env[WORLD_TEMPLATES_ENV];
  const persistRoot = templates ? mkdtempSync(path.join(os.tmpdir(), "tg-world-")) : null;
  if (templates && persistRoot) cpSync(path.join(templates, options.seed === false ? "migrated" : "seeded"), persistRoot, { recursive: true });
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: path.join(root, "build/index.js") }],
    compatibilityDate: "2026-04-20",
    bindings: { APP_ENV: "test", SMS_PROVIDER: "outbox", EMAIL_PROVIDER: "outbox", SANDBOX_PAY_SECRET: TEST_SANDBOX_SECRET, ...TEST_SECRETS, ...TEST_VAPID, ...options.vars },
    d1Databases: { DB: D1_ID },
    ...(persistRoot && { d1Persist: path.join(persistRoot, "d1"), r2Persist: path.join(persistRoot, "r2") }),
    r2Buckets: ["IMAGES"],
    durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true }, GROUP_DEAL_ROOM: { className: "GroupDealRoom", useSQLite: true }, FLASH_SALE_STOCK: { className: "FlashSaleStock", useSQLite: true } },
    queueProducers: { SETTLEMENT_QUEUE: "settlement" },
    queueConsumers: {
      settlement: { maxBatchSize: 25, maxBatchTimeout: 1, maxRetries: 2, retryDelay: 0, deadLetterQueue: "settlement-dlq" },
      "settlement-dlq": { maxBatchSize: 10, maxBatchTimeout: 1 },
    },
    assets: {
      directory: path.join(root, "public"),
      binding: "ASSETS",
      routerConfig: { has_user_worker: true },
      assetConfig: { html_handling: "none" },
    },
    cf: false,
    ...(options.outbound && { outboundService: options.outbound as never }),
    handleRuntimeStdio(out: Readable, err: Readable) {
      collect(out, stdout);
      collect(err, stderr);
    },
  });
  await mf.ready;
  const d1 = (await mf.getD1Database("DB")) as unknown as D1Database;
  const images = (await mf.getR2Bucket("IMAGES")) as unknown as R2Bucket;
  if (!persistRoot) {
    await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
    if (options.seed !== false) await seedDemo(d1, images);
  }
  const db = drizzle(d1, { schema });
  const origin = options.origin ?? "http://localhost";
  const worker = await mf.getWorker();

  async function fetchRaw(pathOrUrl: string, init?: RequestInit): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${origin}${pathOrUrl}`;
    const res = await mf.dispatchFetch(url, { redirect: "manual", ...init } as never);
    return (await holdBody(res)) as unknown as Response;
  }

  return {
    mf,
    d1,
    db,
    images,
    origin,
    stderr,
    stdout,
    fetch: fetchRaw,
    client: (opts: { ip?: string } = {}) => new Client(fetchRaw, origin, opts.ip ?? "203.0.113.10"),
    async scheduled(cron: string, scheduledTime = Date.now()) {
      return worker.scheduled({ cron, scheduledTime: new Date(scheduledTime) });
    },
    async queueProducer() {
      return mf.getQueueProducer("SETTLEMENT_QUEUE");
    },
    /** Latest 6-digit code sent to a phone/email (what a person reads in the dev outbox). */
    async latestCode(recipient: string): Promise<string> {
      const row = await d1
        .prepare("SELECT body FROM outbox_messages WHERE recipient = ? ORDER BY created_at DESC, rowid DESC LIMIT 1")
        .bind(recipient)
        .first<{ body: string }>();
      const code = row?.body.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`No code in the outbox for ${recipient}`);
      return code;
    },
    expectNoServerErrors(allow: RegExp[] = []) {
      const unexpected = stderr.filter((l) => !allow.some((re) => re.test(l)));
      stderr.length = 0;
      if (unexpected.length) throw new Error(`The Worker logged errors:\n${unexpected.join("\n")}`);
    },
    async dispose() {
      await mf.dispose();
      if (persistRoot) rmSync(persistRoot, { recursive: true, force: true });
    },
  };
}

/**
 * Miniflare answers `dispatchFetch` with `new Response(undiciResponse.body, undiciResponse)` and drops
 * the undici Response. undici registers that dropped object with a FinalizationRegistry that cancels
 * its body stream once it is garbage-collected while the stream is still unlocked — so a caller that
 * awaits other work before reading (300 concurrent claims, then `res.json()` on each) can find the
 * body already cancelled: "Body is unusable: Body has already been read". It happens only when a GC
 * runs in that window, i.e. on a busy machine. So every body is read to its end as soon as its
 * response arrives (which also frees its connection at once; the app streams no response the tests
 * read piece by piece), and the caller gets a Response over those bytes.
 */
async function holdBody(res: MiniflareResponse): Promise<MiniflareResponse> {
  if (res.body === null || res.status === 101) return res;
  const bytes = await res.arrayBuffer();
  return new MiniflareResponse(bytes, res);
}

/** A browser-like client: a cookie jar, same-origin Origin on writes, a fixed client IP. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly raw: (path: string, init?: RequestInit) => Promise<Response>,
    readonly origin: string,
    readonly ip: string,
  ) {}

  private absorb(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ""] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: Omit<RequestInit, "headers"> & { headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {
      // Miniflare forwards dispatchFetch through a loopback socket, so the Host header the Worker
      // sees is that socket's; tell Remix's action check the public host, as Cloudflare's edge would.
      "X-Forwarded-Host": new URL(this.origin).host,
      "CF-Connecting-IP": this.ip,
      "Accept-Language": "zh-CN",
      ...init.headers,
    };
    const cookie = this.cookieHeader();
    if (cookie && !("Cookie" in headers)) headers.Cookie = cookie;
    const res = await this.raw(path, { ...init, headers });
    this.absorb(res);
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { method: "GET", headers });
  }

  /** A form POST as a browser sends it (Origin = this site). */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(form),
      headers: { Origin: this.origin, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    });
  }

  /** A multipart form POST as a browser sends it (encoded here, so its boundary is in the header). */
  async postMultipart(path: string, form: FormData, headers: Record<string, string> = {}) {
    const encoded = new Response(form);
    const body = new Uint8Array(await encoded.arrayBuffer());
    return this.request(path, { method: "POST", body, headers: { Origin: this.origin, "Content-Type": encoded.headers.get("Content-Type")!, ...headers } });
  }

  /** Remix single-fetch action call (what the browser does with JS on): the .data endpoint. */
  json(path: string, body: unknown, headers: Record<string, string> = {}) {
    return this.request(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", ...headers },
    });
  }

  /** Signs in with a phone code read from the outbox, like a person with the dev outbox open. */
  async signInWithPhone(worker: { latestCode(r: string): Promise<string> }, phone: string): Promise<Response> {
    const sent = await this.post("/login", { intent: "request-code", channel: "sms", phone });
    if (sent.status !== 200) throw new Error(`code request failed: ${sent.status}`);
    const code = await worker.latestCode(phone);
    return this.post("/login", { intent: "verify-code", channel: "sms", phone, code });
  }
}
