import { and, desc, eq, gte, like, lt, or, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { auditLog, users } from "~/db/schema";
import { businessDayEnd, businessDayStart } from "~/modules/merchant-orders/dates";
import type { AuditQuery } from "./audit-log";

export interface AuditRow {
  id: string;
  createdAt: number;
  action: string;
  entityType: string;
  entityId: string | null;
  actorUserId: string | null;
  actorName: string | null;
  data: Record<string, unknown> | null;
}

/** `LIKE` pattern for text the user typed: `%`, `_` and `\` match themselves. */
function likeText(text: string, mode: "prefix" | "contains"): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return mode === "prefix" ? `${escaped}%` : `%${escaped}%`;
}

function parseData(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { value: raw };
  }
}

function conditions(query: AuditQuery): SQL[] {
  const where: SQL[] = [];
  if (query.group) where.push(like(auditLog.action, likeText(`${query.group}.`, "prefix")));
  if (query.actor) where.push(eq(auditLog.actorUserId, query.actor));
  if (query.entityType) where.push(eq(auditLog.entityType, query.entityType));
  if (query.entityId) where.push(eq(auditLog.entityId, query.entityId));
  if (query.from) where.push(gte(auditLog.createdAt, businessDayStart(query.from)));
  if (query.to) where.push(lt(auditLog.createdAt, businessDayEnd(query.to)));
  if (query.q) {
    // Free text: an action prefix ("merchant.app"), an exact id (entity or actor), the actor's
    // name, or anything inside the entry's details (an order id, a setting key, a reason).
    const contains = likeText(query.q, "contains");
    where.push(
      or(
        sql`${auditLog.action} LIKE ${likeText(query.q, "prefix")} ESCAPE '\\'`,
        eq(auditLog.entityId, query.q),
        eq(auditLog.actorUserId, query.q),
        sql`${users.displayName} LIKE ${contains} ESCAPE '\\'`,
        sql`${auditLog.data} LIKE ${contains} ESCAPE '\\'`,
      )!,
    );
  }
  if (query.cursor) {
    // Keyset pagination, newest first: entries strictly older than the cursor's (time, id).
    const { at, id } = query.cursor;
    where.push(or(lt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), lt(auditLog.id, id)))!);
  }
  return where;
}

/**
 * A page of the audit log, newest first, with the next page's cursor (null on the last page).
 * The log is append-only (database triggers refuse UPDATE and DELETE, migration 0001), so a cursor
 * never skips or repeats an entry.
 */
export async function searchAuditLog(ctx: Pick<AppContext, "db">, query: AuditQuery, pageSize: number): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
  const where = conditions(query);
  const found = await ctx.db
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      actorUserId: auditLog.actorUserId,
      actorName: users.displayName,
      data: auditLog.data,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(pageSize + 1);
  const rows = found.slice(0, pageSize).map((r) => ({ ...r, data: parseData(r.data) }));
  const last = rows.at(-1);
  return { rows, nextCursor: found.length > pageSize && last ? `${last.createdAt}_${last.id}` : null };
}
