import { DurableObject } from "cloudflare:workers";
import { createBaseContext } from "~/context.server";
import type { Env } from "~/env.server";
import { closeGroup, loadRoomSeed } from "~/modules/group-deals/groups.server";
import { HOLD_GRACE_MS, type ClaimResult, type RoomMeta, type RoomSeed, type RoomSnapshot, type RoomStatus } from "~/modules/group-deals/room-types";

export type { ClaimResult, RoomMeta, RoomSeed, RoomSnapshot, RoomStatus };

/** A close that failed (D1 unavailable) is tried again this soon. */
const CLOSE_RETRY_MS = 30_000;

/**
 * One group deal (拼团) instance. Single-threaded: every check-then-write below runs without an
 * await between the check and the write, so 200 simultaneous joiners of a 5-seat group get
 * exactly 5 seats. State lives in the object's SQLite storage and is rebuilt from D1 (the record)
 * if it is ever missing.
 *
 * - `claim` holds a seat for a joiner whose order is being placed (released on failure, on
 *   cancellation, or when the hold runs out);
 * - `confirmPaid` turns the seat into a paid member; the group closes at once when the paid
 *   members fill the top tier;
 * - the alarm closes it at the deadline (and sweeps expired holds). Closing runs the D1 close
 *   (`closeGroup`), which is idempotent, so an alarm that fires twice changes nothing more;
 * - viewers connect a WebSocket (hibernation API) and receive a snapshot on every change.
 */
export class GroupDealRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private loaded = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS seats (user_id TEXT PRIMARY KEY, status TEXT NOT NULL, hold_until INTEGER NOT NULL)");
  }

  private get(key: string): string | null {
    const row = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", key).toArray()[0];
    return row ? row.v : null;
  }

  private set(key: string, value: string | number | null): void {
    if (value === null) this.sql.exec("DELETE FROM meta WHERE k = ?", key);
    else this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", key, String(value));
  }

  private meta(): RoomMeta | null {
    const raw = this.get("meta");
    return raw ? (JSON.parse(raw) as RoomMeta) : null;
  }

  private status(): RoomStatus {
    return (this.get("status") as RoomStatus | null) ?? "open";
  }

  /** First call: keep the group's facts and rebuild seats from D1, once (other calls wait). */
  private async ensure(meta: RoomMeta): Promise<RoomMeta> {
    if (this.loaded) return this.meta() ?? meta;
    await this.ctx.blockConcurrencyWhile(async () => {
      if (this.meta()) {
        this.loaded = true;
        return;
      }
      const seed = await loadRoomSeed(this.context(), meta.groupId);
      this.set("meta", JSON.stringify(meta));
      this.set("status", seed.status);
      this.set("reached", seed.reachedSize);
      this.set("final", seed.finalUnitPriceFen);
      for (const s of seed.seats) this.sql.exec("INSERT OR REPLACE INTO seats (user_id, status, hold_until) VALUES (?, ?, ?)", s.userId, s.status, s.holdUntil);
      if (seed.status === "open") await this.ctx.storage.setAlarm(meta.deadlineAt);
      this.loaded = true;
    });
    return this.meta() ?? meta;
  }

  private context() {
    return createBaseContext(this.env, (p) => this.ctx.waitUntil(p));
  }

  private sweep(now: number): void {
    this.sql.exec("DELETE FROM seats WHERE status = 'held' AND hold_until <= ?", now);
  }

  private snapshot(): RoomSnapshot {
    const meta = this.meta()!;
    const counts = this.sql.exec<{ paid: number; held: number }>(
      "SELECT coalesce(sum(status = 'paid'), 0) AS paid, coalesce(sum(status = 'held'), 0) AS held FROM seats",
    ).one();
    const reached = this.get("reached");
    const final = this.get("final");
    return {
      type: "state",
      groupId: meta.groupId,
      status: this.status(),
      paid: Number(counts.paid),
      held: Number(counts.held),
      capacity: meta.capacity,
      deadlineAt: meta.deadlineAt,
      reachedSize: reached === null ? null : Number(reached),
      finalUnitPriceFen: final === null ? null : Number(final),
    };
  }

  private broadcast(): RoomSnapshot {
    const snap = this.snapshot();
    const message = JSON.stringify(snap);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // A viewer that went away: the runtime closes it.
      }
    }
    return snap;
  }

  /** Holds a seat for `userId` until `holdUntil` (their order's payment deadline plus a grace). */
  async claim(input: { meta: RoomMeta; userId: string; holdUntil: number; now?: number }): Promise<ClaimResult> {
    const meta = await this.ensure(input.meta);
    const now = input.now ?? Date.now();
    // No await from here to the insert: the check and the write are one step.
    this.sweep(now);
    if (this.status() !== "open" || now >= meta.deadlineAt) return { ok: false, code: "group_closed" };
    const mine = this.sql.exec("SELECT 1 FROM seats WHERE user_id = ?", input.userId).toArray();
    if (mine.length) return { ok: false, code: "already_member" };
    const taken = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM seats").one().n;
    if (taken >= meta.capacity) return { ok: false, code: "group_full" };
    this.sql.exec("INSERT INTO seats (user_id, status, hold_until) VALUES (?, 'held', ?)", input.userId, input.holdUntil + HOLD_GRACE_MS);
    const snapshot = this.broadcast();
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null) await this.ctx.storage.setAlarm(Math.min(meta.deadlineAt, input.holdUntil + HOLD_GRACE_MS));
    return { ok: true, snapshot };
  }

  /** Gives back a held (unpaid) seat: the order failed to place, was cancelled or expired. */
  async release(input: { meta: RoomMeta; userId: string }): Promise<RoomSnapshot> {
    await this.ensure(input.meta);
    this.sql.exec("DELETE FROM seats WHERE user_id = ? AND status = 'held'", input.userId);
    return this.broadcast();
  }

  /**
   * The member's payment is recorded in D1 (the caller's batch raised the group's paid count):
   * the seat becomes paid, and a group whose paid members fill the top tier closes now.
   */
  async confirmPaid(input: { meta: RoomMeta; userId: string }): Promise<RoomSnapshot> {
    const meta = await this.ensure(input.meta);
    this.sql.exec(
      "INSERT INTO seats (user_id, status, hold_until) VALUES (?, 'paid', 0) ON CONFLICT (user_id) DO UPDATE SET status = 'paid', hold_until = 0",
      input.userId,
    );
    const snap = this.broadcast();
    if (snap.status === "open" && snap.paid >= meta.capacity) return this.close(Date.now());
    return snap;
  }

  /** The current state (for a page or API read that wants the room's live counts). */
  async state(input: { meta: RoomMeta }): Promise<RoomSnapshot> {
    await this.ensure(input.meta);
    this.sweep(Date.now());
    return this.snapshot();
  }

  /**
   * Closes now if the deadline has passed or the group is full (the cron's safety net calls this).
   * The deadline is the caller's, just read from D1 (the record), not the copy kept here.
   */
  async closeIfDue(input: { meta: RoomMeta; now?: number }): Promise<RoomSnapshot> {
    const meta = await this.ensure(input.meta);
    const now = input.now ?? Date.now();
    const snap = this.snapshot();
    if (snap.status === "open" && (now >= input.meta.deadlineAt || snap.paid >= meta.capacity)) return this.close(now);
    return snap;
  }

  /**
   * Runs the D1 close once at a time. `closing` is not terminal: if D1 fails, the room reopens
   * and the alarm tries again shortly. The D1 close itself is idempotent (ADR 017, rule 6).
   */
  private async close(now: number): Promise<RoomSnapshot> {
    const status = this.status();
    if (status !== "open") return this.snapshot();
    const meta = this.meta()!;
    this.set("status", "closing");
    this.broadcast();
    try {
      const result = await closeGroup(this.context(), meta.groupId, now);
      this.set("status", result.status);
      this.set("reached", result.reachedSize);
      this.set("final", result.finalUnitPriceFen);
      this.sql.exec("DELETE FROM seats WHERE status = 'held'");
      await this.ctx.storage.deleteAlarm();
    } catch (error) {
      console.warn(`group ${meta.groupId}: close failed, retrying`, error);
      this.set("status", "open");
      await this.ctx.storage.setAlarm(Date.now() + CLOSE_RETRY_MS);
    }
    return this.broadcast();
  }

  override async alarm(): Promise<void> {
    const meta = this.meta();
    if (!meta) return;
    this.loaded = true;
    const now = Date.now();
    this.sweep(now);
    if (this.status() === "open" && now >= meta.deadlineAt) {
      await this.close(now);
      return;
    }
    if (this.status() !== "open") return;
    const next = this.sql.exec<{ t: number | null }>("SELECT min(hold_until) AS t FROM seats WHERE status = 'held'").one().t;
    this.broadcast();
    await this.ctx.storage.setAlarm(Math.min(meta.deadlineAt, next ?? meta.deadlineAt));
  }

  /** A viewer's WebSocket (hibernation API): it gets the state now and on every change. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket", { status: 426 });
    const raw = request.headers.get("X-Room-Meta");
    if (!raw) return new Response("Missing room meta", { status: 400 });
    await this.ensure(JSON.parse(raw) as RoomMeta);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify(this.snapshot()));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === "ping") ws.send("pong");
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }
}
