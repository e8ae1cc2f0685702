import * as v from "valibot";
import { Phone } from "~/modules/identity/schemas";

/**
 * The leader application form and the admin's review form. Plain schemas the browser runs too;
 * checks that need the database or the uploaded file live in ./apply.server.ts.
 */

export const LEADER_PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const LEADER_PHOTO_TYPES = "image/jpeg,image/png,image/webp";

/**
 * Where a pickup point may be: a generous box around mainland China, Hainan included (latitude
 * 18–54° N, longitude 73–135° E). It catches swapped or mistyped coordinates (31.2 vs 121.5, a
 * missing minus sign gives a point in the Atlantic), not the border itself.
 */
export const CHINA_BOUNDS = { minLat: 18, maxLat: 54, minLng: 73, maxLng: 135 } as const;

/** Days of the week, ISO numbering: 1 Monday … 7 Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

// One message per problem: an empty value is "required" only, not also "invalid".
const Text = (min: number, max: number, required: string, tooLong: string) =>
  v.pipe(v.string(required), v.trim(), v.minLength(min, required), v.maxLength(max, tooLong));

const matchesOrEmpty = (re: RegExp, message: string) => v.check((s: string) => s === "" || re.test(s), message);

const Time = (required: string) => v.pipe(v.string(required), v.trim(), v.nonEmpty(required), matchesOrEmpty(/^([01]\d|2[0-3]):[0-5]\d$/, "time_invalid"));

const Coordinate = (min: number, max: number, required: string) =>
  v.pipe(
    v.string(required),
    v.trim(),
    v.nonEmpty(required),
    matchesOrEmpty(/^-?\d{1,3}(?:\.\d{1,8})?$/, "coordinate_invalid"),
    v.transform(Number),
    v.minValue(min, "coordinate_outside"),
    v.maxValue(max, "coordinate_outside"),
  );

// A checkbox group: no key when none is ticked, a string for one, an array for several.
const Days = v.pipe(
  v.optional(v.union([v.array(v.string()), v.string()]), []),
  v.transform((x) => (Array.isArray(x) ? x : [x])),
  v.everyItem((d) => /^[1-7]$/.test(d), "days_invalid"),
  v.transform((list) => [...new Set(list.map(Number))].sort((a, b) => a - b)),
  v.minLength(1, "days_required"),
);

export const ApplyLeaderInput = v.pipe(
  v.object({
    name: Text(2, 40, "point_name_required", "name_too_long"),
    area: Text(2, 60, "area_required", "area_too_long"),
    address: Text(5, 120, "address_required", "address_too_long"),
    lat: Coordinate(CHINA_BOUNDS.minLat, CHINA_BOUNDS.maxLat, "lat_required"),
    lng: Coordinate(CHINA_BOUNDS.minLng, CHINA_BOUNDS.maxLng, "lng_required"),
    open: Time("open_required"),
    close: Time("close_required"),
    days: Days,
    contactPhone: Phone,
    // Radio buttons send no key at all when neither is chosen: required by the check below.
    doorDelivery: v.optional(v.picklist(["yes", "no"], "door_delivery_required")),
  }),
  // Partial checks run as soon as their own fields are valid, so these errors show with the others.
  v.forward(
    v.partialCheck([["doorDelivery"]], (i) => i.doorDelivery !== undefined, "door_delivery_required"),
    ["doorDelivery"],
  ),
  v.forward(
    v.partialCheck([["open"], ["close"]], (i) => i.open < i.close, "hours_order"),
    ["close"],
  ),
);
export type ApplyLeaderInput = v.InferOutput<typeof ApplyLeaderInput>;

const PointId = v.pipe(v.string("point_required"), v.regex(/^pkp_[0-9a-z]{20}$/, "point_invalid"));

export const ReviewLeaderInput = v.variant(
  "intent",
  [
    v.object({ intent: v.literal("approve"), pointId: PointId }),
    v.object({ intent: v.literal("reject"), pointId: PointId, reason: Text(2, 200, "reject_reason_required", "text_too_long") }),
  ],
  "intent_invalid",
);
export type ReviewLeaderInput = v.InferOutput<typeof ReviewLeaderInput>;

export const LEADER_REVIEW_STATUSES = ["pending", "active", "rejected"] as const;
export type LeaderReviewStatus = (typeof LEADER_REVIEW_STATUSES)[number];

/** The opening hours stored on a pickup point: { open, close, days } (days absent on older rows = every day). */
export interface PointHours {
  open: string;
  close: string;
  days: number[];
}

export function parsePointHours(json: string): PointHours {
  try {
    const raw = JSON.parse(json) as { open?: unknown; close?: unknown; days?: unknown };
    const time = (x: unknown, fallback: string) => (typeof x === "string" && /^([01]\d|2[0-3]):[0-5]\d$/.test(x) ? x : fallback);
    const days = Array.isArray(raw.days) ? WEEKDAYS.filter((d) => (raw.days as unknown[]).includes(d)) : [...WEEKDAYS];
    return { open: time(raw.open, "08:00"), close: time(raw.close, "21:00"), days: days.length ? days : [...WEEKDAYS] };
  } catch {
    return { open: "08:00", close: "21:00", days: [...WEEKDAYS] };
  }
}
