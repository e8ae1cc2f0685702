import type { AppContext } from "~/context.server";
import { deadLetters } from "~/db/schema";
import { newId } from "~/lib/ids";
import { LedgerStaleError } from "~/modules/settlement/settle.server";
import { handleSettlementMessage } from "./settlement.consumer.server";
import { parseSettlementMessage } from "./messages";

export const SETTLEMENT_QUEUE = "settlement";
export const SETTLEMENT_DLQ = "settlement-dlq";

/** Exponential backoff for retries: 10 s, 20 s, 40 s … capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

async function recordDeadLetter(ctx: AppContext, queue: string, message: Message<unknown>, error: string) {
  await ctx.db.insert(deadLetters).values({
    id: newId("dlq"),
    queue,
    messageId: message.id,
    body: JSON.stringify(message.body ?? null).slice(0, 100_000),
    error: error.slice(0, 2000),
    attempts: message.attempts,
    createdAt: Date.now(),
  });
}

/**
 * Fault injection for the settlement fault test and bench (never set in wrangler.toml): with
 * `SETTLEMENT_FAULT_RATE` = p (0..1) outside production, a share p of consumer calls throws —
 * half of them before the message is applied, half after it was written but before the ack —
 * which is what a crash, a timeout or a lost ack look like to the queue.
 */
function faultRate(ctx: AppContext): number {
  const env = ctx.env;
  if (env.APP_ENV === "production" || !env.SETTLEMENT_FAULT_RATE) return 0;
  const p = Number(env.SETTLEMENT_FAULT_RATE);
  return Number.isFinite(p) && p > 0 ? Math.min(p, 1) : 0;
}
export class InjectedFault extends Error {
  constructor(when: "before" | "after") {
    super(`injected fault (${when} applying)`);
    this.name = "InjectedFault";
  }
}

/**
 * The settlement queue's consumer: each message parsed (an invalid body is poison and parked in
 * dead_letters at once), applied, and acked; a failure is retried with exponential backoff until
 * the queue's max_retries sends it to the dead-letter queue, whose consumer records it for the
 * admin page (/admin/dead-letters, with re-drive). The messages of a batch run concurrently: two
 * for one order are kept apart by the ledger's optimistic guard (one of them retries).
 */
export async function handleQueueBatch(ctx: AppContext, batch: MessageBatch<unknown>): Promise<void> {
  if (batch.queue === SETTLEMENT_DLQ || batch.queue.endsWith("-dlq")) {
    for (const message of batch.messages) {
      await recordDeadLetter(ctx, batch.queue, message, "retries exhausted");
      message.ack();
    }
    return;
  }
  const rate = faultRate(ctx);
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = parseSettlementMessage(message.body);
      if (!parsed.success) {
        // A message that can never be valid is poison: park it at once instead of retrying.
        await recordDeadLetter(ctx, batch.queue, message, `invalid message: ${parsed.issues.map((i) => i.message).join("; ")}`);
        message.ack();
        return;
      }
      try {
        const fault = rate > 0 && Math.random() < rate ? (Math.random() < 0.5 ? "before" : "after") : null;
        if (fault === "before") throw new InjectedFault("before");
        await handleSettlementMessage(ctx, parsed.output);
        if (fault === "after") throw new InjectedFault("after");
        message.ack();
      } catch (error) {
        // An injected fault, or the ledger moving under a concurrent message for the same order, is an expected retry.
        if (!(error instanceof InjectedFault) && !(error instanceof LedgerStaleError)) console.warn(`settlement message ${message.id} (${parsed.output.key}) failed (attempt ${message.attempts})`, error);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
