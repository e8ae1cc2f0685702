import * as v from "valibot";
import { listUserCoupons } from "~/modules/account/coupons.server";
import { claimCoupon, listClaimable, type ClaimError } from "~/modules/coupons/claims.server";
import { MY_COUPON_TABS } from "~/modules/coupons/schemas";
import { ApiError, ApiErrorBody } from "./errors";
import { defineEndpoint, type Endpoint } from "./router.server";

const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };
const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const Fen = v.pipe(v.number(), v.integer(), v.description("Integer fen (1/100 CNY)"));
const Ms = (d: string) => v.pipe(v.number(), v.integer(), v.description(`${d} (UTC epoch ms)`));
const Kind = v.pipe(
  v.picklist(["fixed", "threshold", "percentage"]),
  v.description("fixed: amountFen off; threshold: amountFen off from thresholdFen; percentage: discountBp off, capped at maxDiscountFen"),
);
const Terms = {
  name: v.string(),
  kind: Kind,
  amountFen: v.nullable(Fen),
  thresholdFen: v.nullable(Fen),
  discountBp: v.nullable(v.pipe(v.number(), v.integer(), v.description("Basis points off: 1000 = 10% off"))),
  maxDiscountFen: v.nullable(Fen),
  funding: v.picklist(["platform", "merchant"]),
  merchantName: v.nullable(v.string()),
};

const ClaimableBody = v.object({
  id: v.string(),
  ...Terms,
  categories: v.pipe(v.array(v.string()), v.description("Category names the coupon is limited to (empty: not limited by category)")),
  products: v.pipe(v.array(v.string()), v.description("Product names the coupon is limited to (empty: not limited by product)")),
  validDays: v.nullable(v.pipe(v.number(), v.description("Days a claimed coupon stays valid; null: until endsAt"))),
  startsAt: Ms("Claimable from"),
  endsAt: Ms("Claimable until"),
  totalLimit: v.nullable(v.number()),
  perUserLimit: v.number(),
  remaining: v.nullable(v.pipe(v.number(), v.description("Left to claim; null when unlimited"))),
  remainingPercent: v.nullable(v.number()),
  held: v.pipe(v.number(), v.description("Coupons of this template the caller holds (0 without a token)")),
  state: v.picklist(["available", "limit_reached", "sold_out"]),
});

const MyCouponBody = v.object({
  id: v.string(),
  templateId: v.string(),
  status: v.picklist(["available", "locked", "used", "expired"]),
  ...Terms,
  source: v.string(),
  validFrom: Ms("Valid from"),
  validUntil: Ms("Valid until"),
  usedAt: v.nullable(Ms("Used at")),
  orderId: v.nullable(v.string()),
});

function localeOf(request: Request) {
  return request.headers.get("Accept-Language")?.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

function idempotencyKey(request: Request): string | undefined {
  const key = request.headers.get("Idempotency-Key") ?? undefined;
  if (key !== undefined && !/^[\x21-\x7e]{8,64}$/.test(key)) throw new ApiError(400, "validation_failed", { "Idempotency-Key": ["invalid"] });
  return key;
}

const STATUS: Record<ClaimError, number> = { not_found: 404, not_active: 409, not_claimable: 409, sold_out: 409, limit_reached: 409 };

export const couponEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/coupons/claimable",
    operationId: "listClaimableCoupons",
    summary: "The claim centre: coupons to claim now (active, in their window, claimable, not sold out), with the caller's holdings when a token is sent",
    tags: ["coupons"],
    auth: "none",
    responses: { 200: { description: "Claimable coupon templates", schema: v.object({ items: v.array(ClaimableBody) }) } },
    async handler({ ctx, request, session }) {
      const items = await listClaimable(ctx, { userId: session?.user.id ?? null, locale: localeOf(request) });
      return Response.json({ items });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/coupons/{templateId}/claim",
    operationId: "claimCoupon",
    summary:
      "Claim one coupon of a claimable template. Limits are exact under concurrent claims. 409 `sold_out` or `limit_reached` (also `not_active`, `not_claimable`). The Idempotency-Key header makes a retry answer the same coupon.",
    tags: ["coupons"],
    auth: "user",
    responses: {
      201: { description: "Claimed", schema: v.object({ couponId: v.string(), templateId: v.string(), validUntil: Ms("Valid until"), held: v.number() }) },
      200: { description: "The same coupon again (Idempotency-Key replay)" },
      400: validationError,
      401: unauthorized,
      404: { description: "No such template", schema: ApiErrorBody },
      409: { description: "sold_out, limit_reached, not_active, not_claimable", schema: ApiErrorBody },
    },
    async handler({ ctx, request, session, params }) {
      if (!/^cpt_[0-9a-z]{20}$/.test(params.templateId ?? "")) throw new ApiError(404, "not_found");
      const claimed = await claimCoupon(ctx, {
        userId: session!.user.id,
        templateId: params.templateId!,
        idempotencyKey: idempotencyKey(request),
        locale: localeOf(request),
      });
      if (!claimed.ok) throw new ApiError(STATUS[claimed.error.code], claimed.error.code);
      const { couponId, validUntil, template, replayed } = claimed.value;
      return Response.json({ couponId, templateId: params.templateId, validUntil, held: template?.held ?? 1 }, { status: replayed ? 200 : 201 });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/me/coupons",
    operationId: "listMyCoupons",
    summary: "The caller's coupons of one status tab (available includes coupons held by an unpaid order), with each tab's count",
    tags: ["coupons"],
    auth: "user",
    query: v.object({ tab: v.optional(v.pipe(v.picklist(MY_COUPON_TABS, "tab_invalid"), v.description("available (default), used or expired"))) }),
    responses: {
      200: {
        description: "Coupons, usable ones soonest-expiring first",
        schema: v.object({ items: v.array(MyCouponBody), counts: v.object({ available: v.number(), used: v.number(), expired: v.number() }) }),
      },
      400: validationError,
      401: unauthorized,
    },
    async handler({ ctx, request, session, query }) {
      const tab = (query as { tab?: (typeof MY_COUPON_TABS)[number] }).tab ?? "available";
      const { coupons, counts } = await listUserCoupons(ctx, session!.user.id, localeOf(request), tab);
      return Response.json({ items: coupons, counts });
    },
  }),
];
