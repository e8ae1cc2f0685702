import * as v from "valibot";

/**
 * Reviews (评价, issue 10 part 5), pure rules shared by the server and the pages:
 *
 * - A shopper reviews each order line they picked up (the order `picked_up` or `completed`, the
 *   line's `picked_up_qty` > 0), once: 1–5 stars, up to 500 characters, up to 3 photos. A review
 *   is final (no edits), so its points (setting `review.points`) are earned once; a hidden
 *   review keeps its points.
 * - The product page shows the visible reviews' average (one decimal), count and distribution
 *   (5 → 1), and the best recent ones: good (4–5 stars) with photos first.
 */

export const MAX_REVIEW_PHOTOS = 3;
export const MAX_REVIEW_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_REVIEW_BODY = 500;
export const MAX_REPLY = 500;
export const MAX_HIDE_REASON = 200;
export const REVIEW_PAGE_SIZE = 10;
/** How many reviews the product page shows under its summary. */
export const HIGHLIGHTS_SHOWN = 3;

/** The order statuses in which goods have been collected (app/modules/orders/state-machine.ts). */
export const REVIEWABLE_ORDER_STATUSES = ["picked_up", "completed"] as const;

export function isReviewableLine(orderStatus: string, line: { pickedUpQty: number }): boolean {
  return (REVIEWABLE_ORDER_STATUSES as readonly string[]).includes(orderStatus) && line.pickedUpQty > 0;
}

export type CreateReviewErrorCode = "line_not_found" | "not_picked_up" | "already_reviewed" | "too_many_photos" | "photo_too_large" | "photo_type" | "photo_unreadable";

/** The product page's list filters: all, with photos, good (4–5 stars), bad (1–2 stars). */
export const PRODUCT_REVIEW_FILTERS = ["all", "photos", "good", "bad"] as const;
export type ProductReviewFilter = (typeof PRODUCT_REVIEW_FILTERS)[number];

export const MERCHANT_REVIEW_FILTERS = ["all", "unanswered", "low"] as const;
export type MerchantReviewFilter = (typeof MERCHANT_REVIEW_FILTERS)[number];

export const ADMIN_REVIEW_FILTERS = ["all", "low", "hidden"] as const;
export type AdminReviewFilter = (typeof ADMIN_REVIEW_FILTERS)[number];

/** "Low rating" in the merchant's and the admin's lists, and "bad" on the product page. */
export const LOW_RATING_MAX = 2;
export const GOOD_RATING_MIN = 4;

/** A name shown beside a review: the first character and two stars (张伟 → 张**, Alice → A**). */
export function maskName(name: string | null | undefined): string {
  const first = [...(name ?? "").trim()][0];
  return first ? `${first}**` : "***";
}

export interface ReviewStatsRow {
  stars1: number;
  stars2: number;
  stars3: number;
  stars4: number;
  stars5: number;
  withPhotos: number;
}

export const EMPTY_STATS: ReviewStatsRow = { stars1: 0, stars2: 0, stars3: 0, stars4: 0, stars5: 0, withPhotos: 0 };

export interface ReviewSummary {
  count: number;
  /** Mean stars rounded to one decimal (4.25 → 4.3); null without reviews. */
  average: number | null;
  /** 5 → 1: how many, and the share in whole percent (largest remainder, so the shares add up to 100). */
  distribution: Array<{ stars: 1 | 2 | 3 | 4 | 5; count: number; percent: number }>;
  withPhotos: number;
  good: number;
  bad: number;
}

/** The product page's numbers from the per-star counts. */
export function summarise(stats: ReviewStatsRow): ReviewSummary {
  const counts = [stats.stars5, stats.stars4, stats.stars3, stats.stars2, stats.stars1].map((n) => Math.max(0, Number(n) || 0));
  const count = counts.reduce((a, b) => a + b, 0);
  const sum = counts.reduce((s, n, i) => s + n * (5 - i), 0);
  const percents = largestRemainder(counts, count);
  return {
    count,
    // Integer arithmetic, so 4.25 rounds up as people expect (no 4.2 from float error).
    average: count ? Math.round((sum * 10) / count) / 10 : null,
    distribution: counts.map((n, i) => ({ stars: (5 - i) as 1 | 2 | 3 | 4 | 5, count: n, percent: percents[i]! })),
    withPhotos: Math.max(0, Number(stats.withPhotos) || 0),
    good: counts[0]! + counts[1]!,
    bad: counts[3]! + counts[4]!,
  };
}

/** Whole percentages of `total` that add up to exactly 100 (0s when total is 0). */
export function largestRemainder(counts: readonly number[], total: number): number[] {
  if (total <= 0) return counts.map(() => 0);
  const exact = counts.map((n) => (n * 100) / total);
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - floors[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left--;
  }
  return floors;
}

/** How many reviews a filter of the product page lists (from the same counts). */
export function filterCount(summary: ReviewSummary, filter: ProductReviewFilter): number {
  switch (filter) {
    case "photos":
      return summary.withPhotos;
    case "good":
      return summary.good;
    case "bad":
      return summary.bad;
    default:
      return summary.count;
  }
}

export function pageCount(total: number, pageSize = REVIEW_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** `?filter=&page=` of a list, forgiving: anything unknown reads as the first page of "all". */
export function parseListParams<F extends string>(params: URLSearchParams, filters: readonly F[]): { filter: F; page: number } {
  const f = params.get("filter");
  const filter = (f && (filters as readonly string[]).includes(f) ? f : filters[0]) as F;
  const p = Number(params.get("page"));
  const page = Number.isSafeInteger(p) && p >= 1 && p <= 10_000 ? p : 1;
  return { filter, page };
}

const RatingField = v.pipe(
  v.string("rating_required"),
  v.regex(/^[1-5]$/, "rating_invalid"),
  v.transform((s) => Number(s) as 1 | 2 | 3 | 4 | 5),
);
const BodyField = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_REVIEW_BODY, "review_too_long")));

/** The review form (multipart; the photos are read from the form data separately). A missing rating reads as rating_required. */
export const ReviewFormInput = v.object({ rating: RatingField, body: BodyField }, "rating_required");

/** The API's JSON body. */
export const ReviewJsonInput = v.object({
  rating: v.pipe(v.number("rating_required"), v.integer("rating_invalid"), v.minValue(1, "rating_invalid"), v.maxValue(5, "rating_invalid")),
  body: v.optional(v.pipe(v.string("invalid_type"), v.trim(), v.maxLength(MAX_REVIEW_BODY, "review_too_long")), ""),
});

export const ReplyInput = v.object(
  {
    intent: v.literal("reply", "intent_invalid"),
    reviewId: v.pipe(v.string("review_not_found"), v.regex(/^rev_[0-9a-z]{20}$/, "review_not_found")),
    reply: v.pipe(v.string("reply_required"), v.trim(), v.nonEmpty("reply_required"), v.maxLength(MAX_REPLY, "reply_too_long")),
  },
  "reply_required",
);

export const ModerateInput = v.object(
  {
    intent: v.picklist(["hide", "unhide"], "intent_invalid"),
    reviewId: v.pipe(v.string("review_not_found"), v.regex(/^rev_[0-9a-z]{20}$/, "review_not_found")),
    reason: v.pipe(v.string("reason_required"), v.trim(), v.nonEmpty("reason_required"), v.maxLength(MAX_HIDE_REASON, "reason_too_long")),
  },
  "reason_required",
);

/** The path a stored photo is served at: `reviews/<id>/<n>.<ext>` → `/review-photos/<id>/<n>.<ext>`. */
export function reviewPhotoUrl(key: string): string {
  return `/review-photos/${key.slice("reviews/".length)}`;
}

export function parsePhotoKeys(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === "string" && k.startsWith("reviews/")) : [];
  } catch {
    return [];
  }
}
