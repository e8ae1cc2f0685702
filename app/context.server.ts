import type { AppLoadContext } from "@remix-run/cloudflare";
import { createDb, type Db } from "./db/client.server";
import { assertEnv, type Env } from "./env.server";
import type { SessionInfo } from "./auth/session.server";
import { openD1Session, type D1RequestSession } from "./lib/d1-bookmark.server";

/** What every loader, action, API handler, job and consumer receives first. */
export interface AppContext {
  env: Env;
  db: Db;
  waitUntil: (p: Promise<unknown>) => void;
  /** Per-request facts (absent in queue consumers and cron jobs). */
  request?: {
    url: URL;
    ip: string;
    userAgent: string;
    /** True when cookies must be Secure and __Host- prefixed (everything but local plain http). */
    secure: boolean;
    nonce: string;
    /** Set-Cookie headers appended to whatever response the request ends with (session renewal). */
    outgoingCookies: string[];
    /** Memoised session lookup, shared by the loaders that run in parallel for one navigation. */
    session?: Promise<SessionInfo | null>;
    /** The D1 session (read replication) ctx.db runs on, and the bookmark the client sent. */
    d1: D1RequestSession;
  };
}

declare module "@remix-run/cloudflare" {
  interface AppLoadContext extends AppContext {}
}

export function createBaseContext(env: Env, waitUntil: (p: Promise<unknown>) => void): AppContext {
  assertEnv(env);
  return { env, db: createDb(env.DB), waitUntil };
}

/**
 * A request's context: ctx.db runs on a D1 session (Sessions API) — reads from the client's last
 * bookmark on, writes from the primary — and the worker sends the latest bookmark back
 * (app/lib/d1-bookmark.server.ts). Queue consumers, cron jobs and Durable Objects use the base
 * context (the binding itself, i.e. the primary).
 */
export function createRequestContext(request: Request, env: Env, exec: ExecutionContext, nonce: string): AppLoadContext {
  assertEnv(env);
  const url = new URL(request.url);
  const secure = url.protocol === "https:";
  const d1 = openD1Session(env.DB, request, url, secure);
  // drizzle's D1 driver and the session adapter only call prepare() and batch(), which a session
  // has with the same types. ctx.env.DB stays the binding (the primary): the few raw-SQL reads of
  // the admin and finance modules are always fresh there, and env keeps its identity (per-isolate
  // caches such as the payment providers' are keyed by it).
  const db = d1.client as unknown as D1Database;
  return {
    env,
    db: createDb(db),
    waitUntil: (p) => exec.waitUntil(p),
    request: {
      url,
      ip: request.headers.get("CF-Connecting-IP") ?? "127.0.0.1",
      userAgent: request.headers.get("User-Agent") ?? "",
      secure,
      nonce,
      outgoingCookies: [],
      d1,
    },
  };
}

export function requestInfo(ctx: AppContext) {
  if (!ctx.request) throw new Error("This operation needs a request context");
  return ctx.request;
}
