/**
 * Admin sub-roles (docs/decisions/014-admin-permissions.md): which sub-roles an admin holds
 * (user_admin_roles), the editable permission sets of operations / reviewer / finance
 * (admin_role_permissions), and the rules for changing either.
 *
 * Escalation rules, enforced here (routes only check the entry permission):
 * - changing a sub-role's set or who holds a sub-role needs `manage:admin-roles:any`;
 * - `super_admin` is fixed in code: its set cannot be edited, and only a super admin can give or
 *   take the `super_admin` sub-role;
 * - nobody grants what they do not hold: an admin who is not a super admin may add to a set only
 *   permissions they hold themselves, never `manage:admin-roles:any`, and may assign only a
 *   sub-role whose whole set they hold;
 * - the last active super admin cannot lose the sub-role (nor the `admin` role, nor be disabled),
 *   so the platform always keeps someone who can change everything. Checked before writing for a
 *   clear answer, and again inside the batch (`superAdminRemainsGuard`), so two super admins
 *   demoting each other at the same moment cannot both succeed.
 * Every change and its audit row are one D1 batch.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import {
  ADMIN_PERMISSIONS,
  ADMIN_ROLE_DEFAULTS,
  EDITABLE_ADMIN_ROLES,
  resolveAdminPermissions,
  type AdminAccess,
  type AdminPermission,
  type EditableAdminRole,
} from "~/auth/permissions";
import type { AppContext } from "~/context.server";
import { isGuardAbort } from "~/db/raw-batch.server";
import { rawBatch } from "~/db/raw-batch.server";
import { adminRolePermissions, userAdminRoles, userRoles, users } from "~/db/schema";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { ADMIN_ROLES, type AdminRole } from "./roles";

/** Who is acting: their user id and their resolved admin access. */
export interface AdminActor {
  id: string;
  access: AdminAccess;
}

/**
 * A user's admin access: their sub-roles and the union of those roles' permission sets, in one
 * query. Does not look at the `admin` role itself (the guard checks that first).
 */
export async function loadAdminAccess(ctx: AppContext, userId: string): Promise<AdminAccess> {
  const { results } = await ctx.env.DB.prepare(
    `SELECT uar.admin_role AS adminRole, arp.permission AS permission
       FROM user_admin_roles uar
       LEFT JOIN admin_role_permissions arp ON arp.admin_role = uar.admin_role
      WHERE uar.user_id = ?`,
  )
    .bind(userId)
    .all<{ adminRole: string; permission: string | null }>();
  return resolveAdminPermissions(results);
}

/** The sub-roles a user holds (in ADMIN_ROLES order). */
export async function getUserAdminRoles(ctx: AppContext, userId: string): Promise<AdminRole[]> {
  const rows = await ctx.db.select({ role: userAdminRoles.adminRole }).from(userAdminRoles).where(eq(userAdminRoles.userId, userId));
  const held = new Set(rows.map((r) => r.role));
  return ADMIN_ROLES.filter((r) => held.has(r));
}

/**
 * Active super admins other than `userId` (holding the `admin` role, the `super_admin` sub-role
 * and an active account). Zero means `userId` is the last one.
 */
export async function countOtherActiveSuperAdmins(ctx: AppContext, userId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(userAdminRoles)
    .innerJoin(users, eq(users.id, userAdminRoles.userId))
    .innerJoin(userRoles, and(eq(userRoles.userId, userAdminRoles.userId), eq(userRoles.role, "admin")))
    .where(and(eq(userAdminRoles.adminRole, "super_admin"), eq(users.status, "active"), ne(userAdminRoles.userId, userId)));
  return Number(row?.n ?? 0);
}

/**
 * A batch statement, placed after a change that may take super admin power away, that aborts the
 * whole batch when no active super admin would remain. (RAISE() exists only in triggers: the abort
 * is json() of a non-JSON text, evaluated only when the guard fails.)
 */
export function superAdminRemainsGuard() {
  return sql`SELECT CASE WHEN (
      SELECT count(*) FROM user_admin_roles uar
        JOIN users u ON u.id = uar.user_id AND u.status = 'active'
        JOIN user_roles ur ON ur.user_id = uar.user_id AND ur.role = 'admin'
       WHERE uar.admin_role = 'super_admin') = 0 THEN json('last_super_admin') END`;
}

export { isGuardAbort };

/** Whether `userId` is an active super admin who is also the last one. */
export async function isLastActiveSuperAdmin(ctx: AppContext, userId: string): Promise<boolean> {
  const roles = await getUserAdminRoles(ctx, userId);
  if (!roles.includes("super_admin")) return false;
  return (await countOtherActiveSuperAdmins(ctx, userId)) === 0;
}

export interface AdminRoleHolder {
  userId: string;
  displayName: string;
  status: "active" | "disabled";
}

export interface AdminRoleMatrix {
  /** The current set of each editable sub-role, in catalogue order. */
  sets: Record<EditableAdminRole, AdminPermission[]>;
  /** Admins (users holding the `admin` role) per sub-role, by name. */
  holders: Record<AdminRole, AdminRoleHolder[]>;
}

function inCatalogueOrder(permissions: Iterable<string>): AdminPermission[] {
  const set = new Set(permissions);
  return ADMIN_PERMISSIONS.filter((p) => set.has(p));
}

/** The permission matrix of /admin/roles: every editable set and who holds each sub-role. */
export async function getAdminRoleMatrix(ctx: AppContext): Promise<AdminRoleMatrix> {
  const [rows, holders] = await Promise.all([
    ctx.db.select({ role: adminRolePermissions.adminRole, permission: adminRolePermissions.permission }).from(adminRolePermissions),
    ctx.db
      .select({ role: userAdminRoles.adminRole, userId: users.id, displayName: users.displayName, status: users.status })
      .from(userAdminRoles)
      .innerJoin(users, eq(users.id, userAdminRoles.userId))
      .innerJoin(userRoles, and(eq(userRoles.userId, userAdminRoles.userId), eq(userRoles.role, "admin")))
      .orderBy(users.displayName, users.id),
  ]);
  const sets = Object.fromEntries(
    EDITABLE_ADMIN_ROLES.map((role) => [role, inCatalogueOrder(rows.filter((r) => r.role === role).map((r) => r.permission))]),
  ) as Record<EditableAdminRole, AdminPermission[]>;
  const byRole = Object.fromEntries(ADMIN_ROLES.map((role) => [role, [] as AdminRoleHolder[]])) as Record<AdminRole, AdminRoleHolder[]>;
  for (const h of holders) byRole[h.role].push({ userId: h.userId, displayName: h.displayName, status: h.status });
  return { sets, holders: byRole };
}

export type RolePermissionsError = "needs_manage_admin_roles" | "permission_not_held" | "manage_needs_super_admin";

/**
 * The escalation check for giving `role` the set `next`: a super admin may set anything; anyone
 * else may add only permissions they hold, and never `manage:admin-roles:any`.
 */
function checkSetChange(actor: AdminActor, before: readonly AdminPermission[], next: readonly AdminPermission[]): RolePermissionsError | null {
  if (!actor.access.permissions.has("manage:admin-roles:any")) return "needs_manage_admin_roles";
  if (actor.access.superAdmin) return null;
  const added = next.filter((p) => !before.includes(p));
  if (added.includes("manage:admin-roles:any")) return "manage_needs_super_admin";
  if (added.some((p) => !actor.access.permissions.has(p))) return "permission_not_held";
  return null;
}

/**
 * Replaces an editable sub-role's permission set: delete the old rows, insert the new ones and
 * the audit row (with before and after) in one batch. Takes effect on the holders' next request
 * (the guard reads the sets on every request).
 */
export async function saveAdminRolePermissions(
  ctx: AppContext,
  actor: AdminActor,
  role: EditableAdminRole,
  permissions: readonly AdminPermission[],
  opts: { action?: "admin-role.permissions.update" | "admin-role.permissions.reset" } = {},
): Promise<Result<{ before: AdminPermission[]; after: AdminPermission[] }, RolePermissionsError>> {
  const current = await ctx.db
    .select({ permission: adminRolePermissions.permission })
    .from(adminRolePermissions)
    .where(eq(adminRolePermissions.adminRole, role));
  const before = inCatalogueOrder(current.map((r) => r.permission));
  const after = inCatalogueOrder(permissions);
  const refused = checkSetChange(actor, before, after);
  if (refused) return fail(refused, "permissions");
  const now = Date.now();
  const rows = after.map((permission) => ({ adminRole: role, permission, grantedBy: actor.id, createdAt: now }));
  // 4 parameters a row: 14 permissions fit well under D1's 100 bound parameters.
  await ctx.db.batch([
    ctx.db.delete(adminRolePermissions).where(eq(adminRolePermissions.adminRole, role)),
    ...(rows.length ? [ctx.db.insert(adminRolePermissions).values(rows)] : []),
    auditStatement(ctx, {
      actorUserId: actor.id,
      action: opts.action ?? "admin-role.permissions.update",
      entityType: "admin-role",
      entityId: role,
      data: { before, after },
    }),
  ]);
  return ok({ before, after });
}

/** Restores a sub-role's default set (ADMIN_ROLE_DEFAULTS), audited as a reset. */
export function resetAdminRolePermissions(ctx: AppContext, actor: AdminActor, role: EditableAdminRole) {
  return saveAdminRolePermissions(ctx, actor, role, ADMIN_ROLE_DEFAULTS[role], { action: "admin-role.permissions.reset" });
}

export type AdminRoleAssignError =
  | "user_not_found"
  | "not_an_admin"
  | "needs_manage_admin_roles"
  | "needs_super_admin"
  | "role_not_held"
  | "last_super_admin";

/**
 * Gives (`grant`) or takes an admin sub-role. The target must hold the `admin` role. Audited as
 * admin-role.assign / admin-role.remove.
 */
export async function setUserAdminRole(
  ctx: AppContext,
  actor: AdminActor,
  input: { userId: string; adminRole: AdminRole; grant: boolean },
): Promise<Result<{ changed: boolean }, AdminRoleAssignError>> {
  if (!actor.access.permissions.has("manage:admin-roles:any")) return fail("needs_manage_admin_roles", "adminRole");
  const target = await ctx.db.query.users.findFirst({ where: eq(users.id, input.userId), columns: { id: true } });
  if (!target) return fail("user_not_found", "userId");
  const isAdmin = await ctx.db.query.userRoles.findFirst({
    where: and(eq(userRoles.userId, input.userId), eq(userRoles.role, "admin")),
    columns: { userId: true },
  });
  if (input.grant && !isAdmin) return fail("not_an_admin", "adminRole");
  if (input.adminRole === "super_admin") {
    if (!actor.access.superAdmin) return fail("needs_super_admin", "adminRole");
    if (!input.grant && (await isLastActiveSuperAdmin(ctx, input.userId))) return fail("last_super_admin", "adminRole");
  } else if (input.grant && !actor.access.superAdmin) {
    const set = await ctx.db
      .select({ permission: adminRolePermissions.permission })
      .from(adminRolePermissions)
      .where(eq(adminRolePermissions.adminRole, input.adminRole));
    if (set.some((r) => !actor.access.permissions.has(r.permission as AdminPermission))) return fail("role_not_held", "adminRole");
  }
  const now = Date.now();
  const change = input.grant
    ? ctx.db
        .insert(userAdminRoles)
        .values({ userId: input.userId, adminRole: input.adminRole, grantedBy: actor.id, createdAt: now })
        .onConflictDoNothing()
        .returning({ r: userAdminRoles.adminRole })
    : ctx.db
        .delete(userAdminRoles)
        .where(and(eq(userAdminRoles.userId, input.userId), eq(userAdminRoles.adminRole, input.adminRole)))
        .returning({ r: userAdminRoles.adminRole });
  const audit = auditStatement(ctx, {
    actorUserId: actor.id,
    action: input.grant ? "admin-role.assign" : "admin-role.remove",
    entityType: "user",
    entityId: input.userId,
    data: { adminRole: input.adminRole },
  });
  try {
    const [changed] = await rawBatch(ctx, input.grant || input.adminRole !== "super_admin" ? [change, audit] : [change, superAdminRemainsGuard(), audit]);
    return ok({ changed: (changed?.results.length ?? 0) > 0 });
  } catch (error) {
    if (isGuardAbort(error)) return fail("last_super_admin", "adminRole");
    throw error;
  }
}

/** The statement removing every sub-role of a user (for the batch that revokes their `admin` role). */
export function removeAllAdminRolesStatement(ctx: AppContext, userId: string) {
  return ctx.db.delete(userAdminRoles).where(eq(userAdminRoles.userId, userId)).returning({ r: userAdminRoles.adminRole });
}
