import * as v from "valibot";
import { getGroupView, getLiveCampaignForProduct, joinGroup, listMyGroups, listOpenGroups, startGroup, type JoinError, type JoinResult } from "~/modules/group-deals/groups.server";
import { ApiError, ApiErrorBody } from "./errors";
import { defineEndpoint, type Endpoint } from "./router.server";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };
const notFound = { description: "Not found", schema: ApiErrorBody };
const conflict = {
  description: "Refused: group_closed, group_full, already_member, over_user_limit, campaign_not_live, item_unavailable, insufficient_stock",
  schema: ApiErrorBody,
};
const forbidden = { description: "feature_off (group deals are switched off) or not_same_point (a leader-only group of another pickup point)", schema: ApiErrorBody };

const Fen = v.pipe(v.number(), v.integer(), v.description("Integer fen (1/100 CNY)"));
const Quantity = v.pipe(v.number(), v.integer("quantity_invalid"), v.minValue(1, "quantity_invalid"), v.maxValue(99, "quantity_invalid"));
const Joined = v.object({
  groupId: v.string(),
  orderId: v.pipe(v.string(), v.description("The member's order, priced at the first tier; pay it with POST /orders/{id}/payments")),
  payableFen: Fen,
});
const Tier = v.object({ size: v.number(), unitPriceFen: Fen });

function localeOf(request: Request) {
  return request.headers.get("Accept-Language")?.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

function idempotencyKey(request: Request): string | undefined {
  const key = request.headers.get("Idempotency-Key") ?? undefined;
  if (key !== undefined && !/^[\x21-\x7e]{8,64}$/.test(key)) throw new ApiError(400, "validation_failed", { "Idempotency-Key": ["invalid"] });
  return key;
}

const STATUS: Record<JoinError, number> = {
  feature_off: 403,
  not_same_point: 403,
  group_not_found: 404,
  quantity_invalid: 400,
  pickup_point_required: 400,
  campaign_not_live: 409,
  group_closed: 409,
  group_full: 409,
  already_member: 409,
  over_user_limit: 409,
  item_unavailable: 409,
  insufficient_stock: 409,
};

function joined(r: JoinResult): Response {
  if (!r.ok) throw new ApiError(STATUS[r.error.code], r.error.code, r.error.field ? { [r.error.field]: [r.error.code] } : undefined);
  return Response.json({ groupId: r.value.groupId, orderId: r.value.orderId, payableFen: r.value.payableFen }, { status: r.value.replayed ? 200 : 201 });
}

/** SPEC §9 group deals: start, join, status (plus what is on offer and the user's own groups). */
export const groupEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/group-deals",
    operationId: "listGroupDeals",
    summary: "A product's live group-deal campaign (tiers) and the open groups one can join",
    tags: ["group-deals"],
    auth: "none",
    query: v.object({ productId: v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "product_invalid")) }),
    responses: {
      200: {
        description: "The campaign (null when none is live) and open groups, fullest first",
        schema: v.object({
          campaign: v.nullable(v.object({ id: v.string(), skuId: v.string(), tiers: v.array(Tier), durationMinutes: v.number(), perUserLimit: v.number(), leaderOnly: v.boolean(), endsAt: v.number() })),
          groups: v.array(v.object({ id: v.string(), paidCount: v.number(), capacity: v.number(), deadlineAt: v.number(), starterName: v.string() })),
        }),
      },
      400: validationError,
    },
    async handler({ ctx, query, session }) {
      const productId = (query as { productId: string }).productId;
      const campaign = await getLiveCampaignForProduct(ctx, productId);
      const point = session ? ((await ctx.db.query.userPickupPoints.findFirst({ where: (t, { eq }) => eq(t.userId, session.user.id) }))?.pickupPointId ?? null) : null;
      const groups = campaign ? await listOpenGroups(ctx, { productId, pickupPointId: point, limit: 10 }) : [];
      return Response.json({
        campaign,
        groups: groups.map((g) => ({ id: g.id, paidCount: g.paidCount, capacity: g.capacity, deadlineAt: g.deadlineAt, starterName: g.starterName })),
      });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/group-deals",
    operationId: "startGroupDeal",
    summary: "Start a group of a live campaign: creates the group and the starter's order at the first tier's price (Idempotency-Key honoured)",
    tags: ["group-deals"],
    auth: "user",
    body: v.object({ campaignId: v.pipe(v.string(), v.regex(/^gdc_[0-9a-z]{20}$/, "campaign_invalid")), quantity: Quantity }),
    responses: { 201: { description: "Started", schema: Joined }, 200: { description: "Idempotency-Key replay", schema: Joined }, 400: validationError, 401: unauthorized, 403: forbidden, 409: conflict },
    async handler({ ctx, request, session, body }) {
      return joined(await startGroup(ctx, session!.user.id, { campaignId: body.campaignId, quantity: body.quantity, locale: localeOf(request), idempotencyKey: idempotencyKey(request) }));
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/group-deals/{id}/join",
    operationId: "joinGroupDeal",
    summary: "Join an open group: holds a seat and creates the member's order at the first tier's price; the seat is kept while the order is paid in time",
    tags: ["group-deals"],
    auth: "user",
    body: v.object({
      quantity: Quantity,
      invitedBy: v.optional(v.pipe(v.string(), v.regex(/^usr_[0-9a-z]{20}$/, "invited_by_invalid"), v.description("The member whose share link brought the user (attribution)"))),
    }),
    responses: { 201: { description: "Joined", schema: Joined }, 200: { description: "Idempotency-Key replay", schema: Joined }, 400: validationError, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
    async handler({ ctx, request, session, body, params }) {
      if (!/^grp_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      return joined(await joinGroup(ctx, session!.user.id, { groupId: params.id!, quantity: body.quantity, invitedBy: body.invitedBy, locale: localeOf(request), idempotencyKey: idempotencyKey(request) }));
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/group-deals/{id}",
    operationId: "getGroupDeal",
    summary: "A group's status: tiers, paid members, the tier reached and the next, time left; with a bearer token also the caller's membership, final charge and refunds",
    tags: ["group-deals"],
    auth: "none",
    responses: { 200: { description: "The group (members' names masked)" }, 404: notFound },
    async handler({ ctx, request, session, params }) {
      if (!/^grp_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const group = await getGroupView(ctx, params.id!, { userId: session?.user.id ?? null, locale: localeOf(request) });
      if (!group) throw new ApiError(404, "not_found");
      return Response.json({ group });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/me/group-deals",
    operationId: "listMyGroupDeals",
    summary: "The user's groups, newest first, with status, final charge and refunds",
    tags: ["group-deals"],
    auth: "user",
    responses: { 200: { description: "Groups" }, 401: unauthorized },
    async handler({ ctx, request, session }) {
      return Response.json({ items: await listMyGroups(ctx, session!.user.id, localeOf(request)) });
    },
  }),
];
