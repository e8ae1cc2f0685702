import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { abortWhen, isGuardAbort, rawBatch } from "~/db/raw-batch.server";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { parseSettlementMessage } from "~/queues/messages";

/**
 * The dead-letter queue's admin side (issue 9): settlement messages that were poison (invalid
 * bodies, parked at once) or exhausted their retries are kept in `dead_letters`; a finance admin
 * reads them and re-drives the ones whose body is still a valid settlement message — it goes back
 * on the settlement queue, whose consumer is idempotent by the message key, so a re-drive of an
 * already applied message changes nothing.
 */

export const DEAD_LETTERS_SHOWN = 100;

export interface DeadLetterItem {
  id: string;
  queue: string;
  messageId: string;
  /** The message's key and kind when the body carries them (even an invalid body may). */
  key: string | null;
  kind: string | null;
  /** The body, pretty-printed when it is JSON. */
  body: string;
  /** Whether the body parses as a settlement message (only those can be re-driven). */
  valid: boolean;
  error: string | null;
  attempts: number;
  createdAt: number;
  redrivenAt: number | null;
}

function readBody(raw: string): { json: unknown; parsed: boolean } {
  try {
    return { json: JSON.parse(raw), parsed: true };
  } catch {
    return { json: undefined, parsed: false };
  }
}

const textField = (value: unknown, key: string): string | null => {
  const field = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === "string" ? field : null;
};

/** Newest first, those not re-driven yet before the others; at most DEAD_LETTERS_SHOWN. */
export async function listDeadLetters(ctx: AppContext, limit = DEAD_LETTERS_SHOWN) {
  const [rows, counts] = await Promise.all([
    ctx.env.DB.prepare(
      `SELECT id, queue, message_id, body, error, attempts, created_at, redriven_at FROM dead_letters
       ORDER BY (redriven_at IS NOT NULL), created_at DESC, id DESC LIMIT ?`,
    )
      .bind(limit)
      .all<{ id: string; queue: string; message_id: string; body: string; error: string | null; attempts: number; created_at: number; redriven_at: number | null }>(),
    ctx.env.DB.prepare("SELECT count(*) AS total, coalesce(sum(redriven_at IS NULL), 0) AS waiting FROM dead_letters").first<{ total: number; waiting: number }>(),
  ]);
  const items: DeadLetterItem[] = rows.results.map((r) => {
    const { json, parsed } = readBody(r.body);
    return {
      id: r.id,
      queue: r.queue,
      messageId: r.message_id,
      key: textField(json, "key"),
      kind: textField(json, "kind"),
      body: parsed ? JSON.stringify(json, null, 2) : r.body,
      valid: parsed && parseSettlementMessage(json).success,
      error: r.error,
      attempts: Number(r.attempts),
      createdAt: Number(r.created_at),
      redrivenAt: r.redriven_at === null ? null : Number(r.redriven_at),
    };
  });
  return { items, total: Number(counts?.total ?? 0), waiting: Number(counts?.waiting ?? 0) };
}

export type RedriveError = "not_found" | "already_redriven" | "invalid_message";


/**
 * Puts a dead letter's message back on the settlement queue. The body must still parse as a
 * settlement message (a `v: 99` body never will: `invalid_message`). The entry is claimed first —
 * `redriven_at` set by a guarded UPDATE in one batch with the audit row, which aborts when another
 * request claimed it — so a double click sends the message once; should the send itself fail, the
 * claim is released and the error thrown (the admin can try again).
 */
export async function redriveDeadLetter(
  ctx: AppContext,
  input: { adminUserId: string; deadLetterId: string },
  now = Date.now(),
): Promise<Result<{ key: string; kind: string }, RedriveError>> {
  const row = await ctx.env.DB.prepare("SELECT id, queue, body, redriven_at FROM dead_letters WHERE id = ?")
    .bind(input.deadLetterId)
    .first<{ id: string; queue: string; body: string; redriven_at: number | null }>();
  if (!row) return fail("not_found", "deadLetterId");
  if (row.redriven_at !== null) return fail("already_redriven", "deadLetterId");
  const { json, parsed } = readBody(row.body);
  const message = parsed ? parseSettlementMessage(json) : null;
  if (!message?.success) return fail("invalid_message", "deadLetterId");
  const { key, kind } = message.output;
  try {
    await rawBatch(ctx, [
      abortWhen(sql`(SELECT redriven_at FROM dead_letters WHERE id = ${row.id}) IS NOT NULL`, "dead_letter_redriven"),
      sql`UPDATE dead_letters SET redriven_at = ${now} WHERE id = ${row.id} AND redriven_at IS NULL`,
      auditStatement(ctx, {
        actorUserId: input.adminUserId,
        action: "dead_letter.redrive",
        entityType: "dead_letter",
        entityId: row.id,
        data: { queue: row.queue, key, kind },
      }),
    ]);
  } catch (error) {
    if (isGuardAbort(error)) return fail("already_redriven", "deadLetterId");
    throw error;
  }
  try {
    await ctx.env.SETTLEMENT_QUEUE.send(message.output);
  } catch (error) {
    await ctx.env.DB.prepare("UPDATE dead_letters SET redriven_at = NULL WHERE id = ? AND redriven_at = ?").bind(row.id, now).run();
    throw error;
  }
  return ok({ key, kind });
}
