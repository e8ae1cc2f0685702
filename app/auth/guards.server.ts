import { redirect } from "@remix-run/cloudflare";
import { and, eq } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { merchants, merchantStaff, pickupPoints, type Role } from "~/db/schema";
import { loadAdminAccess } from "~/modules/identity/admin-roles.server";
import { hasPermission, isAdminPermission, NO_ADMIN_ACCESS, rolesGrant, type AdminAccess, type Permission } from "./permissions";
import { getSession, type SessionUser } from "./session.server";

/** A relative path on this site to come back to after sign-in (never an open redirect). */
export function safeRedirectPath(to: string | null | undefined, fallback = "/"): string {
  // Control characters and backslashes are refused outright: URL parsers drop tabs and read "\\"
  // as "/", which would turn "/\t/evil.com" into "//evil.com".
  if (!to || !to.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = "http://same-origin.invalid";
  try {
    const url = new URL(to, base);
    // The parser resolves dot segments: "/.//evil.com" has the path "//evil.com", which a browser
    // reads as another host. A path that starts with two slashes is never returned.
    if (url.origin !== base || url.pathname.startsWith("//")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

function signInRedirect(request: Request): Response {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  return redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
}

export function forbidden(): Response {
  return new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

export async function getOptionalUser(ctx: AppContext, request: Request): Promise<SessionUser | null> {
  return (await getSession(ctx, request))?.user ?? null;
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requireUser(ctx: AppContext, request: Request): Promise<SessionUser> {
  const user = await getOptionalUser(ctx, request);
  if (!user) throw signInRedirect(request);
  return user;
}

/** A signed-in user holding `role`; others get the 403 page. */
export async function requireRole(ctx: AppContext, request: Request, role: Role): Promise<SessionUser> {
  const user = await requireUser(ctx, request);
  if (!user.roles.includes(role)) throw forbidden();
  return user;
}

/** Per request (or per context, in jobs): the admin access already loaded, by user id. */
const adminAccessMemo = new WeakMap<object, Map<string, Promise<AdminAccess>>>();

/**
 * A user's effective admin permissions: none without the `admin` role, else the union of their
 * sub-roles' sets (super_admin: all), read from D1 with one query. Memoised per request, so a
 * navigation's parallel loaders (layout nav + page) share the lookup, and read afresh on every
 * request, so a changed set or sub-role applies at once.
 */
export function getAdminAccess(ctx: AppContext, user: Pick<SessionUser, "id" | "roles">): Promise<AdminAccess> {
  if (!user.roles.includes("admin")) return Promise.resolve(NO_ADMIN_ACCESS);
  const key = ctx.request ?? ctx;
  let byUser = adminAccessMemo.get(key);
  if (!byUser) adminAccessMemo.set(key, (byUser = new Map()));
  let access = byUser.get(user.id);
  if (!access) byUser.set(user.id, (access = loadAdminAccess(ctx, user.id)));
  return access;
}

/**
 * Drops this request's memoised admin access. An action that changed sub-roles or sets calls it,
 * so the loaders Remix runs after it in the same request (a form post without JavaScript) see the
 * new permissions.
 */
export function forgetAdminAccess(ctx: AppContext): void {
  adminAccessMemo.delete(ctx.request ?? ctx);
}

/**
 * A signed-in user allowed `permission`, else 403 (anonymous: the sign-in redirect). A shopper,
 * leader or merchant permission comes from the role map; an admin permission needs the `admin`
 * role and the permission in the user's sub-roles (D1 is read only for admin permissions).
 */
export async function requirePermission(ctx: AppContext, request: Request, permission: Permission): Promise<SessionUser> {
  const user = await requireUser(ctx, request);
  if (!isAdminPermission(permission)) {
    if (!rolesGrant(user.roles, permission)) throw forbidden();
    return user;
  }
  if (!user.roles.includes("admin")) throw forbidden();
  if (!hasPermission(user.roles, await getAdminAccess(ctx, user), permission)) throw forbidden();
  return user;
}

/** An admin (the `admin` role) with their admin access, for pages that show more to some admins. */
export async function requireAdmin(ctx: AppContext, request: Request): Promise<{ user: SessionUser; access: AdminAccess }> {
  const user = await requireRole(ctx, request, "admin");
  return { user, access: await getAdminAccess(ctx, user) };
}

/** Throws 403 when the user does not hold the leader role or runs no pickup point. */
export async function requireOwnPickupPoint(ctx: AppContext, user: SessionUser) {
  if (!user.roles.includes("leader")) throw forbidden();
  const point = await ctx.db.query.pickupPoints.findFirst({ where: eq(pickupPoints.leaderUserId, user.id) });
  if (!point) throw forbidden();
  return point;
}

/** Object-level check: this pickup point must be the user's own. */
export async function requirePickupPointOwner(ctx: AppContext, user: SessionUser, pickupPointId: string) {
  const point = await ctx.db.query.pickupPoints.findFirst({
    where: and(eq(pickupPoints.id, pickupPointId), eq(pickupPoints.leaderUserId, user.id)),
  });
  if (!point || !user.roles.includes("leader")) throw forbidden();
  return point;
}

/** The merchant the user works for (the first, when several); 403 when none. */
export async function requireOwnMerchant(ctx: AppContext, user: SessionUser, merchantId?: string) {
  if (!user.roles.includes("merchant")) throw forbidden();
  const rows = await ctx.db
    .select({ merchant: merchants, staffRole: merchantStaff.staffRole })
    .from(merchantStaff)
    .innerJoin(merchants, eq(merchants.id, merchantStaff.merchantId))
    .where(merchantId ? and(eq(merchantStaff.userId, user.id), eq(merchantStaff.merchantId, merchantId)) : eq(merchantStaff.userId, user.id))
    .limit(1);
  const row = rows[0];
  if (!row) throw forbidden();
  return row;
}
