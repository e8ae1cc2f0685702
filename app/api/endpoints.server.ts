import type { AppContext } from "~/context.server";
import { endSession, startSession } from "~/auth/session.server";
import { resolveLocale } from "~/lib/preferences.server";
import { requestSignInCode, verifySignInCode } from "~/modules/identity/sign-in-codes.server";
import { findOrCreateUserForTarget, getUserProfile, signInWithPassword } from "~/modules/identity/users.server";
import { ApiError, ApiErrorBody } from "./errors";
import { handlePaymentNotification } from "~/modules/payments/payments.server";
import { shopEndpoints } from "./shop-endpoints.server";
import { leaderEndpoints } from "./leader-endpoints.server";
import { pushEndpoints } from "./push-endpoints.server";
import { groupEndpoints } from "./group-endpoints.server";
import { flashEndpoints } from "./flash-endpoints.server";
import { reviewEndpoints } from "./review-endpoints.server";
import { couponEndpoints } from "./coupon-endpoints.server";
import { defineEndpoint, type Endpoint } from "./router.server";
import { MeResponse, RequestCodeBody, RequestCodeResponse, SignInBody, SignInResponse } from "./schemas";

const validationError = { description: "Invalid input; `error.fields` names each bad field", schema: ApiErrorBody };
const rateLimited = { description: "Too many requests; see Retry-After", schema: ApiErrorBody };
const unauthorized = { description: "Missing, invalid or expired bearer token", schema: ApiErrorBody };

function rateLimitError(field: string | undefined, retryAfterMs: number | undefined) {
  return new ApiError(429, "rate_limited", field ? { [field]: ["rate_limited"] } : undefined, {
    "Retry-After": String(Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000))),
  });
}

async function userBody(ctx: AppContext, userId: string) {
  const profile = await getUserProfile(ctx, userId);
  if (!profile) throw new ApiError(404, "not_found");
  return {
    id: profile.id,
    displayName: profile.displayName,
    email: profile.email,
    phoneMasked: profile.phoneMasked,
    locale: profile.locale,
    roles: profile.roles,
  };
}

export const endpoints: Endpoint[] = [
  ...shopEndpoints,
  ...leaderEndpoints,
  ...pushEndpoints,
  ...groupEndpoints,
  ...flashEndpoints,
  ...reviewEndpoints,
  ...couponEndpoints,
  defineEndpoint({
    method: "POST",
    path: "/payments/notify/{provider}",
    operationId: "paymentNotify",
    summary:
      "Payment provider notification (WeChat Pay v3 payment and refund results, Alipay, sandbox): verified by the provider's signature, idempotent",
    tags: ["payments"],
    auth: "none",
    providerCallback: true,
    responses: {
      200: { description: "Alipay: text `success` when accepted, `fail` when refused" },
      204: { description: "Accepted (WeChat Pay, sandbox)" },
      400: { description: "Sandbox: refused (bad signature, stale timestamp, unknown payment or amount mismatch)" },
      404: { description: "Unknown or unconfigured provider", schema: ApiErrorBody },
    },
    async handler({ ctx, request, params }) {
      const provider = params.provider;
      if (provider !== "sandbox" && provider !== "wechat" && provider !== "alipay") throw new ApiError(404, "not_found");
      const { response } = await handlePaymentNotification(ctx, provider, { headers: request.headers, body: await request.text() });
      return new Response(response.body || null, { status: response.status, headers: response.headers });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/auth/code",
    operationId: "requestSignInCode",
    summary: "Send a 6-digit sign-in code by SMS or email (valid 10 minutes, 5 tries)",
    tags: ["auth"],
    auth: "none",
    body: RequestCodeBody,
    responses: { 202: { description: "Code sent", schema: RequestCodeResponse }, 400: validationError, 429: rateLimited },
    async handler({ ctx, request, body }) {
      const target = body.channel === "sms" ? { channel: "sms" as const, phone: body.phone } : { channel: "email" as const, email: body.email };
      const sent = await requestSignInCode(ctx, target, { ip: ctx.request!.ip, locale: resolveLocale(request) });
      if (!sent.ok) throw rateLimitError(sent.error.field, sent.error.retryAfterMs);
      return Response.json({ sent: true, expiresAt: sent.value.expiresAt }, { status: 202 });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/auth/sign-in",
    operationId: "signIn",
    summary: "Exchange a code (or email + password) for a bearer token",
    tags: ["auth"],
    auth: "none",
    body: SignInBody,
    responses: {
      200: { description: "Signed in", schema: SignInResponse },
      400: validationError,
      401: { description: "Wrong or expired code, or wrong password", schema: ApiErrorBody },
      403: { description: "The account is disabled", schema: ApiErrorBody },
      429: rateLimited,
    },
    async handler({ ctx, request, body }) {
      let userId: string;
      if (body.method === "code") {
        const target = body.channel === "sms" ? { channel: "sms" as const, phone: body.phone } : { channel: "email" as const, email: body.email };
        const verified = await verifySignInCode(ctx, target, body.code, { ip: ctx.request!.ip });
        if (!verified.ok) {
          if (verified.error.code === "rate_limited") throw rateLimitError("code", verified.error.retryAfterMs);
          throw new ApiError(verified.error.code === "account_disabled" ? 403 : 401, verified.error.code, { code: [verified.error.code] });
        }
        userId = (await findOrCreateUserForTarget(ctx, verified.value.channel, verified.value.value, resolveLocale(request))).userId;
      } else {
        const signedIn = await signInWithPassword(ctx, { email: body.email, password: body.password }, { ip: ctx.request!.ip });
        if (!signedIn.ok) {
          if (signedIn.error.code === "rate_limited") throw rateLimitError("password", signedIn.error.retryAfterMs);
          throw new ApiError(signedIn.error.code === "account_disabled" ? 403 : 401, signedIn.error.code, {
            [signedIn.error.field ?? "password"]: [signedIn.error.code],
          });
        }
        userId = signedIn.value.userId;
      }
      const { token, expiresAt } = await startSession(ctx, userId, "bearer");
      return Response.json({ token, tokenType: "Bearer", expiresAt: expiresAt.getTime(), user: await userBody(ctx, userId) });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/auth/sign-out",
    operationId: "signOut",
    summary: "End the session of the bearer token",
    tags: ["auth"],
    auth: "user",
    responses: { 204: { description: "Signed out" }, 401: unauthorized },
    async handler({ ctx, session }) {
      await endSession(ctx, session!.sessionId);
      return new Response(null, { status: 204 });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/me",
    operationId: "getMe",
    summary: "The signed-in user",
    tags: ["auth"],
    auth: "user",
    responses: { 200: { description: "The user", schema: MeResponse }, 401: unauthorized },
    async handler({ ctx, session }) {
      return Response.json({ user: await userBody(ctx, session!.user.id) });
    },
  }),
];
