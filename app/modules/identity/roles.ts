/** The roles a user can hold. Plain constants (no drizzle), so browser code can use them. */
export const ROLES = ["shopper", "leader", "merchant", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Admin sub-roles (SPEC §5, issue #6). A user with the `admin` role holds one or more of these;
 * their permissions are the union of the sub-roles' permission sets (stored in D1, editable by an
 * admin holding `manage:admin-roles:any`). `super_admin` always holds every admin permission.
 */
export const ADMIN_ROLES = ["super_admin", "operations", "reviewer", "finance"] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];
