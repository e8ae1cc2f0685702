import type { Role } from "~/db/schema";

/**
 * What each role may do, as `action:entity:scope` strings (scope `own` = objects the user owns or
 * belongs to, `any` = every object). Guards check these on the server; the UI reads them only to
 * hide what would be refused anyway. Issue #6 adds admin sub-roles with their own sets.
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
  merchant: ["read:merchant:own", "update:merchant:own", "read:product:own", "update:product:own"],
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
  ],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof PERMISSIONS)[Role][number];

export function rolesGrant(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => (PERMISSIONS[role] as readonly string[]).includes(permission));
}

/** Where each role works; the role switcher lists the ones a user holds. */
export const ROLE_HOME: Record<Role, string> = {
  shopper: "/",
  leader: "/leader",
  merchant: "/merchant",
  admin: "/admin",
};
