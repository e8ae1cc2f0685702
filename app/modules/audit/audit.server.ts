import type { AppContext } from "~/context.server";
import { auditLog } from "~/db/schema";
import { newId } from "~/lib/ids";

export interface AuditEntry {
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  data?: Record<string, unknown>;
}

/** The insert statement for an audit row, so callers put it in the same db.batch as the change. */
export function auditStatement(ctx: AppContext, entry: AuditEntry) {
  return ctx.db.insert(auditLog).values({
    id: newId("aud"),
    actorUserId: entry.actorUserId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    data: entry.data ? JSON.stringify(entry.data) : null,
    createdAt: Date.now(),
  });
}
