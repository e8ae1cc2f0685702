import { desc } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { outboxMessages } from "~/db/schema";

export async function listOutbox(ctx: AppContext, limit = 50) {
  return ctx.db.select().from(outboxMessages).orderBy(desc(outboxMessages.createdAt)).limit(limit);
}
