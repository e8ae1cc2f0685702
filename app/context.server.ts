import type { AppLoadContext } from "@remix-run/cloudflare";
import { createDb, type Db } from "./db/client.server";
import { assertEnv, type Env } from "./env.server";
import type { SessionInfo } from "./auth/session.server";

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
  };
}

declare module "@remix-run/cloudflare" {
  interface AppLoadContext extends AppContext {}
}

export function createBaseContext(env: Env, waitUntil: (p: Promise<unknown>) => void): AppContext {
  assertEnv(env);
  return { env, db: createDb(env.DB), waitUntil };
}

export function createRequestContext(request: Request, env: Env, exec: ExecutionContext, nonce: string): AppLoadContext {
  const base = createBaseContext(env, (p) => exec.waitUntil(p));
  const url = new URL(request.url);
  return {
    ...base,
    request: {
      url,
      ip: request.headers.get("CF-Connecting-IP") ?? "127.0.0.1",
      userAgent: request.headers.get("User-Agent") ?? "",
      secure: url.protocol === "https:",
      nonce,
      outgoingCookies: [],
    },
  };
}

export function requestInfo(ctx: AppContext) {
  if (!ctx.request) throw new Error("This operation needs a request context");
  return ctx.request;
}
