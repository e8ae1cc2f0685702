/**
 * What an admin does to users (SPEC §5, issue #6): look one up with their roles, sessions and
 * recent orders; grant and revoke roles; disable and re-enable accounts.
 *
 * Rules (docs/decisions/014-admin-permissions.md):
 * - granting or revoking the `admin` role needs `manage:admin-roles:any`; revoking it also removes
 *   the user's admin sub-roles, in the same batch;
 * - nobody removes their own `admin` role or disables themselves;
 * - only a super admin disables or re-enables an admin, or takes the `admin` role from a super admin;
 * - the last active super admin keeps the role and stays enabled;
 * - disabling ends every session of the user (cookie and bearer) in the batch that flips the
 *   status, so their very next request is anonymous; sign-in refuses the account until re-enabled.
 * Every action writes exactly one audit row, in the same batch as the change.
 */
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch } from "~/db/raw-batch.server";
import { orders, pickupPoints, sessions, userRoles, users, type Role } from "~/db/schema";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import {
  getUserAdminRoles,
  isGuardAbort,
  isLastActiveSuperAdmin,
  removeAllAdminRolesStatement,
  superAdminRemainsGuard,
  type AdminActor,
} from "./admin-roles.server";
import type { AdminRole } from "./roles";
import { getUserProfile, type UserProfile } from "./users.server";

export const RECENT_ORDERS = 10;

/**
 * The HTTP status for a refused user or admin-role change: 404 for a missing user, 403 when the
 * acting admin's permissions do not allow it (an escalation attempt), 409 for a rule the change
 * would break (own admin role, last super admin, already disabled, …).
 */
export function adminErrorStatus(code: string): 404 | 403 | 409 {
  if (code === "user_not_found") return 404;
  return ["needs_manage_admin_roles", "needs_super_admin", "role_not_held", "permission_not_held", "manage_needs_super_admin"].includes(code) ? 403 : 409;
}

export interface AdminUserOrder {
  id: string;
  createdAt: number;
  status: string;
  payableFen: number;
  pickupPointName: string;
}

export interface AdminUserDetail {
  profile: UserProfile;
  adminRoles: AdminRole[];
  /** Sessions not yet expired (cookie and bearer). */
  activeSessions: number;
  recentOrders: AdminUserOrder[];
}

/** One user as the admin's detail page shows them; null when there is no such user. */
export async function getAdminUserDetail(ctx: AppContext, userId: string): Promise<AdminUserDetail | null> {
  const profile = await getUserProfile(ctx, userId);
  if (!profile) return null;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const [adminRoles, [sessionCount], recentOrders] = await Promise.all([
    getUserAdminRoles(ctx, userId),
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, nowSeconds))),
    ctx.db
      .select({
        id: orders.id,
        createdAt: orders.createdAt,
        status: orders.status,
        payableFen: orders.payableFen,
        pickupPointName: pickupPoints.name,
      })
      .from(orders)
      .innerJoin(pickupPoints, eq(pickupPoints.id, orders.pickupPointId))
      .where(eq(orders.userId, userId))
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(RECENT_ORDERS),
  ]);
  return { profile, adminRoles, activeSessions: Number(sessionCount?.n ?? 0), recentOrders };
}

async function holdsRole(ctx: AppContext, userId: string, role: Role): Promise<boolean> {
  const row = await ctx.db.query.userRoles.findFirst({ where: and(eq(userRoles.userId, userId), eq(userRoles.role, role)), columns: { userId: true } });
  return Boolean(row);
}

export type RoleChangeError =
  | "user_not_found"
  | "cannot_remove_own_admin"
  | "shopper_is_base"
  | "needs_manage_admin_roles"
  | "needs_super_admin"
  | "last_super_admin";

/**
 * Grants or removes a role; the change and its audit row are one batch. Revoking `admin` also
 * removes every admin sub-role of the user (same batch; the audit row lists them).
 */
export async function setUserRole(
  ctx: AppContext,
  actor: AdminActor,
  input: { userId: string; role: Role; grant: boolean },
): Promise<Result<{ changed: boolean }, RoleChangeError>> {
  const target = await ctx.db.query.users.findFirst({ where: eq(users.id, input.userId), columns: { id: true } });
  if (!target) return fail("user_not_found", "userId");
  if (input.role === "shopper" && !input.grant) return fail("shopper_is_base", "role");
  let removedAdminRoles: AdminRole[] = [];
  if (input.role === "admin") {
    if (!actor.access.permissions.has("manage:admin-roles:any")) return fail("needs_manage_admin_roles", "role");
    if (!input.grant) {
      if (input.userId === actor.id) return fail("cannot_remove_own_admin", "role");
      removedAdminRoles = await getUserAdminRoles(ctx, input.userId);
      if (removedAdminRoles.includes("super_admin")) {
        if (!actor.access.superAdmin) return fail("needs_super_admin", "role");
        if (await isLastActiveSuperAdmin(ctx, input.userId)) return fail("last_super_admin", "role");
      }
    }
  }
  const now = Date.now();
  const change = input.grant
    ? ctx.db.insert(userRoles).values({ userId: input.userId, role: input.role, grantedBy: actor.id, createdAt: now }).onConflictDoNothing().returning({ r: userRoles.role })
    : ctx.db.delete(userRoles).where(and(eq(userRoles.userId, input.userId), eq(userRoles.role, input.role))).returning({ r: userRoles.role });
  const audit = auditStatement(ctx, {
    actorUserId: actor.id,
    action: input.grant ? "user.role.grant" : "user.role.revoke",
    entityType: "user",
    entityId: input.userId,
    data: input.role === "admin" && !input.grant ? { role: input.role, removedAdminRoles } : { role: input.role },
  });
  try {
    const [changed] =
      input.role === "admin" && !input.grant
        ? await rawBatch(ctx, [change, removeAllAdminRolesStatement(ctx, input.userId), superAdminRemainsGuard(), audit])
        : await rawBatch(ctx, [change, audit]);
    return ok({ changed: (changed?.results.length ?? 0) > 0 });
  } catch (error) {
    if (isGuardAbort(error)) return fail("last_super_admin", "role");
    throw error;
  }
}

export type StatusChangeError = "user_not_found" | "cannot_disable_self" | "needs_super_admin" | "last_super_admin" | "already_disabled" | "already_active";

/**
 * Disables (`disable: true`) or re-enables an account, with the reason in the audit row.
 * Disabling flips the status, deletes every session of the user and writes the audit row in one
 * batch: the sessions table is what both cookies and bearer tokens are checked against, and the
 * session lookup refuses non-active users as well, so nothing of theirs works a moment later.
 */
export async function setUserStatus(
  ctx: AppContext,
  actor: AdminActor,
  input: { userId: string; disable: boolean; reason: string },
): Promise<Result<{ status: "active" | "disabled" }, StatusChangeError>> {
  const target = await ctx.db.query.users.findFirst({ where: eq(users.id, input.userId), columns: { id: true, status: true } });
  if (!target) return fail("user_not_found", "userId");
  if (input.disable && input.userId === actor.id) return fail("cannot_disable_self", "intent");
  if ((await holdsRole(ctx, input.userId, "admin")) && !actor.access.superAdmin) return fail("needs_super_admin", "intent");
  const from = input.disable ? "active" : "disabled";
  const to = input.disable ? "disabled" : "active";
  if (target.status !== from) return fail(input.disable ? "already_disabled" : "already_active", "intent");
  if (input.disable && (await isLastActiveSuperAdmin(ctx, input.userId))) return fail("last_super_admin", "intent");
  const now = Date.now();
  const audit = auditStatement(ctx, {
    actorUserId: actor.id,
    action: input.disable ? "user.disable" : "user.enable",
    entityType: "user",
    entityId: input.userId,
    data: { reason: input.reason },
  });
  // The status may have changed since it was read (a double submit, another admin): the first
  // guard aborts the batch then, so one change leaves one audit row.
  const stillFrom = sql`SELECT CASE WHEN (SELECT status FROM users WHERE id = ${input.userId}) IS NOT ${from} THEN json('status_conflict') END`;
  const flip = ctx.db.update(users).set({ status: to, updatedAt: now }).where(eq(users.id, input.userId));
  try {
    if (input.disable) {
      await rawBatch(ctx, [stillFrom, flip, ctx.db.delete(sessions).where(eq(sessions.userId, input.userId)), superAdminRemainsGuard(), audit]);
    } else {
      await rawBatch(ctx, [stillFrom, flip, audit]);
    }
  } catch (error) {
    if (!isGuardAbort(error)) throw error;
    const current = await ctx.db.query.users.findFirst({ where: eq(users.id, input.userId), columns: { status: true } });
    if (current?.status !== from) return fail(input.disable ? "already_disabled" : "already_active", "intent");
    return fail("last_super_admin", "intent");
  }
  return ok({ status: to });
}
