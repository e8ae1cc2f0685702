import { DurableObject } from "cloudflare:workers";
import type { Env } from "~/env.server";
import type { ConfirmResult, Reservation, ReserveResult, StockCounts, StockMeta } from "~/modules/flash-sales/stock-types";

export type { ConfirmResult, Reservation, ReserveResult, StockCounts, StockMeta };

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const reservationId = () => `frv_${Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => ALPHABET[b & 31]).join("")}`;

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
 * Counts are derived from the reservation rows, never kept separately, so sold + reserved +
 * remaining == stock holds by construction.
 */
export class FlashSaleStock extends DurableObject<Env> {
  private readonly sql: SqlStorage;

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
    this.sql.exec("CREATE INDEX IF NOT EXISTS reservations_user ON reservations (user_id, status)");
    this.sql.exec("CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (status, expires_at)");
  }

  private meta(input: StockMeta): StockMeta {
    const raw = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'meta'").toArray()[0];
    if (raw) return JSON.parse(raw.v) as StockMeta;
    this.sql.exec("INSERT INTO meta (k, v) VALUES ('meta', ?)", JSON.stringify(input));
    return input;
  }

  private counts(meta: StockMeta): StockCounts {
    const row = this.sql
      .exec<{ sold: number; reserved: number }>(
        "SELECT coalesce(sum(CASE WHEN status = 'confirmed' THEN quantity END), 0) AS sold, coalesce(sum(CASE WHEN status = 'held' THEN quantity END), 0) AS reserved FROM reservations",
      )
      .one();
    const sold = Number(row.sold);
    const reserved = Number(row.reserved);
    return { stock: meta.stock, sold, reserved, remaining: meta.stock - sold - reserved };
  }

  /** Releases held reservations whose payment time is over. */
  private expire(now: number): number {
    return this.sql.exec("UPDATE reservations SET status = 'released' WHERE status = 'held' AND expires_at <= ?", now).rowsWritten;
  }

  private async scheduleNext(): Promise<void> {
    const next = this.sql.exec<{ t: number | null }>("SELECT min(expires_at) AS t FROM reservations WHERE status = 'held'").one().t;
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  async reserve(input: { meta: StockMeta; userId: string; quantity: number; idempotencyKey: string; opensAt: number; now?: number }): Promise<ReserveResult> {
    const meta = this.meta(input.meta);
    const now = input.now ?? Date.now();
    // From here to the insert: synchronous, one step.
    const previous = this.sql.exec<Row>("SELECT * FROM reservations WHERE user_id = ? AND idem_key = ?", input.userId, input.idempotencyKey).toArray()[0];
    if (previous) return { ok: true, reservation: toReservation(previous), replayed: true, counts: this.counts(meta) };
    // Outside the window nothing is read or written beyond this point.
    if (now < input.opensAt) return { ok: false, code: "not_started", counts: this.counts(meta) };
    if (now >= meta.endsAt) return { ok: false, code: "ended", counts: this.counts(meta) };
    this.expire(now);
    const mine = Number(
      this.sql.exec<{ n: number }>("SELECT coalesce(sum(quantity), 0) AS n FROM reservations WHERE user_id = ? AND status <> 'released'", input.userId).one().n,
    );
    if (mine + input.quantity > meta.perUserLimit) return { ok: false, code: "over_limit", counts: this.counts(meta) };
    const counts = this.counts(meta);
    if (counts.remaining < input.quantity) return { ok: false, code: "sold_out", counts };
    const row: Row = { id: reservationId(), user_id: input.userId, quantity: input.quantity, status: "held", expires_at: now + meta.paymentTimeoutMs, created_at: now };
    this.sql.exec(
      "INSERT INTO reservations (id, user_id, quantity, status, expires_at, created_at, idem_key) VALUES (?, ?, ?, 'held', ?, ?, ?)",
      row.id,
      row.user_id,
      row.quantity,
      row.expires_at,
      row.created_at,
      input.idempotencyKey,
    );
    await this.scheduleNext();
    return { ok: true, reservation: toReservation(row), replayed: false, counts: this.counts(meta) };
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
      this.sql.exec("UPDATE reservations SET status = 'released' WHERE id = ? AND status = 'held'", row.id);
      return { ok: false, code: "expired" };
    }
    this.sql.exec("UPDATE reservations SET status = 'confirmed' WHERE id = ? AND status = 'held'", row.id);
    return { ok: true, reservation: { ...toReservation(row), status: "confirmed" } };
  }

  /** The order was cancelled, expired or refunded: its units go back. Releasing twice is fine. */
  async release(input: { meta: StockMeta; reservationId: string }): Promise<StockCounts> {
    const meta = this.meta(input.meta);
    this.sql.exec("UPDATE reservations SET status = 'released' WHERE id = ? AND status <> 'released'", input.reservationId);
    return this.counts(meta);
  }

  async status(input: { meta: StockMeta; now?: number }): Promise<StockCounts> {
    const meta = this.meta(input.meta);
    this.expire(input.now ?? Date.now());
    return this.counts(meta);
  }

  /** Every reservation (for the end-of-window reconciliation against D1). */
  async reservations(input: { meta: StockMeta }): Promise<{ counts: StockCounts; rows: Reservation[] }> {
    const meta = this.meta(input.meta);
    this.expire(Date.now());
    return { counts: this.counts(meta), rows: this.sql.exec<Row>("SELECT * FROM reservations ORDER BY created_at").toArray().map(toReservation) };
  }

  override async alarm(): Promise<void> {
    this.expire(Date.now());
    await this.scheduleNext();
  }
}
