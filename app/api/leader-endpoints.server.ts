import { eq } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import type { SessionInfo } from "~/auth/session.server";
import { pickupPoints } from "~/db/schema";
import { confirmArrival } from "~/modules/fulfilment/batches.server";
import { BATCH_ID } from "~/modules/fulfilment/schemas";
import { parsePickupCode, type HandoverRefusal } from "~/modules/leaders/handover";
import { getPickupList, handOver, isFieldError, lookupPickupCode, type HandoverOutcome } from "~/modules/leaders/handover.server";
import { CLIENT_REF, HandoverBody, TodayQuery } from "~/modules/leaders/schemas";
import { isHistoryDate } from "~/modules/leaders/today";
import { getLeaderToday } from "~/modules/leaders/today.server";
import { ApiError, ApiErrorBody } from "./errors";
import { ArrivalBody, ArrivalResponse, HandoverResponse, PickupListResponse, PickupLookupResponse, TodayResponse } from "./leader-schemas";
import { defineEndpoint, type Endpoint } from "./router.server";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };
const forbidden = { description: "Not a leader with a pickup point", schema: ApiErrorBody };

/** The bearer's own pickup point (the leader role and a point they run), else 403. */
async function requireLeaderPoint(ctx: AppContext, session: SessionInfo | null) {
  if (!session?.user.roles.includes("leader")) throw new ApiError(403, "forbidden");
  const point = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.leaderUserId, session.user.id) });
  if (!point) throw new ApiError(403, "forbidden");
  return point;
}

const NOT_FOUND: ReadonlySet<string> = new Set(["code_not_found", "code_other_point", "order_not_found"]);

function handoverError(code: string, field: string | undefined, retryAfterMs?: number): ApiError {
  if (code === "rate_limited") {
    return new ApiError(429, "rate_limited", { [field ?? "code"]: ["rate_limited"] }, { "Retry-After": String(Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000))) });
  }
  if (isFieldError(code)) return new ApiError(400, "validation_failed", { [field ?? "lines"]: [code] });
  if (NOT_FOUND.has(code)) return new ApiError(404, code, field ? { [field]: [code] } : undefined);
  return new ApiError(409, code as HandoverRefusal, field ? { [field]: [code] } : undefined);
}

function handoverBody(o: HandoverOutcome) {
  return {
    handover: { id: o.handoverId, clientRef: o.clientRef, orderId: o.orderId, lines: o.lines, handedAt: o.handedAt, offline: o.offline, completed: o.completed, replayed: o.replayed },
    order: { id: o.orderId, status: o.orderStatus, remaining: o.remaining },
  };
}

export const leaderEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/leader/today",
    operationId: "getLeaderToday",
    summary: "The leader's Today: the current cycle's orders (paid, not locked yet) with per-product totals and the next cut-off, or a past day's (?date=); customers who have not collected",
    tags: ["leader"],
    auth: "user",
    role: "leader",
    query: TodayQuery,
    responses: { 200: { description: "Today", schema: TodayResponse }, 400: validationError, 401: unauthorized, 403: forbidden },
    async handler({ ctx, session, query }) {
      const point = await requireLeaderPoint(ctx, session);
      const date = (query as { date?: string }).date;
      if (date !== undefined && !isHistoryDate(date, Date.now())) throw new ApiError(400, "validation_failed", { date: ["date_out_of_range"] });
      return Response.json(await getLeaderToday(ctx, point.id, { date }));
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/leader/pickups",
    operationId: "getLeaderPickupList",
    summary: "The point's pickup list for offline hand-over: orders waiting with their lines and a digest of each pickup code, and digests of codes that cannot be handed over now",
    tags: ["leader"],
    auth: "user",
    role: "leader",
    responses: { 200: { description: "The list", schema: PickupListResponse }, 401: unauthorized, 403: forbidden },
    async handler({ ctx, session }) {
      const point = await requireLeaderPoint(ctx, session);
      return Response.json(await getPickupList(ctx, point.id));
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/leader/pickups/{code}",
    operationId: "lookupPickupCode",
    summary: "Look up the leader's own order by its 8-digit pickup code (or the QR text TG-PICKUP:<code>)",
    tags: ["leader"],
    auth: "user",
    role: "leader",
    responses: {
      200: { description: "The order, and whether it can be handed over now", schema: PickupLookupResponse },
      400: validationError,
      401: unauthorized,
      403: forbidden,
      404: { description: "No order of this point has this code (`code_not_found`), or it belongs to another pickup point (`code_other_point`)", schema: ApiErrorBody },
      429: { description: "Too many codes that matched nothing; see Retry-After", schema: ApiErrorBody },
    },
    async handler({ ctx, session, params }) {
      const point = await requireLeaderPoint(ctx, session);
      let raw = params.code ?? "";
      try {
        raw = decodeURIComponent(raw);
      } catch {
        // a stray "%" (already decoded once by the router) is not a code; parsePickupCode refuses it
      }
      const code = parsePickupCode(raw);
      if (!code) throw new ApiError(400, "validation_failed", { code: ["code_invalid"] });
      const found = await lookupPickupCode(ctx, { pickupPointId: point.id, userId: session!.user.id, code });
      if (!found.ok) throw handoverError(found.error.code, found.error.field, found.error.retryAfterMs);
      return Response.json({ order: found.value });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/leader/pickups",
    operationId: "handOverPickup",
    summary:
      "Hand an order (or part of it) over to its customer, by pickup code or order id. Honours Idempotency-Key (the device's hand-over id): a replay answers the original outcome and changes nothing",
    tags: ["leader"],
    auth: "user",
    role: "leader",
    body: HandoverBody,
    responses: {
      201: { description: "Handed over", schema: HandoverResponse },
      200: { description: "The same hand-over again (Idempotency-Key replay): nothing changed", schema: HandoverResponse },
      400: validationError,
      401: unauthorized,
      403: forbidden,
      404: { description: "No such order at this point (`code_not_found`, `code_other_point`, `order_not_found`)", schema: ApiErrorBody },
      409: {
        description:
          "Cannot hand over: `already_collected`, `not_arrived`, `order_refunding`, `order_refunded`, `order_cancelled`, `quantity_over_remaining`, `handover_conflict` (another device handed it over at the same time), `idempotency_key_reused`",
        schema: ApiErrorBody,
      },
      429: { description: "Too many codes that matched nothing; see Retry-After", schema: ApiErrorBody },
    },
    async handler({ ctx, request, session, body }) {
      const point = await requireLeaderPoint(ctx, session);
      const key = request.headers.get("Idempotency-Key");
      if (key !== null && !CLIENT_REF.test(key)) throw new ApiError(400, "validation_failed", { "Idempotency-Key": ["invalid"] });
      const done = await handOver(ctx, {
        pickupPointId: point.id,
        leaderUserId: session!.user.id,
        code: body.code,
        orderId: body.orderId,
        lines: body.lines,
        clientRef: key ?? `api-${crypto.randomUUID()}`,
        handedAt: body.handedAt,
        offline: body.offline,
      });
      if (!done.ok) throw handoverError(done.error.code, done.error.field, done.error.retryAfterMs);
      return Response.json(handoverBody(done.value), { status: done.value.replayed ? 200 : 201 });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/leader/arrivals/{batchId}",
    operationId: "confirmArrival",
    summary: "Confirm a shipped delivery batch of the leader's point, SKU by SKU; shortages are refunded to the affected orders (newest first)",
    tags: ["leader"],
    auth: "user",
    role: "leader",
    body: ArrivalBody,
    responses: {
      200: { description: "Confirmed", schema: ArrivalResponse },
      400: validationError,
      401: unauthorized,
      403: forbidden,
      404: { description: "No such batch at this point", schema: ApiErrorBody },
      409: { description: "The batch is not waiting for confirmation (`not_shipped`: not shipped yet, or already confirmed)", schema: ApiErrorBody },
    },
    async handler({ ctx, request, session, params, body }) {
      const point = await requireLeaderPoint(ctx, session);
      const batchId = params.batchId ?? "";
      if (!BATCH_ID.test(batchId)) throw new ApiError(404, "batch_not_found");
      const result = await confirmArrival(ctx, { pickupPointId: point.id, userId: session!.user.id, batchId, items: body.items, origin: new URL(request.url).origin });
      if (!result.ok) {
        if (result.error.code === "batch_not_found") throw new ApiError(404, "batch_not_found");
        if (result.error.code === "not_shipped") throw new ApiError(409, "not_shipped");
        throw new ApiError(400, "validation_failed", { [result.error.field ?? "items"]: [result.error.code] });
      }
      return Response.json({ batchId, shortageQty: result.value.shortageQty, refundIds: result.value.refundIds });
    },
  }),
];
