import type { AppContext } from "~/context.server";
import type { SessionUser } from "~/auth/session.server";
import { guestCartCookie, readGuestCart, changeGuestCart } from "~/lib/guest-cart.server";
import { changeCartLine, getCartQuantities, type CartError, type CartQuantities } from "./cart.server";
import type { Result } from "~/lib/result";
import { ok } from "~/lib/result";

/** The cart of whoever is asking: the account's (D1) when signed in, else the guest cookie's. */
export async function cartQuantitiesFor(ctx: AppContext, request: Request, user: SessionUser | null): Promise<CartQuantities> {
  return user ? getCartQuantities(ctx, user.id) : readGuestCart(request);
}

/** Applies one change; for guests returns the Set-Cookie that carries the new cart. */
export async function changeCartFor(
  ctx: AppContext,
  request: Request,
  user: SessionUser | null,
  input: { skuId: string; quantity: number; mode: "add" | "set" },
): Promise<Result<{ quantity: number; setCookie?: string }, CartError>> {
  if (user) return changeCartLine(ctx, user.id, input);
  const next = changeGuestCart(readGuestCart(request), input.skuId, input.quantity, input.mode);
  return ok({ quantity: next.find((i) => i.skuId === input.skuId)?.quantity ?? 0, setCookie: guestCartCookie(next, ctx.request?.secure ?? true) });
}
