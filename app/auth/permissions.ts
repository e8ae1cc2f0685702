import type { Role } from "~/db/schema";
import { ADMIN_ROLES, type AdminRole } from "~/modules/identity/roles";

/**
 * What each role may do, as `action:entity:scope` strings (scope `own` = objects the user owns or
 * belongs to, `any` = every object). Guards check these on the server; the UI reads them only to
 * hide what would be refused anyway.
 *
 * The `admin` list is the catalogue of admin permissions. Holding the `admin` role alone grants
 * none of them: an admin's permissions are those of their admin sub-roles (ADMIN_ROLES), see
 * `resolveAdminPermissions` below and docs/decisions/014-admin-permissions.md.
 */
export const PERMISSIONS = {
  shopper: ["read:profile:own", "update:profile:own", "read:order:own", "create:order:own"],
  leader: [
    "read:pickup-point:own",
    "update:pickup-point:own",
    "read:order:own-point",
    /** Confirm arrivals, hand orders over against their pickup code, mark uncollected goods returned. */
    "handover:order:own-point",
    "request:withdrawal:own",
  ],
  merchant: ["read:merchant:own", "update:merchant:own", "read:product:own", "update:product:own", "request:withdrawal:own"],
  admin: [
    "read:user:any",
    "update:user-roles:any",
    "read:merchant:any",
    /** Approve or reject merchant applications; see their full licence number, contact phone and licence photo. */
    "review:merchant:any",
    /** Approve or reject leader applications (pickup points); see the applicant's photo and contact. */
    "review:leader:any",
    "read:pickup-point:any",
    "read:audit-log:any",
    "update:settings:any",
    /** The product review queue: approve (puts it on sale) or reject with a reason. */
    "review:product:any",
    "run:cutoff:any",
    /** Disable or re-enable a user (a disabled user's sessions end at once). */
    "update:user-status:any",
    /** Assign admin sub-roles and change the sub-roles' permission sets. */
    "manage:admin-roles:any",
    "read:settings:any",
    /** Analytics dashboards and their CSV exports. */
    "read:analytics:any",
    /** The ledger's balances, the reconciliation and its CSV, withdrawals and the dead-letter queue. */
    "read:finance:any",
    /** Approve or reject withdrawals (the payout goes out on approval), re-drive dead letters, rerun the reconciliation. */
    "manage:payouts:any",
    /** Hide abusive product reviews (with a reason) and show them again. */
    "moderate:review:any",
    /** Platform coupon templates (create, pause, resume, end) and issuing coupons to a segment of shoppers. */
    "manage:coupons:any",
  ],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof PERMISSIONS)[Role][number];

export type AdminPermission = (typeof PERMISSIONS.admin)[number];

/** Every admin permission, in the catalogue's order (the order the permission matrix shows them). */
export const ADMIN_PERMISSIONS: readonly AdminPermission[] = PERMISSIONS.admin;

export function isAdminPermission(permission: string): permission is AdminPermission {
  return (ADMIN_PERMISSIONS as readonly string[]).includes(permission);
}

/**
 * Whether the roles' static map grants `permission`. Complete for shopper, leader and merchant
 * permissions; for an admin permission it only says "holds the admin role" — the sub-roles decide
 * (`requirePermission` and `hasPermission` do both).
 */
export function rolesGrant(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => (PERMISSIONS[role] as readonly string[]).includes(permission));
}

/** The admin sub-roles whose permission sets live in D1 and can be edited. */
export type EditableAdminRole = Exclude<AdminRole, "super_admin">;
export const EDITABLE_ADMIN_ROLES = ADMIN_ROLES.filter((r): r is EditableAdminRole => r !== "super_admin");

export function isEditableAdminRole(role: string): role is EditableAdminRole {
  return (EDITABLE_ADMIN_ROLES as readonly string[]).includes(role);
}

/**
 * The default permission sets of the editable sub-roles: exactly the rows migration
 * 0010_admin_console.sql inserts (a unit test parses the migration and compares), and what
 * "reset to defaults" on /admin/roles restores. `super_admin` is not here: it holds every admin
 * permission in code, has no rows and cannot be edited, so no edit can lock the platform out.
 */
export const ADMIN_ROLE_DEFAULTS: Readonly<Record<EditableAdminRole, readonly AdminPermission[]>> = {
  /** Day-to-day running: users' status, cut-off, settings, analytics and the audit log. */
  operations: [
    "read:user:any",
    "update:user-status:any",
    "read:merchant:any",
    "read:pickup-point:any",
    "run:cutoff:any",
    "read:analytics:any",
    "read:settings:any",
    "update:settings:any",
    "read:audit-log:any",
    "manage:coupons:any",
  ],
  /** The review queues: merchant and leader applications, product submissions. */
  reviewer: ["read:user:any", "read:merchant:any", "review:merchant:any", "review:leader:any", "review:product:any", "read:pickup-point:any", "moderate:review:any"],
  /** Figures, settings and the audit trail (read-only); the ledger, reconciliation and payouts. */
  finance: ["read:user:any", "read:merchant:any", "read:pickup-point:any", "read:analytics:any", "read:settings:any", "read:audit-log:any", "read:finance:any", "manage:payouts:any"],
};

/** What an admin may do in the console: their sub-roles and the union of those roles' permissions. */
export interface AdminAccess {
  adminRoles: AdminRole[];
  superAdmin: boolean;
  permissions: ReadonlySet<AdminPermission>;
}

export const NO_ADMIN_ACCESS: AdminAccess = Object.freeze({ adminRoles: [], superAdmin: false, permissions: new Set<AdminPermission>() });

/**
 * Resolves an admin's permissions from their sub-role grants, as read from D1: one row per
 * (sub-role held, permission of that role), `permission` null for a role without rows (always so
 * for super_admin). `super_admin` means every admin permission; otherwise the union of the rows.
 * Strings that are not (or no longer) sub-roles or admin permissions — a row left behind by a
 * rename — are ignored rather than trusted.
 */
export function resolveAdminPermissions(grants: ReadonlyArray<{ adminRole: string; permission: string | null }>): AdminAccess {
  const held = new Set<AdminRole>();
  const permissions = new Set<AdminPermission>();
  for (const g of grants) {
    if (!(ADMIN_ROLES as readonly string[]).includes(g.adminRole)) continue;
    held.add(g.adminRole as AdminRole);
    if (g.permission && isAdminPermission(g.permission)) permissions.add(g.permission);
  }
  const superAdmin = held.has("super_admin");
  return {
    adminRoles: ADMIN_ROLES.filter((r) => held.has(r)),
    superAdmin,
    permissions: superAdmin ? new Set(ADMIN_PERMISSIONS) : permissions,
  };
}

/**
 * The whole check, given what the guard loaded: a non-admin permission comes from the role map;
 * an admin permission needs the `admin` role and the permission in the admin's resolved set.
 */
export function hasPermission(roles: readonly Role[], access: AdminAccess, permission: Permission): boolean {
  if (!isAdminPermission(permission)) return rolesGrant(roles, permission);
  return roles.includes("admin") && access.permissions.has(permission);
}

/** Where each role works; the role switcher lists the ones a user holds. */
export const ROLE_HOME: Record<Role, string> = {
  shopper: "/",
  leader: "/leader",
  merchant: "/merchant",
  admin: "/admin",
};
