/**
 * What the flash-sale stock object and its callers share, without the Durable Object class itself
 * (which imports `cloudflare:workers`, available only inside the Worker).
 */

/**
 * The sale as the object needs it; sent by the caller (read from D1) and kept from the first call.
 * For a sale split across shards (ADR 018), `stock` is this shard's initial share and `shard` its
 * index (0 when the sale is not split).
 */
export interface StockMeta {
  saleId: string;
  shard?: number;
  stock: number;
  perUserLimit: number;
  startsAt: number;
  endsAt: number;
  paymentTimeoutMs: number;
}

export type ReservationStatus = "held" | "confirmed" | "released";

export interface Reservation {
  id: string;
  userId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: number;
  createdAt: number;
}

export type ReserveRefusal = "not_started" | "ended" | "sold_out" | "over_limit";

export type ReserveResult =
  | { ok: true; reservation: Reservation; replayed: boolean; counts: StockCounts }
  | { ok: false; code: ReserveRefusal; counts: StockCounts };

/** sold (paid) + reserved (waiting for payment) + remaining == stock, at every observation. */
export interface StockCounts {
  stock: number;
  sold: number;
  reserved: number;
  remaining: number;
}

export type ConfirmResult = { ok: true; reservation: Reservation } | { ok: false; code: "not_found" | "expired" | "released" };

/** Units one shard handed to another (rebalancing): idempotent by transfer id. */
export interface TransferResult {
  units: number;
  counts: StockCounts;
}
