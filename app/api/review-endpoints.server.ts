import * as v from "valibot";
import { PRODUCT_REVIEW_FILTERS, REVIEW_PAGE_SIZE, ReviewJsonInput, type CreateReviewErrorCode } from "~/modules/reviews/reviews";
import { createReview, listProductReviews } from "~/modules/reviews/reviews.server";
import { ApiError, ApiErrorBody } from "./errors";
import { defineEndpoint, type Endpoint } from "./router.server";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };
const notFound = { description: "Not found", schema: ApiErrorBody };

const Review = v.object({
  id: v.string(),
  rating: v.pipe(v.number(), v.description("1–5 stars")),
  body: v.string(),
  photos: v.pipe(v.array(v.string()), v.description("Photo URLs on this site")),
  name: v.pipe(v.string(), v.description("The reviewer's name, masked (张**)")),
  spec: v.string(),
  createdAt: v.pipe(v.number(), v.description("Epoch ms")),
  reply: v.nullable(v.pipe(v.string(), v.description("The merchant's reply"))),
  repliedAt: v.nullable(v.number()),
});

const Summary = v.object({
  count: v.number(),
  average: v.nullable(v.pipe(v.number(), v.description("Mean stars, one decimal"))),
  distribution: v.array(v.object({ stars: v.number(), count: v.number(), percent: v.number() })),
  withPhotos: v.number(),
  good: v.pipe(v.number(), v.description("4–5 stars")),
  bad: v.pipe(v.number(), v.description("1–2 stars")),
});

function localeOf(request: Request) {
  return request.headers.get("Accept-Language")?.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

const STATUS: Record<CreateReviewErrorCode, number> = {
  line_not_found: 404,
  not_picked_up: 409,
  already_reviewed: 409,
  too_many_photos: 400,
  photo_too_large: 400,
  photo_type: 400,
  photo_unreadable: 400,
};

export const reviewEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/products/{id}/reviews",
    operationId: "listProductReviews",
    summary: `A product's visible reviews, newest first, ${REVIEW_PAGE_SIZE} a page, with the rating summary (average, count, distribution 5 → 1)`,
    tags: ["reviews"],
    auth: "none",
    query: v.object({
      filter: v.optional(v.pipe(v.picklist(PRODUCT_REVIEW_FILTERS, "filter_invalid"), v.description("all (default), photos, good (4–5 stars), bad (1–2 stars)"))),
      page: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,3}$/, "page_invalid"), v.transform(Number), v.description("1-based page number"))),
    }),
    responses: {
      200: { description: "One page", schema: v.object({ summary: Summary, items: v.array(Review), filter: v.string(), page: v.number(), pages: v.number(), total: v.number() }) },
      400: validationError,
      404: notFound,
    },
    async handler({ ctx, request, params, query }) {
      if (!/^prd_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const q = query as { filter?: (typeof PRODUCT_REVIEW_FILTERS)[number]; page?: number };
      const page = await listProductReviews(ctx, params.id!, { filter: q.filter ?? "all", page: q.page ?? 1, locale: localeOf(request) });
      if (!page) throw new ApiError(404, "not_found");
      return Response.json({ summary: page.summary, items: page.items, filter: page.filter, page: page.page, pages: page.pages, total: page.total });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/orders/{id}/lines/{lineId}/review",
    operationId: "reviewOrderLine",
    summary:
      "Review a picked-up line of the caller's order: 1–5 stars and up to 500 characters (photos only through the web form). Once per line, final; earns the review points once. Honours Idempotency-Key: a retry answers the same review.",
    tags: ["reviews"],
    auth: "user",
    body: ReviewJsonInput,
    responses: {
      201: { description: "Written", schema: v.object({ reviewId: v.string(), points: v.pipe(v.number(), v.description("Points earned by this review")) }) },
      200: { description: "The same review again (Idempotency-Key replay)", schema: v.object({ reviewId: v.string(), points: v.number() }) },
      400: validationError,
      401: unauthorized,
      404: { description: "No such line on the caller's orders", schema: ApiErrorBody },
      409: { description: "not_picked_up (the order is not collected yet), already_reviewed", schema: ApiErrorBody },
    },
    async handler({ ctx, request, session, params, body }) {
      if (!/^ord_[0-9a-z]{20}$/.test(params.id ?? "") || !/^oli_[0-9a-z]{20}$/.test(params.lineId ?? "")) throw new ApiError(404, "not_found");
      const key = request.headers.get("Idempotency-Key") ?? undefined;
      if (key !== undefined && !/^[\x21-\x7e]{8,64}$/.test(key)) throw new ApiError(400, "validation_failed", { "Idempotency-Key": ["invalid"] });
      const r = await createReview(ctx, { userId: session!.user.id, orderId: params.id!, lineId: params.lineId!, rating: body.rating, body: body.body, photos: [], idempotencyKey: key });
      if (!r.ok) {
        if (r.error.code === "line_not_found") throw new ApiError(404, "not_found");
        throw new ApiError(STATUS[r.error.code], r.error.code, r.error.field ? { [r.error.field]: [r.error.code] } : undefined);
      }
      return Response.json({ reviewId: r.value.reviewId, points: r.value.points }, { status: r.value.replayed ? 200 : 201 });
    },
  }),
];
