import type { AppContext } from "~/context.server";
import { deadLetters } from "~/db/schema";
import { newId } from "~/lib/ids";
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

export async function handleQueueBatch(ctx: AppContext, batch: MessageBatch<unknown>): Promise<void> {
  if (batch.queue === SETTLEMENT_DLQ || batch.queue.endsWith("-dlq")) {
    for (const message of batch.messages) {
      await recordDeadLetter(ctx, batch.queue, message, "retries exhausted");
      message.ack();
    }
    return;
  }
  for (const message of batch.messages) {
    const parsed = parseSettlementMessage(message.body);
    if (!parsed.success) {
      // A message that can never be valid is poison: park it at once instead of retrying.
      await recordDeadLetter(ctx, batch.queue, message, `invalid message: ${parsed.issues.map((i) => i.message).join("; ")}`);
      message.ack();
      continue;
    }
    try {
      await handleSettlementMessage(ctx, parsed.output);
      message.ack();
    } catch (error) {
      console.warn(`settlement message ${message.id} failed (attempt ${message.attempts})`, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
