import { and, asc, eq, gte, lte, or, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { pickupPoints, userPickupPoints } from "~/db/schema";
import { decryptField, maskAddress } from "~/lib/field-crypto.server";
import { fail, ok, type Result } from "~/lib/result";
import { parseHours } from "./pickup-points.server";
import type { PickupHours } from "./schemas";

export interface PickupPointListItem {
  id: string;
  name: string;
  area: string;
  addressMasked: string;
  hours: PickupHours;
  /** The leader also delivers to shoppers' doors (free). */
  doorDelivery: boolean;
  distanceM: number | null;
}

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * R * Math.asin(Math.min(1, Math.sqrt(h))));
}

const NEAR_DEGREES = 0.5; // ≈ 50 km box before exact distances

/**
 * Active pickup points, nearest first when a location is given (a bounding box on the
 * (status, lat, lng) index, then exact distances), or by name; `q` matches name or area.
 */
export async function listPickupPoints(
  ctx: AppContext,
  opts: { lat?: number; lng?: number; q?: string; limit?: number },
): Promise<PickupPointListItem[]> {
  const limit = opts.limit ?? 30;
  const conditions = [eq(pickupPoints.status, "active")];
  const here = opts.lat !== undefined && opts.lng !== undefined ? { lat: opts.lat, lng: opts.lng } : null;
  if (here) {
    conditions.push(
      gte(pickupPoints.lat, here.lat - NEAR_DEGREES),
      lte(pickupPoints.lat, here.lat + NEAR_DEGREES),
      gte(pickupPoints.lng, here.lng - NEAR_DEGREES),
      lte(pickupPoints.lng, here.lng + NEAR_DEGREES),
    );
  }
  const q = opts.q?.trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(sql`${pickupPoints.name} LIKE ${pattern} ESCAPE '\\'`, sql`${pickupPoints.area} LIKE ${pattern} ESCAPE '\\'`)!);
  }
  const rows = await ctx.db
    .select()
    .from(pickupPoints)
    .where(and(...conditions))
    .orderBy(asc(pickupPoints.name))
    .limit(here ? 500 : limit);
  const items = await Promise.all(
    rows.map(async (p) => ({
      id: p.id,
      name: p.name,
      area: p.area,
      addressMasked: maskAddress(await decryptField(ctx.env, "address", p.addressEnc)),
      hours: parseHours(p.hours),
      doorDelivery: p.doorDelivery,
      distanceM: here ? distanceMetres(here, p) : null,
    })),
  );
  if (here) items.sort((a, b) => a.distanceM! - b.distanceM! || a.name.localeCompare(b.name));
  return items.slice(0, limit);
}

export async function getPickupPointSummary(ctx: AppContext, id: string) {
  const p = await ctx.db.query.pickupPoints.findFirst({ where: and(eq(pickupPoints.id, id), eq(pickupPoints.status, "active")) });
  if (!p) return null;
  return { id: p.id, name: p.name, area: p.area, hours: parseHours(p.hours), doorDelivery: p.doorDelivery };
}

/** The signed-in user's chosen point; for guests the caller passes the cookie's value. */
export async function getChosenPickupPointId(ctx: AppContext, userId: string | null, cookieValue?: string): Promise<string | null> {
  if (userId) {
    const row = await ctx.db.query.userPickupPoints.findFirst({ where: eq(userPickupPoints.userId, userId) });
    if (row) return row.pickupPointId;
  }
  return cookieValue && /^pkp_[0-9a-z]{20}$/.test(cookieValue) ? cookieValue : null;
}

export async function choosePickupPoint(
  ctx: AppContext,
  userId: string | null,
  pickupPointId: string,
  source: "chosen" | "invite" = "chosen",
): Promise<Result<{ pickupPointId: string }, "pickup_point_not_found">> {
  const point = await ctx.db.query.pickupPoints.findFirst({
    where: and(eq(pickupPoints.id, pickupPointId), eq(pickupPoints.status, "active")),
    columns: { id: true },
  });
  if (!point) return fail("pickup_point_not_found", "pickupPointId");
  if (userId) {
    const now = Date.now();
    await ctx.db
      .insert(userPickupPoints)
      .values({ userId, pickupPointId, source, updatedAt: now })
      .onConflictDoUpdate({ target: userPickupPoints.userId, set: { pickupPointId, source, updatedAt: now } });
  }
  return ok({ pickupPointId });
}
