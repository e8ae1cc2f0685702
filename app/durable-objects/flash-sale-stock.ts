import { DurableObject } from "cloudflare:workers";
import type { Env } from "~/env.server";
import type { ConfirmResult, Reservation, ReserveResult, StockCounts, StockMeta, TransferResult } from "~/modules/flash-sales/stock-types";

export type { ConfirmResult, Reservation, ReserveResult, StockCounts, StockMeta, TransferResult };

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** `frv_` + the shard's index (one character) + 19 random ones: a reservation says which shard holds it. */
const reservationId = (shard: number) => `frv_${ALPHABET[shard & 31]}${Array.from(crypto.getRandomValues(new Uint8Array(19)), (b) => ALPHABET[b & 31]).join("")}`;

type Row = {
  id: string;
  user_id: string;
  quantity: number;
  status: Reservation["status"];
  expires_at: number;
  created_at: number;
};
const toReservation = (r: Row): Reservation => ({ id: r.id, userId: r.user_id, quantity: r.quantity, status: r.status, expiresAt: r.expires_at, createdAt: r.created_at });

/**
 * The live stock of one flash sale (限时抢购, issue 8). Single-threaded, and every decision below
 * is synchronous SQLite with no await between the check and the write, so however many shoppers
 * press "buy" at once it never reserves more than the stock, nor more than a shopper's limit.
 *
 * - `reserve(userId, quantity, idempotencyKey)`: before the shopper's opening time or after the
 *   window it refuses without touching stock; otherwise a reservation held until the payment
 *   timeout, or `sold_out` / `over_limit`. The same key (per shopper) always answers with the same
 *   reservation.
 * - `confirm` on payment: only a reservation still held and not expired; idempotent.
 * - `release` on cancellation or expiry: the units go back; idempotent.
 * - The alarm releases expired reservations (at their expiry, so unpaid units are back within
 *   moments), and firing twice changes nothing.
 *
 * The rows are the record. The held and sold totals are kept in memory as running sums: derived
 * from the rows once when the object starts, then moved in the same synchronous step as every row
 * change, so a call costs O(1) however many reservations exist (the per-user sum reads that
 * user's rows through an index). Memory is discarded with the object, so the totals can never
 * outlive a rolled-back write. `reservations()` derives the sums from the rows again and returns
 * both, and the reconciliation reports any drift.
 */
export class FlashSaleStock extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private metaCache: StockMeta | null = null;
  /** Units in `held` and `confirmed` reservations (running sums of the rows). */
  private held = 0;
  private sold = 0;
  /** Units received from other shards minus units given to them (a running sum of `transfers`). */
  private moved = 0;
  /** The earliest expiry among held reservations, or null when none is held. */
  private nextExpiry: number | null = null;
  /** The alarm time as this object last set or read it; undefined until read. */
  private alarmAt: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS reservations (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, quantity INTEGER NOT NULL, status TEXT NOT NULL,
        expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL, idem_key TEXT NOT NULL)`,
    );
    this.sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS reservations_idem ON reservations (user_id, idem_key)");
    // A shopper's rows are found through this index's user_id prefix; no separate index to write.
    this.sql.exec("DROP INDEX IF EXISTS reservations_user");
    this.sql.exec("CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (status, expires_at)");
    // Rebalancing between the shards of one sale: + units received, − units given, once per id.
    this.sql.exec("CREATE TABLE IF NOT EXISTS transfers (id TEXT PRIMARY KEY, units INTEGER NOT NULL, created_at INTEGER NOT NULL)");
    const raw = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'meta'").toArray()[0];
    if (raw) this.metaCache = JSON.parse(raw.v) as StockMeta;
    const derived = this.derived();
    this.held = derived.held;
    this.sold = derived.sold;
    this.moved = derived.moved;
    this.nextExpiry = this.earliestHeldExpiry();
  }

  private meta(input: StockMeta): StockMeta {
    if (this.metaCache) return this.metaCache;
    this.sql.exec("INSERT INTO meta (k, v) VALUES ('meta', ?)", JSON.stringify(input));
    this.metaCache = input;
    return input;
  }

  /** The totals summed over every row: O(reservations), for start-up and the self-check only. */
  private derived(): { held: number; sold: number; moved: number } {
    const row = this.sql
      .exec<{ sold: number; held: number }>(
        "SELECT coalesce(sum(CASE WHEN status = 'confirmed' THEN quantity END), 0) AS sold, coalesce(sum(CASE WHEN status = 'held' THEN quantity END), 0) AS held FROM reservations",
      )
      .one();
    const moved = this.sql.exec<{ n: number }>("SELECT coalesce(sum(units), 0) AS n FROM transfers").one().n;
    return { held: Number(row.held), sold: Number(row.sold), moved: Number(moved) };
  }

  private earliestHeldExpiry(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT min(expires_at) AS t FROM reservations WHERE status = 'held'").one().t;
  }

  private counts(meta: StockMeta): StockCounts {
    const stock = meta.stock + this.moved;
    return { stock, sold: this.sold, reserved: this.held, remaining: stock - this.sold - this.held };
  }

  /** Releases held reservations whose payment time is over (nothing to do before the earliest expiry). */
  private expire(now: number): number {
    if (this.nextExpiry === null || this.nextExpiry > now) return 0;
    const released = this.sql
      .exec<{ quantity: number }>("UPDATE reservations SET status = 'released' WHERE status = 'held' AND expires_at <= ? RETURNING quantity", now)
      .toArray();
    for (const r of released) this.held -= Number(r.quantity);
    this.nextExpiry = this.earliestHeldExpiry();
    return released.length;
  }

  /** Makes sure an alarm fires by the earliest expiry; reads the alarm from storage once per object life. */
  private async scheduleNext(): Promise<void> {
    const next = this.nextExpiry;
    if (next === null) return;
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= next) return;
    this.alarmAt = next;
    await this.ctx.storage.setAlarm(next);
  }

  async reserve(input: { meta: StockMeta; userId: string; quantity: number; idempotencyKey: string; opensAt: number; now?: number }): Promise<ReserveResult> {
    const meta = this.meta(input.meta);
    const now = input.now ?? Date.now();
    // From here to the insert: synchronous, one step. One read serves the key lookup and the
    // shopper's units (a shopper has a handful of rows, found through the key index's prefix).
    const own = this.sql.exec<Row & { idem_key: string }>("SELECT * FROM reservations WHERE user_id = ?", input.userId).toArray();
    const previous = own.find((r) => r.idem_key === input.idempotencyKey);
    if (previous) return { ok: true, reservation: toReservation(previous), replayed: true, counts: this.counts(meta) };
    // Outside the window nothing is read or written beyond this point.
    if (now < input.opensAt) return { ok: false, code: "not_started", counts: this.counts(meta) };
    if (now >= meta.endsAt) return { ok: false, code: "ended", counts: this.counts(meta) };
    this.expire(now);
    // The rows were read before the expiry: a held row past its time has just been released.
    const mine = own.reduce((n, r) => n + (r.status === "confirmed" || (r.status === "held" && r.expires_at > now) ? r.quantity : 0), 0);
    if (mine + input.quantity > meta.perUserLimit) return { ok: false, code: "over_limit", counts: this.counts(meta) };
    if (this.counts(meta).remaining < input.quantity) return { ok: false, code: "sold_out", counts: this.counts(meta) };
    const row: Row = { id: reservationId(meta.shard ?? 0), user_id: input.userId, quantity: input.quantity, status: "held", expires_at: now + meta.paymentTimeoutMs, created_at: now };
    this.sql.exec(
      "INSERT INTO reservations (id, user_id, quantity, status, expires_at, created_at, idem_key) VALUES (?, ?, ?, 'held', ?, ?, ?)",
      row.id,
      row.user_id,
      row.quantity,
      row.expires_at,
      row.created_at,
      input.idempotencyKey,
    );
    this.held += row.quantity;
    if (this.nextExpiry === null || row.expires_at < this.nextExpiry) this.nextExpiry = row.expires_at;
    const counts = this.counts(meta);
    await this.scheduleNext();
    return { ok: true, reservation: toReservation(row), replayed: false, counts };
  }

  /** The payment arrived: a held, unexpired reservation becomes sold. Confirming twice is fine. */
  async confirm(input: { meta: StockMeta; reservationId: string; now?: number }): Promise<ConfirmResult> {
    this.meta(input.meta);
    const now = input.now ?? Date.now();
    const row = this.sql.exec<Row>("SELECT * FROM reservations WHERE id = ?", input.reservationId).toArray()[0];
    if (!row) return { ok: false, code: "not_found" };
    if (row.status === "confirmed") return { ok: true, reservation: toReservation(row) };
    if (row.status === "released") return { ok: false, code: "released" };
    if (row.expires_at <= now) {
      this.setStatus(row, "released");
      return { ok: false, code: "expired" };
    }
    this.setStatus(row, "confirmed");
    return { ok: true, reservation: { ...toReservation(row), status: "confirmed" } };
  }

  /** The order was cancelled, expired or refunded: its units go back. Releasing twice is fine. */
  async release(input: { meta: StockMeta; reservationId: string }): Promise<StockCounts> {
    const meta = this.meta(input.meta);
    const row = this.sql.exec<Row>("SELECT * FROM reservations WHERE id = ?", input.reservationId).toArray()[0];
    if (row && row.status !== "released") this.setStatus(row, "released");
    return this.counts(meta);
  }

  /** Moves one row and the running totals together (synchronous). */
  private setStatus(row: Row, to: "confirmed" | "released"): void {
    this.sql.exec("UPDATE reservations SET status = ? WHERE id = ?", to, row.id);
    if (row.status === "held") this.held -= row.quantity;
    if (row.status === "confirmed") this.sold -= row.quantity;
    if (to === "confirmed") this.sold += row.quantity;
    if (row.status === "held" && row.expires_at === this.nextExpiry) this.nextExpiry = this.earliestHeldExpiry();
  }

  /**
   * Another shard of the sale ran dry: hand it up to `want` of the units this one has left (after
   * releasing what expired), at once and once per transfer id (a repeat answers the same units).
   * The units leave here before they arrive there, so a failure in between can only undersell;
   * the reconciliation returns them to the shelf.
   */
  async give(input: { meta: StockMeta; transferId: string; want: number; now?: number }): Promise<TransferResult> {
    const meta = this.meta(input.meta);
    const done = this.sql.exec<{ units: number }>("SELECT units FROM transfers WHERE id = ?", input.transferId).toArray()[0];
    if (done) return { units: -Number(done.units), counts: this.counts(meta) };
    this.expire(input.now ?? Date.now());
    const units = Math.max(0, Math.min(input.want, this.counts(meta).remaining));
    if (units > 0) {
      this.sql.exec("INSERT INTO transfers (id, units, created_at) VALUES (?, ?, ?)", input.transferId, -units, Date.now());
      this.moved -= units;
    }
    return { units, counts: this.counts(meta) };
  }

  /** The units another shard gave under `transferId` arrive here (once). */
  async receive(input: { meta: StockMeta; transferId: string; units: number }): Promise<StockCounts> {
    const meta = this.meta(input.meta);
    const done = this.sql.exec<{ units: number }>("SELECT units FROM transfers WHERE id = ?", input.transferId).toArray()[0];
    if (!done && input.units > 0) {
      this.sql.exec("INSERT INTO transfers (id, units, created_at) VALUES (?, ?, ?)", input.transferId, input.units, Date.now());
      this.moved += input.units;
    }
    return this.counts(meta);
  }

  async status(input: { meta: StockMeta; now?: number }): Promise<StockCounts> {
    const meta = this.meta(input.meta);
    this.expire(input.now ?? Date.now());
    return this.counts(meta);
  }

  /**
   * Every reservation (for the end-of-window reconciliation against D1), with the counts summed
   * over the rows and the running totals the object decided with: they must agree.
   */
  async reservations(input: { meta: StockMeta }): Promise<{ counts: StockCounts; running: StockCounts; rows: Reservation[]; transfers: Array<{ id: string; units: number }> }> {
    const meta = this.meta(input.meta);
    this.expire(Date.now());
    const d = this.derived();
    const stock = meta.stock + d.moved;
    return {
      counts: { stock, sold: d.sold, reserved: d.held, remaining: stock - d.sold - d.held },
      running: this.counts(meta),
      rows: this.sql.exec<Row>("SELECT * FROM reservations ORDER BY created_at").toArray().map(toReservation),
      transfers: this.sql.exec<{ id: string; units: number }>("SELECT id, units FROM transfers ORDER BY created_at").toArray(),
    };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.expire(Date.now());
    await this.scheduleNext();
  }
}
