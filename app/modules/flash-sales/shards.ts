/**
 * Hot SKUs (ADR 018): a sale with more units than one stock object should decide for is split
 * across N objects ("shards"). Pure helpers shared by the Worker's routing and the tests.
 *
 * - The shard count is fixed when the sale is created, from its stock: one shard per
 *   UNITS_PER_SHARD units, at most MAX_SHARDS. Small sales (nearly all) stay in one object.
 * - Each shard starts with an equal share of the units (the remainder to the first ones).
 * - A shopper always goes to the same home shard (a hash of their id), so the per-user limit is
 *   exact: one object sees all of that shopper's reservations.
 * - A reservation id carries its shard (the character after `frv_`), so payment and
 *   cancellation find it.
 */
export const UNITS_PER_SHARD = 2_000;
export const MAX_SHARDS = 8;
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function shardCountFor(stock: number): number {
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(stock / UNITS_PER_SHARD)));
}

/** Shard `shard`'s initial share of `stock` units split `shards` ways. */
export function shardShare(stock: number, shards: number, shard: number): number {
  return Math.floor(stock / shards) + (shard < stock % shards ? 1 : 0);
}

/** The shopper's home shard: FNV-1a over the id, modulo the shard count. */
export function homeShard(userId: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** The shard holding a reservation (always 0 for a sale in one object). */
export function shardOfReservation(reservationId: string, shards: number): number {
  if (shards <= 1) return 0;
  const shard = ALPHABET.indexOf(reservationId.charAt(4));
  return shard >= 0 && shard < shards ? shard : 0;
}

/** The Durable Object name of a shard: the sale's id for the first (so a one-object sale is unchanged). */
export const shardName = (saleId: string, shard: number) => (shard === 0 ? saleId : `${saleId}:${shard}`);
