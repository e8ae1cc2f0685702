import { processedMessages } from "~/db/schema";
import type { AppContext } from "~/context.server";
import { auditStatement } from "~/modules/audit/audit.server";
import { applyOrderLedger } from "~/modules/settlement/settle.server";
import { applyWithdrawalPayout } from "~/modules/settlement/withdrawals.server";
import type { SettlementMessage } from "./messages";

/**
 * Applies one settlement message exactly once. Ledger kinds write their transaction under the
 * message key (a unique index) in the same D1 batch as its entries; `audit.record` writes the key
 * to processed_messages with its effect. Either way a redelivery writes nothing new. A thrown
 * error (D1 hiccup, the ledger moved under us, a payout provider timeout) makes the queue retry.
 */
export async function handleSettlementMessage(ctx: AppContext, message: SettlementMessage, now = Date.now()): Promise<string> {
  switch (message.kind) {
    case "order.settle":
    case "refund.settle":
      return applyOrderLedger(ctx, message, now);
    case "withdrawal.payout":
      return applyWithdrawalPayout(ctx, message, now);
    case "audit.record": {
      const seen = await ctx.db.query.processedMessages.findFirst({ where: (t, { eq }) => eq(t.key, message.key) });
      if (seen) return "duplicate";
      try {
        await ctx.db.batch([
          ctx.db.insert(processedMessages).values({ key: message.key, kind: message.kind, processedAt: now }),
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
