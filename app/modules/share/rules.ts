import type { ShareRefusalReason } from "~/db/schema/share";

/**
 * Share rewards, the pure rules (ADR 023):
 *
 * - **Period**: a sharer is rewarded for the same friend at most once per period. Periods are
 *   fixed windows of `periodDays` Asia/Shanghai days counted from the epoch, so the reward key
 *   `share:<sharer>:<buyer>:<days>d<index>` is the same for every pickup inside one window.
 * - **Clusters**: accounts that have used the same device (the hashed device-id cookie) are one
 *   person for these rules, transitively (A and B shared a phone, B and C a laptop: A, B and C).
 * - **Refusals** decided before the batch, in this order: self-referral, same device cluster, same
 *   phone (the accounts' phones, or the door order's phone is the sharer's), same address (the door
 *   order goes to one of the sharer's saved addresses). The period and the daily cap are decided
 *   inside the hand-over batch, where they are exact.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Start (UTC ms) of the Asia/Shanghai day `now` falls in: the daily cap counts by it. */
export function shanghaiDayStart(now: number): number {
  return Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The index of the `periodDays`-day window (Asia/Shanghai days from the epoch) `now` falls in. */
export function periodIndex(now: number, periodDays: number): number {
  const days = Math.max(1, Math.floor(periodDays));
  return Math.floor((now + SHANGHAI_OFFSET_MS) / (days * DAY_MS));
}

/** The key of a (sharer, buyer, period) reward: one rewarded conversion, points entry or coupon per key. */
export function rewardKey(sharerUserId: string, buyerUserId: string, now: number, periodDays: number): string {
  return `share:${sharerUserId}:${buyerUserId}:${Math.max(1, Math.floor(periodDays))}d${periodIndex(now, periodDays)}`;
}

export interface DeviceSighting {
  deviceHash: string;
  userId: string;
}

/** Whether two accounts are one cluster: linked by devices they used, directly or through other accounts. */
export function sameCluster(sightings: readonly DeviceSighting[], a: string, b: string): boolean {
  if (a === b) return true;
  const devicesOf = new Map<string, string[]>();
  const usersOf = new Map<string, string[]>();
  for (const s of sightings) {
    (devicesOf.get(s.userId) ?? devicesOf.set(s.userId, []).get(s.userId)!).push(s.deviceHash);
    (usersOf.get(s.deviceHash) ?? usersOf.set(s.deviceHash, []).get(s.deviceHash)!).push(s.userId);
  }
  const seen = new Set([a]);
  const queue = [a];
  while (queue.length) {
    const user = queue.shift()!;
    for (const device of devicesOf.get(user) ?? []) {
      for (const other of usersOf.get(device) ?? []) {
        if (other === b) return true;
        if (!seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
  }
  return false;
}

export interface ConversionFacts {
  sharerUserId: string;
  buyerUserId: string;
  /** Sharer and buyer are linked through devices (`sameCluster`). */
  sameDevice: boolean;
  /** Phones (normalised digits) on each side: the sharer's account phone and saved-address phones; the buyer's account phone and the door order's phone. */
  sharerPhones: readonly string[];
  buyerPhones: readonly string[];
  /** Addresses (normalised) the sharer saved, and the door order's address (null for a pickup order). */
  sharerAddresses: readonly string[];
  orderAddress: string | null;
}

export const normalisePhone = (phone: string) => phone.replace(/\D/g, "").replace(/^86(?=1\d{10}$)/, "");
export const normaliseAddress = (address: string) => address.normalize("NFKC").replace(/[\s,，。.·\-—#号]/g, "").toLowerCase();

/** The reason no reward is due before the period and the cap are even looked at, or null. */
export function staticRefusal(f: ConversionFacts): ShareRefusalReason | null {
  if (f.sharerUserId === f.buyerUserId) return "self_referral";
  if (f.sameDevice) return "same_device";
  const sharerPhones = new Set(f.sharerPhones.map(normalisePhone).filter(Boolean));
  if (f.buyerPhones.some((p) => sharerPhones.has(normalisePhone(p)))) return "same_phone";
  if (f.orderAddress) {
    const mine = normaliseAddress(f.orderAddress);
    if (mine && f.sharerAddresses.some((a) => normaliseAddress(a) === mine)) return "same_address";
  }
  return null;
}

/** A friend's name as the sharer sees it: the first character and a mask ("小美" → "小*"). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return "*";
  return `${chars[0]}${"*".repeat(Math.min(2, Math.max(1, chars.length - 1)))}`;
}
