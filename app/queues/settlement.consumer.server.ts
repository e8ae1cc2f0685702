import { processedMessages } from "~/db/schema";
import type { AppContext } from "~/context.server";
import { auditStatement } from "~/modules/audit/audit.server";
import type { SettlementMessage } from "./messages";

/**
 * Applies one settlement message exactly once: the effect and the message key are written in one
 * db.batch, and the key's primary-key constraint makes a redelivery a no-op.
 */
export async function handleSettlementMessage(ctx: AppContext, message: SettlementMessage): Promise<"applied" | "duplicate"> {
  const seen = await ctx.db.query.processedMessages.findFirst({ where: (t, { eq }) => eq(t.key, message.key) });
  if (seen) return "duplicate";
  switch (message.kind) {
    case "audit.record": {
      try {
        await ctx.db.batch([
          ctx.db.insert(processedMessages).values({ key: message.key, kind: message.kind, processedAt: Date.now() }),
          auditStatement(ctx, {
            actorUserId: null,
            action: message.action,
            entityType: message.entityType,
            entityId: message.entityId,
            data: message.data,
          }),
        ]);
      } catch (error) {
        // Lost a race with a concurrent delivery of the same message: the batch rolled back whole.
        if (String(error).includes("UNIQUE")) return "duplicate";
        throw error;
      }
      return "applied";
    }
  }
}
