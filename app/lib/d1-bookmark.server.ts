/**
 * D1 read replication (Sessions API) for one request: which session a request opens and how the
 * latest bookmark travels back to the client, so the same client always reads its own writes
 * (docs/decisions/025-scale-plan.md).
 *
 * - GET/HEAD: a session that starts from the bookmark the client sent back (the `__d1b` cookie
 *   for pages, the `x-d1-bookmark` header for the API), or "first-unconstrained" without one —
 *   any replica may answer, but never one older than what this client already saw.
 * - Anything else (forms, API writes): "first-primary".
 * - The latest bookmark goes back: on every API response that ran a query (the header), and on
 *   every page response to a write — a form post or a data action — as a cookie (HttpOnly,
 *   SameSite=Lax; __Host- and Secure over https). Page reads do not set it: a read cannot make
 *   the client's own writes any fresher, and a Set-Cookie on every page view would be churn
 *   (and would keep anonymous pages out of the edge cache).
 *
 * A bookmark is opaque to the app but has a fixed shape; anything else a client sends is ignored
 * (a malformed bookmark would make withSession throw on Cloudflare: a 500 from a cookie).
 */
import * as v from "valibot";
import { readCookie } from "./preferences.server";

export const BOOKMARK_HEADER = "x-d1-bookmark";
const COOKIE_NAME = "d1b";
/** A year: a bookmark is only ever a lower bound on freshness, never a secret. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export const BookmarkSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/));

export function bookmarkCookieName(secure: boolean) {
  return secure ? `__Host-${COOKIE_NAME}` : `__${COOKIE_NAME}`;
}

/** Both spellings, for code that must recognise the cookie whatever the scheme (the edge cache). */
export const BOOKMARK_COOKIE_NAMES = [bookmarkCookieName(false), bookmarkCookieName(true)] as const;

export interface D1RequestSession {
  session: D1DatabaseSession;
  /** What ctx.db runs on: the session, counting what the request sends (see `d1Stats`). */
  client: Pick<D1DatabaseSession, "prepare" | "batch">;
  stats: { statements: number; batches: number; batched: number };
  /** The valid bookmark the client sent, if any. */
  sent: string | null;
  /** Whether the bookmark goes back as a header (API) or a cookie (pages). */
  via: "header" | "cookie";
  /** GET/HEAD: a read that may be served by a replica. */
  reading: boolean;
}

function isApi(url: URL) {
  return url.pathname === "/api" || url.pathname.startsWith("/api/");
}

export function openD1Session(db: D1Database, request: Request, url: URL, secure: boolean): D1RequestSession {
  const via = isApi(url) ? "header" : "cookie";
  const raw = via === "header" ? request.headers.get(BOOKMARK_HEADER) : readCookie(request, bookmarkCookieName(secure));
  const parsed = v.safeParse(BookmarkSchema, raw);
  const sent = parsed.success ? parsed.output : null;
  const reading = request.method === "GET" || request.method === "HEAD";
  const session = db.withSession(reading ? (sent ?? "first-unconstrained") : "first-primary");
  const stats = { statements: 0, batches: 0, batched: 0 };
  const client = {
    prepare(query: string) {
      stats.statements++;
      return session.prepare(query);
    },
    batch<T = unknown>(statements: D1PreparedStatement[]) {
      stats.batches++;
      stats.batched += statements.length;
      return session.batch<T>(statements);
    },
  };
  return { session, client, stats, sent, via, reading };
}

function bookmarkCookie(value: string, secure: boolean) {
  return `${bookmarkCookieName(secure)}=${value}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The response with the session's latest bookmark attached (see the rules above). */
export function withBookmark(response: Response, d1: D1RequestSession, secure: boolean): Response {
  const latest = d1.session.getBookmark();
  if (!latest) return response; // no query ran
  if (d1.via === "cookie" && (d1.reading || latest === d1.sent)) return response;
  const out = new Response(response.body, response);
  if (d1.via === "header") out.headers.set(BOOKMARK_HEADER, latest);
  else out.headers.append("Set-Cookie", bookmarkCookie(latest, secure));
  return out;
}

/**
 * `Server-Timing: d1;desc="…"`: the statements a request prepared and the round trips they took
 * (a batch is one), outside production — how ADR 025 counts queries per page.
 */
export function d1Stats(d1: D1RequestSession): string {
  const { statements, batches, batched } = d1.stats;
  const roundTrips = statements - batched + batches;
  return `d1;desc="${statements} statements, ${roundTrips} round trips"`;
}
