/**
 * What the group-deal room and its callers share, without the Durable Object class itself (which
 * imports `cloudflare:workers`, available only inside the Worker).
 */
import type { GroupTier } from "./tiers";

/** What the caller knows of the group from D1; the room keeps its own copy from the first call. */
export interface RoomMeta {
  groupId: string;
  capacity: number;
  deadlineAt: number;
  tiers: GroupTier[];
}

export type RoomStatus = "open" | "closing" | "succeeded" | "failed";

/** What viewers see, pushed to every connected WebSocket whenever it changes. */
export interface RoomSnapshot {
  type: "state";
  groupId: string;
  status: RoomStatus;
  /** Members who have paid (they count towards the tiers). */
  paid: number;
  /** Seats held by members who are paying now. */
  held: number;
  capacity: number;
  deadlineAt: number;
  reachedSize: number | null;
  finalUnitPriceFen: number | null;
}

export type ClaimResult = { ok: true; snapshot: RoomSnapshot } | { ok: false; code: "group_closed" | "group_full" | "already_member" };

/** A seat held by an unpaid order is kept this long past the order's payment deadline (a payment may be in flight). */
export const HOLD_GRACE_MS = 2 * 60_000;

/** The seed the room loads from D1 the first time it is asked about a group (see groups.server.ts). */
export interface RoomSeed {
  status: "open" | "succeeded" | "failed";
  reachedSize: number | null;
  finalUnitPriceFen: number | null;
  seats: Array<{ userId: string; status: "held" | "paid"; holdUntil: number }>;
}
