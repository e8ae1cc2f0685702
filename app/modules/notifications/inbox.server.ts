import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import type { NoticeData } from "./notice-kinds";
import { safeNoticeLink } from "./notice-kinds";

export const INBOX_PAGE_SIZE = 20;

/** Which of the reader's notices an inbox shows: the leader app's own, or all of them (/me). */
export type InboxScope = "leader" | "all";

export interface InboxItem {
  id: string;
  kind: string;
  data: NoticeData;
  link: string | null;
  read: boolean;
  createdAt: number;
}

function scopeFilter(scope: InboxScope): SQL {
  // The leader app's inbox: the leader's own notices and their money (withdrawals).
  return scope === "leader" ? sql`AND (kind LIKE 'leader.%' OR kind LIKE 'money.%')` : sql``;
}

function parseData(json: string): NoticeData {
  try {
    const value = JSON.parse(json) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string" || typeof v === "number")) as NoticeData;
    }
  } catch {
    /* a malformed row reads as no values */
  }
  return {};
}

/**
 * One page of the reader's notices, newest first (keyset paging on created_at, id), with the
 * cursor of the next (older) page when there is one, and the unread count.
 */
export async function listInbox(ctx: AppContext, userId: string, opts: { scope: InboxScope; before?: { at: number; id: string }; limit?: number }) {
  const limit = opts.limit ?? INBOX_PAGE_SIZE;
  const before = opts.before ? sql`AND (created_at < ${opts.before.at} OR (created_at = ${opts.before.at} AND id < ${opts.before.id}))` : sql``;
  const [rows, unread] = await Promise.all([
    ctx.db.all<{ id: string; kind: string; data: string; link: string | null; read_at: number | null; created_at: number }>(
      sql`SELECT id, kind, data, link, read_at, created_at FROM notifications WHERE user_id = ${userId} ${scopeFilter(opts.scope)} ${before}
        ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
    ),
    countUnread(ctx, userId, opts.scope),
  ]);
  const items: InboxItem[] = rows.slice(0, limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    data: parseData(r.data),
    link: safeNoticeLink(r.link),
    read: r.read_at !== null,
    createdAt: Number(r.created_at),
  }));
  const last = items.at(-1);
  return { items, unread, nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null };
}

/** The reader's unread notices (for a badge in a shell). */
export async function countUnread(ctx: AppContext, userId: string, scope: InboxScope = "all"): Promise<number> {
  const row = await ctx.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM notifications WHERE user_id = ${userId} AND read_at IS NULL ${scopeFilter(scope)}`);
  return Number(row?.n ?? 0);
}

/** Marks the reader's unread notices (of the scope) read. Answers how many changed. */
export async function markAllRead(ctx: AppContext, userId: string, scope: InboxScope, now = Date.now()): Promise<number> {
  const result = await ctx.db.run(sql`UPDATE notifications SET read_at = ${now} WHERE user_id = ${userId} AND read_at IS NULL ${scopeFilter(scope)}`);
  return Number(result.meta.changes ?? 0);
}
