/**
 * Sessions, behind one module so the session library can be replaced (docs/decisions/002-sessions-lucia.md).
 *
 * Lucia v3 creates tokens (25 bytes of CSPRNG entropy), validates, renews at half-life and builds
 * cookies. Our adapter stores SHA-256(token) as the row id, so a leaked database cannot be replayed
 * as sessions. The same sessions serve cookies (web) and bearer tokens (`/api/v1`).
 */
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import type { AppContext } from "~/context.server";
import type { Role } from "~/db/schema";
import { sha256Hex } from "~/lib/encoding";

export const SESSION_DAYS = 30;

export interface SessionUser {
  id: string;
  displayName: string;
  email: string | null;
  locale: string;
  roles: Role[];
}

export interface SessionInfo {
  user: SessionUser;
  sessionId: string;
  expiresAt: Date;
  kind: "cookie" | "bearer";
}

interface UserRow {
  id: string;
  display_name: string;
  email: string | null;
  locale: string;
  status: string;
  roles: string | null;
  session_expires_at: number;
  session_kind: "cookie" | "bearer";
}

declare module "lucia" {
  interface Register {
    Lucia: Lucia<{ kind: "cookie" | "bearer" }, SessionUser>;
    DatabaseUserAttributes: Omit<SessionUser, "id">;
    DatabaseSessionAttributes: { kind: "cookie" | "bearer"; userAgent?: string | null };
  }
}

class HashedD1Adapter implements Adapter {
  constructor(private readonly d1: D1Database) {}

  async getSessionAndUser(token: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.d1
      .prepare(
        `SELECT u.id, u.display_name, u.email, u.locale, u.status,
                (SELECT group_concat(role) FROM user_roles r WHERE r.user_id = u.id) AS roles,
                s.expires_at AS session_expires_at, s.kind AS session_kind
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = ?`,
      )
      .bind(await sha256Hex(token))
      .first<UserRow>();
    if (!row || row.status !== "active") return [null, null];
    const roles = (row.roles ?? "").split(",").filter(Boolean) as Role[];
    return [
      { id: token, userId: row.id, expiresAt: new Date(row.session_expires_at * 1000), attributes: { kind: row.session_kind } },
      { id: row.id, attributes: { displayName: row.display_name, email: row.email, locale: row.locale, roles } },
    ];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    // Only hashes are stored, so the tokens cannot be returned; callers use deleteUserSessions.
    const { results } = await this.d1
      .prepare("SELECT id, expires_at, kind FROM sessions WHERE user_id = ?")
      .bind(userId)
      .all<{ id: string; expires_at: number; kind: "cookie" | "bearer" }>();
    return results.map((r) => ({ id: r.id, userId, expiresAt: new Date(r.expires_at * 1000), attributes: { kind: r.kind } }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await this.d1
      .prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind, user_agent) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(
        await sha256Hex(session.id),
        session.userId,
        Math.floor(session.expiresAt.getTime() / 1000),
        Date.now(),
        session.attributes.kind,
        session.attributes.userAgent?.slice(0, 255) ?? null,
      )
      .run();
  }

  async updateSessionExpiration(token: string, expiresAt: Date): Promise<void> {
    await this.d1
      .prepare("UPDATE sessions SET expires_at = ? WHERE id = ?")
      .bind(Math.floor(expiresAt.getTime() / 1000), await sha256Hex(token))
      .run();
  }

  async deleteSession(token: string): Promise<void> {
    await this.d1.prepare("DELETE FROM sessions WHERE id = ?").bind(await sha256Hex(token)).run();
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.d1.prepare("DELETE FROM sessions WHERE user_id = ?").bind(userId).run();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.d1.prepare("DELETE FROM sessions WHERE expires_at <= ?").bind(Math.floor(Date.now() / 1000)).run();
  }
}

export function cookieName(secure: boolean) {
  return secure ? "__Host-tg_session" : "tg_session";
}

/** Lucia is cheap to construct; one per call keeps the cookie's Secure flag tied to the request. */
function getLucia(ctx: AppContext, secure: boolean): Lucia {
  // The request's D1 session (read replication, app/lib/d1-bookmark.server.ts) where there is one.
  const d1 = ctx.request ? (ctx.request.d1.client as unknown as D1Database) : ctx.env.DB;
  return new Lucia(new HashedD1Adapter(d1), {
    sessionExpiresIn: new TimeSpan(SESSION_DAYS, "d"),
    sessionCookie: { name: cookieName(secure), expires: true, attributes: { secure, sameSite: "lax", path: "/" } },
    getSessionAttributes: (a) => ({ kind: a.kind }),
    getUserAttributes: (a) => ({ displayName: a.displayName, email: a.email, locale: a.locale, roles: a.roles }),
  });
}

function toInfo(session: { id: string; expiresAt: Date; kind: "cookie" | "bearer" }, user: SessionUser): SessionInfo {
  return { user, sessionId: session.id, expiresAt: session.expiresAt, kind: session.kind };
}

/** Reads the session from the cookie (web) or the bearer token (API). Renews cookies past half-life. */
export async function readSession(ctx: AppContext, request: Request): Promise<SessionInfo | null> {
  const info = ctx.request;
  const secure = info?.secure ?? true;
  const lucia = getLucia(ctx, secure);
  const bearer = lucia.readBearerToken(request.headers.get("Authorization") ?? "");
  const token = bearer ?? lucia.readSessionCookie(request.headers.get("Cookie") ?? "");
  if (!token || token.length > 128) return null;
  const { session, user } = await lucia.validateSession(token);
  if (!session) {
    if (!bearer && info) info.outgoingCookies.push(lucia.createBlankSessionCookie().serialize());
    return null;
  }
  if (session.fresh && !bearer && info) info.outgoingCookies.push(lucia.createSessionCookie(session.id).serialize());
  return toInfo(session, user);
}

/** Memoised per request: Remix runs a navigation's loaders in parallel, they share one lookup. */
export function getSession(ctx: AppContext, request: Request): Promise<SessionInfo | null> {
  const info = ctx.request;
  if (!info) return readSession(ctx, request);
  info.session ??= readSession(ctx, request);
  return info.session;
}

/** Starts a new session (always a new token: no fixation). Returns the token and, for web, the cookie. */
export async function startSession(
  ctx: AppContext,
  userId: string,
  kind: "cookie" | "bearer",
): Promise<{ token: string; cookie: string; expiresAt: Date }> {
  const secure = ctx.request?.secure ?? true;
  const lucia = getLucia(ctx, secure);
  const session = await lucia.createSession(userId, { kind, userAgent: ctx.request?.userAgent ?? null });
  return { token: session.id, cookie: lucia.createSessionCookie(session.id).serialize(), expiresAt: session.expiresAt };
}

/** Ends one session; returns the cookie that clears it in the browser. */
export async function endSession(ctx: AppContext, token: string): Promise<string> {
  const lucia = getLucia(ctx, ctx.request?.secure ?? true);
  await lucia.invalidateSession(token);
  return lucia.createBlankSessionCookie().serialize();
}

export async function endAllSessions(ctx: AppContext, userId: string): Promise<void> {
  await getLucia(ctx, true).invalidateUserSessions(userId);
}

export function blankSessionCookie(ctx: AppContext): string {
  return getLucia(ctx, ctx.request?.secure ?? true).createBlankSessionCookie().serialize();
}

export async function deleteExpiredSessions(ctx: AppContext): Promise<void> {
  await getLucia(ctx, true).deleteExpiredSessions();
}
