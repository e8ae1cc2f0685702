import * as v from "valibot";
import { getOrderForOwner, cancelOrder, listOrders, ORDER_LIST_TABS, type OrderListTab } from "~/modules/orders/orders.server";
import { describeCart, getCartQuantities, changeCartLine, MAX_LINE_QUANTITY } from "~/modules/cart/cart.server";
import { getProductDetail } from "~/modules/catalog/product-detail.server";
import { listShelfProducts, listTopCategories } from "~/modules/catalog/queries.server";
import { searchProducts } from "~/modules/catalog/search.server";
import { quoteCheckout, placeOrder } from "~/modules/orders/checkout.server";
import { FULFILMENT_METHODS, FulfilmentChoice } from "~/modules/orders/fulfilment";
import { processRefunds, startPayment } from "~/modules/payments/payments.server";
import { choosePickupPoint, listPickupPoints } from "~/modules/pickup/choose.server";
import { ApiError, ApiErrorBody } from "./errors";

/** Points to spend: "none" (default), "max" (what the cart allows), or an exact number (409 points_insufficient when it cannot all be used). */
const PointsBody = v.optional(
  v.pipe(
    v.union([v.picklist(["none", "max"]), v.pipe(v.number(), v.safeInteger(), v.minValue(0))], "points_invalid"),
    v.description("Points to spend at 100 points = ¥1: \"none\" (default), \"max\", or an exact number; capped by the balance and the points.max_redeem_bp setting"),
  ),
);
import { defineEndpoint, type Endpoint } from "./router.server";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };
const notFound = { description: "Not found", schema: ApiErrorBody };
const conflict = { description: "Conflict (sold out, price changed, coupon unusable, wrong order state)", schema: ApiErrorBody };

const Fen = v.pipe(v.number(), v.integer(), v.description("Integer fen (1/100 CNY)"));
const IntString = (max: number) => v.pipe(v.string(), v.regex(/^\d{1,6}$/, "invalid"), v.transform(Number), v.maxValue(max, "invalid"));
const Id = (prefix: string) => v.pipe(v.string(), v.regex(new RegExp(`^${prefix}_[0-9a-z]{20}$`), `${prefix}_invalid`));

const ProductCard = v.object({
  id: v.string(),
  title: v.string(),
  unit: v.string(),
  skuId: v.string(),
  priceFen: Fen,
  wasPriceFen: v.nullable(v.pipe(Fen, v.description("The lowest price of the 30 days before the current one, when higher"))),
  soldCount: v.number(),
  inStock: v.boolean(),
  imageUrl: v.nullable(v.string()),
});

function localeOf(request: Request) {
  return request.headers.get("Accept-Language")?.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}

export const shopEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/pickup-points",
    operationId: "listPickupPoints",
    summary: "Active pickup points, nearest first when lat/lng are given, or matching q",
    tags: ["pickup"],
    auth: "none",
    query: v.object({
      q: v.optional(v.pipe(v.string(), v.maxLength(40, "query_too_long"))),
      lat: v.optional(v.pipe(v.string(), v.regex(/^-?\d{1,2}(\.\d{1,7})?$/, "coordinate_invalid"), v.transform(Number), v.minValue(-90), v.maxValue(90))),
      lng: v.optional(v.pipe(v.string(), v.regex(/^-?\d{1,3}(\.\d{1,7})?$/, "coordinate_invalid"), v.transform(Number), v.minValue(-180), v.maxValue(180))),
    }),
    responses: {
      200: {
        description: "Pickup points (street addresses masked)",
        schema: v.object({
          items: v.array(
            v.object({
              id: v.string(),
              name: v.string(),
              area: v.string(),
              addressMasked: v.string(),
              doorDelivery: v.pipe(v.boolean(), v.description("The leader also delivers orders to the shopper's door (free); POST /orders takes fulfilment \"door\" only here")),
              distanceM: v.nullable(v.number()),
            }),
          ),
        }),
      },
      400: validationError,
    },
    async handler({ ctx, query }) {
      const q = query as { q?: string; lat?: number; lng?: number };
      const items = await listPickupPoints(ctx, { q: q.q, lat: q.lat, lng: q.lat !== undefined ? q.lng : undefined });
      return Response.json({ items });
    },
  }),
  defineEndpoint({
    method: "PUT",
    path: "/me/pickup-point",
    operationId: "choosePickupPoint",
    summary: "Choose the pickup point every new order goes to",
    tags: ["pickup"],
    auth: "user",
    body: v.object({ pickupPointId: Id("pkp") }),
    responses: { 200: { description: "Chosen", schema: v.object({ pickupPointId: v.string() }) }, 400: validationError, 401: unauthorized, 404: notFound },
    async handler({ ctx, body, session }) {
      const r = await choosePickupPoint(ctx, session!.user.id, body.pickupPointId);
      if (!r.ok) throw new ApiError(404, r.error.code, { pickupPointId: [r.error.code] });
      return Response.json(r.value);
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/categories",
    operationId: "listCategories",
    summary: "Top-level categories",
    tags: ["catalog"],
    auth: "none",
    responses: { 200: { description: "Categories", schema: v.object({ items: v.array(v.object({ id: v.string(), slug: v.string(), name: v.string() })) }) } },
    async handler({ ctx, request }) {
      return Response.json({ items: await listTopCategories(ctx, localeOf(request)) }, { headers: { "Cache-Control": "public, max-age=300" } });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/products",
    operationId: "listProducts",
    summary: "Search (q, Chinese or English, ranked) or list a category's products (best sellers first); 20 per page",
    tags: ["catalog"],
    auth: "none",
    query: v.object({
      q: v.optional(v.pipe(v.string(), v.maxLength(100, "query_too_long"))),
      categoryId: v.optional(Id("cat")),
      page: v.optional(IntString(1000), "1"),
    }),
    responses: {
      200: { description: "A page of products", schema: v.object({ items: v.array(ProductCard), total: v.nullable(v.number()), page: v.number() }) },
      400: validationError,
    },
    async handler({ ctx, request, query }) {
      const q = query as { q?: string; categoryId?: string; page: number | string };
      const page = Math.max(1, Number(q.page));
      const locale = localeOf(request);
      if (q.q?.trim()) {
        const r = await searchProducts(ctx, q.q, locale, page);
        return Response.json({ items: r.rows, total: r.total, page });
      }
      const items = await listShelfProducts(ctx, locale, { limit: 20, offset: (page - 1) * 20, categoryId: q.categoryId });
      return Response.json({ items, total: null, page });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/products/{id}",
    operationId: "getProduct",
    summary: "Product detail: SKUs with prices, truthful struck prices and stock, images, merchant",
    tags: ["catalog"],
    auth: "none",
    responses: { 200: { description: "The product" }, 404: notFound },
    async handler({ ctx, request, params }) {
      if (!/^prd_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const product = await getProductDetail(ctx, params.id!, localeOf(request));
      if (!product) throw new ApiError(404, "not_found");
      return Response.json({ product });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/cart",
    operationId: "getCart",
    summary: "The signed-in user's cart with current prices",
    tags: ["cart"],
    auth: "user",
    responses: { 200: { description: "Cart lines" }, 401: unauthorized },
    async handler({ ctx, request, session }) {
      return Response.json({ lines: await describeCart(ctx, await getCartQuantities(ctx, session!.user.id), localeOf(request)) });
    },
  }),
  defineEndpoint({
    method: "PUT",
    path: "/cart/items/{skuId}",
    operationId: "setCartItem",
    summary: "Set a SKU's quantity in the cart (0 removes it; at most 99)",
    tags: ["cart"],
    auth: "user",
    body: v.object({ quantity: v.pipe(v.number("quantity_invalid"), v.integer("quantity_invalid"), v.minValue(0, "quantity_invalid"), v.maxValue(MAX_LINE_QUANTITY, "quantity_too_large")) }),
    responses: { 200: { description: "New quantity", schema: v.object({ quantity: v.number() }) }, 400: validationError, 401: unauthorized, 404: notFound, 409: conflict },
    async handler({ ctx, session, params, body }) {
      if (!/^sku_[0-9a-z]{20}$/.test(params.skuId ?? "")) throw new ApiError(404, "sku_not_found");
      const r = await changeCartLine(ctx, session!.user.id, { skuId: params.skuId!, quantity: body.quantity, mode: "set" });
      if (!r.ok) throw new ApiError(r.error.code === "cart_full" ? 409 : 404, r.error.code, { skuId: [r.error.code] });
      return Response.json(r.value);
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/cart/quote",
    operationId: "quoteCart",
    summary: "Price the cart on the server: promotions, member discount, a coupon (the best one unless couponId is given, or \"none\") and points (none unless asked); itemised",
    tags: ["cart"],
    auth: "user",
    body: v.object({ couponId: v.optional(v.pipe(v.string(), v.regex(/^(none|ucp_[0-9a-z]{20})$/, "coupon_invalid"))), points: PointsBody }),
    responses: { 200: { description: "Itemised price (PriceBreakdown), the coupons with their results, and problems (stock)" }, 400: validationError, 401: unauthorized },
    async handler({ ctx, request, session, body }) {
      const quote = await quoteCheckout(ctx, session!.user.id, { couponChoice: body.couponId, pointsChoice: body.points ?? "none", locale: localeOf(request) });
      return Response.json(quote);
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/orders",
    operationId: "placeOrder",
    summary: "Place the cart as an order (honours the Idempotency-Key header: a retry returns the same order)",
    tags: ["orders"],
    auth: "user",
    body: v.object({
      couponId: v.optional(v.pipe(v.string(), v.regex(/^(none|ucp_[0-9a-z]{20})$/, "coupon_invalid"))),
      points: PointsBody,
      expectedPayableFen: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.description("The total the client showed; a different server price answers 409 price_changed"))),
      note: v.optional(v.pipe(v.string(), v.maxLength(200, "text_too_long"))),
      fulfilment: v.pipe(
        FulfilmentChoice,
        v.description("\"pickup\" (default): collect at the chosen pickup point; \"door\": the leader delivers to addressId, free, only where the point has doorDelivery"),
      ),
      addressId: v.optional(
        v.pipe(v.string(), v.regex(/^adr_[0-9a-z]{20}$/, "address_not_found"), v.description("One of the user's saved addresses; required for \"door\" and copied onto the order")),
      ),
    }),
    responses: {
      201: { description: "Created", schema: v.object({ orderId: v.string(), payableFen: Fen, fulfilment: v.picklist(FULFILMENT_METHODS) }) },
      200: { description: "The same order again (Idempotency-Key replay)", schema: v.object({ orderId: v.string(), payableFen: Fen, fulfilment: v.picklist(FULFILMENT_METHODS) }) },
      400: validationError,
      401: unauthorized,
      409: conflict,
    },
    async handler({ ctx, request, session, body }) {
      const key = request.headers.get("Idempotency-Key") ?? undefined;
      if (key !== undefined && !/^[\x21-\x7e]{8,64}$/.test(key)) throw new ApiError(400, "validation_failed", { "Idempotency-Key": ["invalid"] });
      const r = await placeOrder(ctx, session!.user.id, {
        couponChoice: body.couponId ?? "none",
        pointsChoice: body.points ?? "none",
        expectedPayableFen: body.expectedPayableFen,
        note: body.note,
        idempotencyKey: key,
        locale: localeOf(request),
        fulfilment: body.fulfilment,
        addressId: body.fulfilment === "door" ? body.addressId : undefined,
      });
      if (!r.ok) {
        const invalidInput: string[] = ["cart_empty", "pickup_point_required", "door_delivery_unavailable", "delivery_address_required", "address_not_found"];
        const status = invalidInput.includes(r.error.code) ? 400 : 409;
        throw new ApiError(status, r.error.code, r.error.field ? { [r.error.field]: [r.error.code] } : undefined);
      }
      return Response.json({ orderId: r.value.orderId, payableFen: r.value.payableFen, fulfilment: r.value.fulfilment }, { status: r.value.replayed ? 200 : 201 });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/orders",
    operationId: "listOrders",
    summary: "The user's orders, newest first",
    tags: ["orders"],
    auth: "user",
    query: v.object({ tab: v.optional(v.picklist(Object.keys(ORDER_LIST_TABS) as [OrderListTab, ...OrderListTab[]], "tab_invalid"), "all") }),
    responses: { 200: { description: "Orders" }, 400: validationError, 401: unauthorized },
    async handler({ ctx, session, query }) {
      return Response.json({ items: await listOrders(ctx, session!.user.id, (query as { tab: OrderListTab }).tab) });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/orders/{id}",
    operationId: "getOrder",
    summary: "One of the user's orders: lines, price breakdown, timeline, pickup point, pickup code, fulfilment and (door delivery) the delivery address snapshot",
    tags: ["orders"],
    auth: "user",
    responses: { 200: { description: "The order" }, 401: unauthorized, 404: notFound },
    async handler({ ctx, session, params }) {
      if (!/^ord_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const order = await getOrderForOwner(ctx, session!.user.id, params.id!);
      if (!order) throw new ApiError(404, "not_found");
      return Response.json({ order });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/orders/{id}/cancel",
    operationId: "cancelOrder",
    summary: "Cancel before shipping: stock and coupon return; a paid order is refunded through its provider",
    tags: ["orders"],
    auth: "user",
    body: v.object({ reason: v.optional(v.pipe(v.string(), v.maxLength(200, "text_too_long"))) }),
    responses: { 200: { description: "Cancelled" }, 400: validationError, 401: unauthorized, 404: notFound, 409: conflict },
    async handler({ ctx, session, params, body }) {
      if (!/^ord_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const r = await cancelOrder(ctx, { orderId: params.id!, userId: session!.user.id, actor: { type: "user", id: session!.user.id }, reason: body.reason || "shopper_cancelled" });
      if (!r.ok) throw new ApiError(r.error.code === "order_not_found" ? 404 : 409, r.error.code);
      if (r.value.refundId) await processRefunds(ctx, [r.value.refundId], ctx.request!.url.origin);
      return Response.json({ status: r.value.status, refundId: r.value.refundId });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/orders/{id}/payments",
    operationId: "startPayment",
    summary: "Start paying an order: returns the provider's redirect URL, QR code URL or JSAPI parameters",
    tags: ["payments"],
    auth: "user",
    body: v.object({ provider: v.picklist(["sandbox", "wechat", "alipay"], "provider_invalid") }),
    responses: { 201: { description: "Payment started" }, 400: validationError, 401: unauthorized, 404: notFound, 409: conflict },
    async handler({ ctx, session, params, body }) {
      if (!/^ord_[0-9a-z]{20}$/.test(params.id ?? "")) throw new ApiError(404, "not_found");
      const r = await startPayment(ctx, { userId: session!.user.id, orderId: params.id!, provider: body.provider, origin: ctx.request!.url.origin, clientIp: ctx.request!.ip });
      if (!r.ok) throw new ApiError(r.error.code === "order_not_found" ? 404 : 409, r.error.code);
      return Response.json(r.value, { status: 201 });
    },
  }),
];
