import { afterEach, describe, expect, it, vi } from "vitest";
import type { PickupList, QueuedHandover } from "~/modules/leaders/handover";
import { dismissConflict, enqueue, loadLastList, loadStored, markRefused, markSynced, newClientRef, readQueue, saveList, sendHandover } from "./handover-store";

// Node has no IndexedDB: these run on the store's in-memory fallback (what private browsing gets).
const POINT = "pkp_test0000000000000000";
const item = (clientRef: string): QueuedHandover => ({
  clientRef,
  code: "12345678",
  orderId: "ord_x",
  lines: [{ lineId: "oli_a", quantity: 1 }],
  handedAt: 1000,
  offline: true,
  customerName: "小美",
  summary: "草莓 ×1",
  attempts: 0,
});
const list = (generatedAt: number): PickupList => ({ pickupPointId: POINT, generatedAt, orders: [], others: [], recorded: [] });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the device store", () => {
  it("queues once per clientRef; a synced entry leaves the queue for the synced list; a refusal is reported until dismissed", async () => {
    await enqueue(POINT, item("r1"));
    await enqueue(POINT, item("r1"));
    await enqueue(POINT, item("r2"));
    expect((await readQueue(POINT)).map((q) => q.clientRef)).toEqual(["r1", "r2"]);
    await markSynced(POINT, item("r1"));
    await markRefused(POINT, item("r2"), "already_collected", true);
    const stored = await loadStored(POINT);
    expect(stored.queue).toEqual([]);
    expect(stored.synced.map((s) => s.clientRef)).toEqual(["r1"]);
    expect(stored.conflicts).toEqual([{ clientRef: "r2", customerName: "小美", summary: "草莓 ×1", refusal: "already_collected", handedAt: 1000 }]);
    await dismissConflict(POINT, "r2");
    expect((await loadStored(POINT)).conflicts).toEqual([]);
  });

  it("keeps the newer list, and remembers the last one shown", async () => {
    await saveList("阳光花园便利店", list(2000));
    await saveList("阳光花园便利店", list(1000));
    expect((await loadStored(POINT)).list?.generatedAt).toBe(2000);
    expect(await loadLastList()).toMatchObject({ pointName: "阳光花园便利店", list: { generatedAt: 2000 } });
  });

  it("makes UUID-shaped client refs", () => {
    expect(newClientRef()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("sendHandover", () => {
  const respond = (status: number, body: unknown) => vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } })));

  it("posts one idempotent request and reads the outcome", async () => {
    respond(201, { handover: { completed: false }, order: { remaining: [{ remaining: 2 }, { remaining: 1 }] } });
    expect(await sendHandover(item("r9"))).toEqual({ kind: "done", completed: false, remaining: 3 });
    const [url, init] = (fetch as unknown as { mock: { calls: [string, RequestInit][] } }).mock.calls[0]!;
    expect(url).toBe("/api/v1/leader/pickups");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>)["Idempotency-Key"]).toBe("r9");
    expect(JSON.parse(String(init.body))).toEqual({ code: "12345678", orderId: "ord_x", lines: [{ lineId: "oli_a", quantity: 1 }], handedAt: 1000, offline: true });
  });

  it("names the refusal: the error code, or a field's code for a 400", async () => {
    respond(409, { error: { code: "already_collected", message: "…" } });
    expect(await sendHandover(item("r9"))).toEqual({ kind: "refused", refusal: "already_collected" });
    respond(400, { error: { code: "validation_failed", message: "…", fields: { handedAt: ["handed_at_invalid"] } } });
    expect(await sendHandover(item("r9"))).toEqual({ kind: "refused", refusal: "handed_at_invalid" });
  });

  it("retries after a network failure or a server error; says when signed out", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    expect(await sendHandover(item("r9"))).toEqual({ kind: "retry" });
    respond(503, {});
    expect(await sendHandover(item("r9"))).toEqual({ kind: "retry" });
    respond(401, { error: { code: "unauthorized" } });
    expect(await sendHandover(item("r9"))).toEqual({ kind: "signed_out" });
  });
});
