/** The roles a user can hold. Plain constants (no drizzle), so browser code can use them. */
export const ROLES = ["shopper", "leader", "merchant", "admin"] as const;
export type Role = (typeof ROLES)[number];
