import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Platform settings: one JSON value per key, with a version bumped on every change. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  version: integer("version").notNull().default(1),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull(),
});

/** Append-only audit log of privileged actions. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    actorUserId: text("actor_user_id"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    data: text("data"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("audit_log_created_idx").on(t.createdAt),
    index("audit_log_actor_idx").on(t.actorUserId, t.createdAt),
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_action_idx").on(t.action, t.createdAt),
  ],
);

/** Queue messages that exhausted their retries (dead-letter queue), kept for inspection and re-drive. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull(),
    body: text("body").notNull(),
    error: text("error"),
    attempts: integer("attempts").notNull(),
    createdAt: integer("created_at").notNull(),
    redrivenAt: integer("redriven_at"),
  },
  (t) => [index("dead_letters_created_idx").on(t.createdAt)],
);

/** Keys of queue messages already applied: a redelivered message finds its key and writes nothing. */
export const processedMessages = sqliteTable("processed_messages", {
  key: text("key").primaryKey(),
  kind: text("kind").notNull(),
  processedAt: integer("processed_at").notNull(),
});
