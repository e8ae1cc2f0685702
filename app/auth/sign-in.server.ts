import { redirect } from "@remix-run/cloudflare";
import type { AppContext } from "~/context.server";
import type { Role } from "~/db/schema";
import { userRoles } from "~/db/schema";
import { eq } from "drizzle-orm";
import { ROLE_HOME } from "./permissions";
import { safeRedirectPath } from "./guards.server";
import { endSession, getSession, startSession } from "./session.server";
import { guestCartCookie, readGuestCart } from "~/lib/guest-cart.server";
import { readPickupCookie } from "~/lib/pickup-cookie.server";
import { readAttributionCookie } from "~/lib/attribution-cookie.server";
import { mergeGuestCart } from "~/modules/cart/cart.server";
import { choosePickupPoint, getChosenPickupPointId } from "~/modules/pickup/choose.server";
import { recordSignedInDevice } from "~/modules/share/attribution.server";

/** Where a user lands after sign-in when no page asked: the one working role they hold, else the store. */
export function homeForRoles(roles: Role[]): string {
  const working = roles.filter((r) => r !== "shopper");
  return working.length === 1 ? ROLE_HOME[working[0]!] : working.includes("admin") ? "/admin" : "/";
}

/** Starts a fresh session (new token, so no fixation) and redirects with its cookie. */
export async function completeWebSignIn(
  ctx: AppContext,
  request: Request,
  userId: string,
  redirectTo: string | null,
): Promise<Response> {
  const previous = await getSession(ctx, request);
  if (previous) await endSession(ctx, previous.sessionId);
  // A pickup point chosen before signing in becomes the account's, unless it already has one
  // (bound "invite" when the guest came through that point's leader's link).
  const guestPoint = readPickupCookie(request);
  if (guestPoint && !(await getChosenPickupPointId(ctx, userId))) {
    await choosePickupPoint(ctx, userId, guestPoint, readAttributionCookie(request) === guestPoint ? "invite" : "chosen");
  }
  // A guest cart joins the account's cart.
  const guestCart = readGuestCart(request);
  if (guestCart.length) await mergeGuestCart(ctx, userId, guestCart);
  const { cookie } = await startSession(ctx, userId, "cookie");
  const roles = (await ctx.db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId))).map((r) => r.role);
  const target = safeRedirectPath(redirectTo, homeForRoles(roles));
  const headers = new Headers({ "Set-Cookie": cookie });
  // The device the account signs in on (share rewards treat accounts on one device as one person).
  const deviceCookie = await recordSignedInDevice(ctx, request, userId);
  if (deviceCookie) headers.append("Set-Cookie", deviceCookie);
  if (guestCart.length) headers.append("Set-Cookie", guestCartCookie([], ctx.request?.secure ?? true));
  return redirect(target, { headers });
}
