/**
 * The hand-over page's memory on the device (IndexedDB through idb-keyval), per pickup point:
 * - `list`: the newest pickup list the server sent (what a cold offline open shows);
 * - `queue`: hand-overs confirmed but not yet accepted by the server (offline, or the POST failed);
 * - `synced`: hand-overs the server accepted after the list was made (applied on top of an older
 *   list until a newer one includes them in `recorded`);
 * - `conflicts`: queued hand-overs the server refused when they were synced (shown until dismissed).
 * Updates of one key run in one IndexedDB transaction (idb-keyval `update`), so two tabs don't
 * lose each other's entries. Browser only.
 */
import { createStore, get, set, update, type UseStore } from "idb-keyval";
import { syncDisposition, type PickupList, type QueuedHandover, type RequestedLine } from "~/modules/leaders/handover";

export interface SyncedHandover {
  clientRef: string;
  orderId: string;
  lines: RequestedLine[];
  syncedAt: number;
}

export interface SyncConflict {
  clientRef: string;
  customerName: string;
  summary: string;
  /** The server's refusal code (handover.refusals.<code>). */
  refusal: string;
  handedAt: number;
}

/** The last list shown, with the page's point, for an offline client-side navigation. */
export interface LastList {
  pointName: string;
  list: PickupList;
}

const SYNCED_KEPT_MS = 3 * 24 * 3600_000;

/**
 * A key-value store: IndexedDB when the browser lets us, else memory (private browsing, storage
 * full, no IndexedDB): the page keeps working and syncing, only a reload forgets the queue.
 */
interface Kv {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  update<T>(key: string, fn: (old: T | undefined) => T): Promise<void>;
}

const memory = new Map<string, unknown>();
const memoryKv: Kv = {
  async get<T>(k: string) {
    return structuredClone(memory.get(k)) as T | undefined;
  },
  async set(k, value) {
    memory.set(k, structuredClone(value));
  },
  async update<T>(k: string, fn: (old: T | undefined) => T) {
    memory.set(k, structuredClone(fn(structuredClone(memory.get(k)) as T | undefined)));
  },
};

let idb: UseStore | null = null;
let useMemory = false;

async function withKv<T>(run: (kv: Kv) => Promise<T>): Promise<T> {
  if (!useMemory && typeof indexedDB !== "undefined") {
    try {
      const s = (idb ??= createStore("tg-leader", "handover"));
      return await run({ get: (k) => get(k, s), set: (k, v) => set(k, v, s), update: (k, fn) => update(k, fn, s) });
    } catch {
      // Refused once: stay in memory from now on (mixing the two would lose entries).
      useMemory = true;
    }
  }
  return run(memoryKv);
}

const key = (kind: "list" | "queue" | "synced" | "conflicts", pointId: string) => `${kind}:${pointId}`;

export interface Stored {
  list: PickupList | null;
  queue: QueuedHandover[];
  synced: SyncedHandover[];
  conflicts: SyncConflict[];
}

export function loadStored(pointId: string): Promise<Stored> {
  return withKv(async (kv) => {
    const [list, queue, synced, conflicts] = await Promise.all([
      kv.get<PickupList>(key("list", pointId)),
      kv.get<QueuedHandover[]>(key("queue", pointId)),
      kv.get<SyncedHandover[]>(key("synced", pointId)),
      kv.get<SyncConflict[]>(key("conflicts", pointId)),
    ]);
    return { list: list ?? null, queue: queue ?? [], synced: (synced ?? []).filter((x) => x.syncedAt > Date.now() - SYNCED_KEPT_MS), conflicts: conflicts ?? [] };
  });
}

/** Keeps `list` unless the stored one is newer; also remembers it as the last list shown. */
export function saveList(pointName: string, list: PickupList): Promise<void> {
  return withKv(async (kv) => {
    await kv.update<PickupList>(key("list", list.pickupPointId), (old) => (old && old.generatedAt > list.generatedAt ? old : list));
    await kv.update<LastList>("last", (old) => (old && old.list.pickupPointId === list.pickupPointId && old.list.generatedAt > list.generatedAt ? old : { pointName, list }));
  });
}

export function loadLastList(): Promise<LastList | null> {
  return withKv(async (kv) => (await kv.get<LastList>("last")) ?? null);
}

export function enqueue(pointId: string, item: QueuedHandover): Promise<void> {
  return withKv((kv) => kv.update<QueuedHandover[]>(key("queue", pointId), (q = []) => (q.some((x) => x.clientRef === item.clientRef) ? q : [...q, item])));
}

export function readQueue(pointId: string): Promise<QueuedHandover[]> {
  return withKv(async (kv) => (await kv.get<QueuedHandover[]>(key("queue", pointId))) ?? []);
}

function dequeue(kv: Kv, pointId: string, clientRef: string) {
  return kv.update<QueuedHandover[]>(key("queue", pointId), (q = []) => q.filter((x) => x.clientRef !== clientRef));
}

/** The server accepted it: off the queue, onto the synced list (in that order, so it is never lost). */
export function markSynced(pointId: string, item: Pick<QueuedHandover, "clientRef" | "orderId" | "lines">): Promise<void> {
  return withKv(async (kv) => {
    await kv.update<SyncedHandover[]>(key("synced", pointId), (list = []) => [
      ...list.filter((x) => x.clientRef !== item.clientRef && x.syncedAt > Date.now() - SYNCED_KEPT_MS),
      { clientRef: item.clientRef, orderId: item.orderId, lines: item.lines, syncedAt: Date.now() },
    ]);
    await dequeue(kv, pointId, item.clientRef);
  });
}

/** The server refused it for good: off the queue; reported as a conflict unless the leader saw the refusal already. */
export function markRefused(pointId: string, item: QueuedHandover, refusal: string, report: boolean): Promise<void> {
  return withKv(async (kv) => {
    if (report) {
      await kv.update<SyncConflict[]>(key("conflicts", pointId), (list = []) => [
        ...list.filter((c) => c.clientRef !== item.clientRef),
        { clientRef: item.clientRef, customerName: item.customerName, summary: item.summary, refusal, handedAt: item.handedAt },
      ]);
    }
    await dequeue(kv, pointId, item.clientRef);
  });
}

export function bumpAttempts(pointId: string, clientRef: string): Promise<void> {
  return withKv((kv) => kv.update<QueuedHandover[]>(key("queue", pointId), (q = []) => q.map((x) => (x.clientRef === clientRef ? { ...x, attempts: x.attempts + 1 } : x))));
}

export function dismissConflict(pointId: string, clientRef: string): Promise<void> {
  return withKv((kv) => kv.update<SyncConflict[]>(key("conflicts", pointId), (list = []) => list.filter((c) => c.clientRef !== clientRef)));
}

export type SendResult =
  | { kind: "done"; completed: boolean; remaining: number }
  | { kind: "refused"; refusal: string }
  | { kind: "retry" }
  | { kind: "signed_out" };

/**
 * Sends one hand-over to the server: one POST, idempotent by its clientRef (the Idempotency-Key),
 * so a retry after a lost answer, or a second tab syncing the same entry, records it once.
 */
export async function sendHandover(item: QueuedHandover): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch("/api/v1/leader/pickups", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": item.clientRef },
      body: JSON.stringify({ code: item.code, orderId: item.orderId, lines: item.lines, handedAt: item.handedAt, offline: item.offline }),
    });
  } catch {
    return { kind: "retry" };
  }
  const disposition = syncDisposition(res.status);
  if (disposition === "retry" || disposition === "signed_out") return { kind: disposition };
  const body = (await res.json().catch(() => null)) as {
    error?: { code?: string; fields?: Record<string, string[]> };
    handover?: { completed: boolean };
    order?: { remaining: Array<{ remaining: number }> };
  } | null;
  if (disposition === "done") {
    return { kind: "done", completed: Boolean(body?.handover?.completed), remaining: (body?.order?.remaining ?? []).reduce((s, l) => s + l.remaining, 0) };
  }
  // A field error names the problem per field; its first code says more than "validation_failed".
  const fieldCode = body?.error?.fields ? Object.values(body.error.fields)[0]?.[0] : undefined;
  return { kind: "refused", refusal: (body?.error?.code === "validation_failed" ? fieldCode : body?.error?.code) ?? "unknown" };
}

/** The point's pickup list from the server (GET /api/v1/leader/pickups), or null when that fails. */
/**
 * The point's list from the server: the list, null when the server refused (signed out, an error),
 * or "unreachable" when no answer came at all (no connection, whatever `navigator.onLine` says).
 */
export async function fetchPickupList(): Promise<PickupList | null | "unreachable"> {
  let res: Response;
  try {
    res = await fetch("/api/v1/leader/pickups", { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    return "unreachable";
  }
  try {
    return res.ok ? ((await res.json()) as PickupList) : null;
  } catch {
    return null;
  }
}

/** A random id for a hand-over (crypto.randomUUID needs a secure context; this works anywhere). */
export function newClientRef(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
