import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { AppContext } from "~/context.server";
import { auditLog, deadLetters, processedMessages } from "~/db/schema";
import { handleQueueBatch, retryDelaySeconds, SETTLEMENT_DLQ, SETTLEMENT_QUEUE } from "./index.server";

describe("retryDelaySeconds", () => {
  it.each([
    [0, 10],
    [1, 10],
    [2, 20],
    [3, 40],
    [4, 80],
    [5, 160],
    [6, 320],
    [7, 600],
    [8, 600],
    [100, 600],
    [5000, 600],
  ])("attempt %d → %d s", (attempts, seconds) => {
    expect(retryDelaySeconds(attempts)).toBe(seconds);
  });

  it("never decreases, stays within 10…600 s and is an integer (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), (n) => {
        const d = retryDelaySeconds(n);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(10);
        expect(d).toBeLessThanOrEqual(600);
        expect(retryDelaySeconds(n + 1)).toBeGreaterThanOrEqual(d);
      }),
    );
  });
});

/** A db double that records inserts and batches; enough for the queue consumer's few calls. */
function fakeContext(opts: { seenKeys?: string[]; batchError?: Error } = {}) {
  const inserts: { table: unknown; row: Record<string, unknown> }[] = [];
  const batches: { table: unknown; row: Record<string, unknown> }[][] = [];
  const db = {
    insert: (table: unknown) => ({
      values: (row: Record<string, unknown>) => {
        const stmt = { table, row };
        // Awaited directly (dead letters) or passed to batch (settlement effects).
        return Object.assign(Promise.resolve().then(() => void inserts.push(stmt)), { stmt });
      },
    }),
    batch: async (stmts: { stmt: { table: unknown; row: Record<string, unknown> } }[]) => {
      if (opts.batchError) throw opts.batchError;
      batches.push(stmts.map((s) => s.stmt));
      return [];
    },
    query: {
      processedMessages: {
        findFirst: async ({ where }: { where: (t: unknown, ops: { eq: (a: unknown, b: unknown) => unknown }) => unknown }) => {
          let key: unknown;
          where({ key: "key-column" }, { eq: (_col, value) => (key = value) });
          return opts.seenKeys?.includes(String(key)) ? { key } : undefined;
        },
      },
    },
  };
  return { ctx: { db, env: { APP_ENV: "test" } } as unknown as AppContext, inserts, batches };
}

function fakeMessage(body: unknown, attempts = 1) {
  return { id: `msg-${Math.random()}`, body, attempts, timestamp: new Date(), ack: vi.fn(), retry: vi.fn() };
}

function batchOf(queue: string, messages: ReturnType<typeof fakeMessage>[]) {
  return { queue, messages, ackAll: vi.fn(), retryAll: vi.fn() } as unknown as MessageBatch<unknown>;
}

const AUDIT = { v: 1, kind: "audit.record", key: "audit:k1", action: "user.updated", entityType: "user", entityId: "usr_1" };

describe("handleQueueBatch", () => {
  it("applies a valid message once: processed key and audit row in one batch, then acks", async () => {
    const { ctx, batches, inserts } = fakeContext();
    const message = fakeMessage(AUDIT);
    await handleQueueBatch(ctx, batchOf(SETTLEMENT_QUEUE, [message]));
    expect(message.ack).toHaveBeenCalledOnce();
    expect(message.retry).not.toHaveBeenCalled();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((s) => s.table)).toEqual([processedMessages, auditLog]);
    expect(batches[0]![0]!.row).toMatchObject({ key: "audit:k1", kind: "audit.record" });
    expect(batches[0]![1]!.row).toMatchObject({ action: "user.updated", entityType: "user", entityId: "usr_1", actorUserId: null });
    expect(inserts.filter((i) => i.table === deadLetters)).toEqual([]);
  });

  it("acks a redelivered message without applying it again", async () => {
    const { ctx, batches } = fakeContext({ seenKeys: ["audit:k1"] });
    const message = fakeMessage(AUDIT, 2);
    await handleQueueBatch(ctx, batchOf(SETTLEMENT_QUEUE, [message]));
    expect(message.ack).toHaveBeenCalledOnce();
    expect(batches).toEqual([]);
  });

  it("parks an invalid message in dead letters at once instead of retrying", async () => {
    const { ctx, inserts, batches } = fakeContext();
    const message = fakeMessage({ ...AUDIT, v: 2 });
    await handleQueueBatch(ctx, batchOf(SETTLEMENT_QUEUE, [message]));
    expect(message.ack).toHaveBeenCalledOnce();
    expect(message.retry).not.toHaveBeenCalled();
    expect(batches).toEqual([]);
    const dead = inserts.filter((i) => i.table === deadLetters);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.row).toMatchObject({ queue: SETTLEMENT_QUEUE, messageId: message.id, attempts: 1 });
    expect(String(dead[0]!.row.error)).toMatch(/^invalid message: /);
    expect(JSON.parse(String(dead[0]!.row.body))).toEqual({ ...AUDIT, v: 2 });
  });

  it("retries a failing message with exponential backoff", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { ctx, inserts } = fakeContext({ batchError: new Error("D1 is down") });
      const message = fakeMessage(AUDIT, 3);
      await handleQueueBatch(ctx, batchOf(SETTLEMENT_QUEUE, [message]));
      expect(message.ack).not.toHaveBeenCalled();
      expect(message.retry).toHaveBeenCalledWith({ delaySeconds: 40 });
      expect(inserts.filter((i) => i.table === deadLetters)).toEqual([]);
      expect(warn).toHaveBeenCalledOnce();
    } finally {
      warn.mockRestore();
    }
  });

  it("treats a UNIQUE violation (lost race with a redelivery) as done", async () => {
    const { ctx } = fakeContext({ batchError: new Error("D1_ERROR: UNIQUE constraint failed: processed_messages.key") });
    const message = fakeMessage(AUDIT);
    await handleQueueBatch(ctx, batchOf(SETTLEMENT_QUEUE, [message]));
    expect(message.ack).toHaveBeenCalledOnce();
    expect(message.retry).not.toHaveBeenCalled();
  });

  it("records every message of a dead-letter queue and acks it", async () => {
    const { ctx, inserts, batches } = fakeContext();
    const messages = [fakeMessage(AUDIT, 5), fakeMessage("garbage", 5)];
    await handleQueueBatch(ctx, batchOf(SETTLEMENT_DLQ, messages));
    for (const m of messages) expect(m.ack).toHaveBeenCalledOnce();
    expect(batches).toEqual([]);
    const dead = inserts.filter((i) => i.table === deadLetters);
    expect(dead.map((d) => d.row.error)).toEqual(["retries exhausted", "retries exhausted"]);
    expect(dead.map((d) => d.row.queue)).toEqual([SETTLEMENT_DLQ, SETTLEMENT_DLQ]);
  });

  it("handles each message of a mixed batch on its own", async () => {
    const { ctx, inserts, batches } = fakeContext();
    const good = fakeMessage(AUDIT);
    const bad = fakeMessage({ kind: "nope" });
    await handleQueueBatch(ctx, batchOf(SETTLEMENT_QUEUE, [bad, good]));
    expect(bad.ack).toHaveBeenCalledOnce();
    expect(good.ack).toHaveBeenCalledOnce();
    expect(batches).toHaveLength(1);
    expect(inserts.filter((i) => i.table === deadLetters)).toHaveLength(1);
  });
});
