import * as v from "valibot";
import { getFlashSale, listFlashSales, reserveFlashSale, type ReserveError } from "~/modules/flash-sales/sales.server";
import { ApiError, ApiErrorBody } from "./errors";
import { defineEndpoint, type Endpoint } from "./router.server";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };
const notFound = { description: "Not found", schema: ApiErrorBody };
const Fen = v.pipe(v.number(), v.integer(), v.description("Integer fen (1/100 CNY)"));
const Counts = v.object({
  stock: v.number(),
  sold: v.pipe(v.number(), v.description("Units paid for")),
  reserved: v.pipe(v.number(), v.description("Units held by reservations waiting for payment")),
  remaining: v.pipe(v.number(), v.description("stock − sold − reserved")),
});

function localeOf(request: Request) {
  return request.headers.get("Accept-Language")?.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

/**
 * Refusals carry distinct codes (issue 8): `not_started` and `ended` (outside the shopper's
 * window: stock never touched), `sold_out`, `over_limit` — all 409; `busy` is 503 with Retry-After
 * when the sale's stock object is overloaded (it answers fast instead of queueing).
 */
const STATUS: Record<ReserveError, number> = {
  not_started: 409,
  ended: 409,
  sold_out: 409,
  over_limit: 409,
  feature_off: 403,
  sale_not_found: 404,
  pickup_point_required: 400,
  quantity_invalid: 400,
  item_unavailable: 409,
  busy: 503,
};

export const flashEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/flash-sales",
    operationId: "listFlashSales",
    summary: "Approved flash sales that have not ended, soonest first: price, window, the caller's opening time (early access by membership level), live counts and phase",
    tags: ["flash-sales"],
    auth: "none",
    responses: { 200: { description: "Sales; `serverNow` lets a client synchronise its countdowns" } },
    async handler({ ctx, request, session }) {
      const now = Date.now();
      const items = await listFlashSales(ctx, { userId: session?.user.id ?? null, locale: localeOf(request) }, now);
      return Response.json({ serverNow: now, items });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/flash-sales/{id}",
    operationId: "getFlashSale",
    summary: "One flash sale's status: counts (sold + reserved + remaining = stock), phase, and when the caller may buy",
    tags: ["flash-sales"],
    auth: "none",
    responses: { 200: { description: "The sale" }, 404: notFound },
    async handler({ ctx, request, session, params }) {
      if (!/^fls_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const sale = await getFlashSale(ctx, params.id!, { userId: session?.user.id ?? null, locale: localeOf(request) });
      if (!sale) throw new ApiError(404, "not_found");
      return Response.json({ sale });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/flash-sales/{id}/reservations",
    operationId: "reserveFlashSale",
    summary:
      "Reserve units and get the order that pays for them at the flash price, payable until the reservation expires. The Idempotency-Key header makes a retry return the same reservation and order.",
    tags: ["flash-sales"],
    auth: "user",
    body: v.object({ quantity: v.pipe(v.number(), v.integer("quantity_invalid"), v.minValue(1, "quantity_invalid"), v.maxValue(99, "quantity_invalid")) }),
    responses: {
      201: {
        description: "Reserved",
        schema: v.object({ reservationId: v.string(), orderId: v.string(), payableFen: Fen, expiresAt: v.pipe(v.number(), v.description("Epoch ms: pay before this")), counts: Counts }),
      },
      200: { description: "The same reservation again (Idempotency-Key replay)" },
      400: validationError,
      401: unauthorized,
      403: { description: "feature_off", schema: ApiErrorBody },
      404: notFound,
      409: { description: "not_started, ended, sold_out, over_limit", schema: ApiErrorBody },
      503: { description: "busy: the sale is overloaded; retry after Retry-After", schema: ApiErrorBody },
    },
    async handler({ ctx, request, session, params, body }) {
      if (!/^fls_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const key = request.headers.get("Idempotency-Key") ?? undefined;
      if (key !== undefined && !/^[\x21-\x7e]{8,64}$/.test(key)) throw new ApiError(400, "validation_failed", { "Idempotency-Key": ["invalid"] });
      const r = await reserveFlashSale(ctx, session!.user.id, { saleId: params.id!, quantity: body.quantity, idempotencyKey: key, locale: localeOf(request) });
      if (!r.ok) {
        const status = STATUS[r.error.code];
        throw new ApiError(status, r.error.code, r.error.field ? { [r.error.field]: [r.error.code] } : undefined, status === 503 ? { "Retry-After": "1" } : undefined);
      }
      const { reservation, orderId, payableFen, counts, replayed } = r.value;
      return Response.json({ reservationId: reservation.id, orderId, payableFen, expiresAt: reservation.expiresAt, counts }, { status: replayed ? 200 : 201 });
    },
  }),
];
