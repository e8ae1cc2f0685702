import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { ADMIN_ROLES } from "../../modules/identity/roles";
import { users } from "./identity";

/**
 * The permission set of each admin sub-role (one row per permission). `super_admin` has no rows:
 * it always holds every admin permission (code), so no edit can lock the platform out.
 */
export const adminRolePermissions = sqliteTable(
  "admin_role_permissions",
  {
    adminRole: text("admin_role", { enum: ADMIN_ROLES }).notNull(),
    permission: text("permission").notNull(),
    grantedBy: text("granted_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.adminRole, t.permission] })],
);

/** Which admin sub-roles an admin holds. Meaningful only while the user also holds the `admin` role. */
export const userAdminRoles = sqliteTable(
  "user_admin_roles",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    adminRole: text("admin_role", { enum: ADMIN_ROLES }).notNull(),
    grantedBy: text("granted_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.adminRole] }), index("user_admin_roles_role_idx").on(t.adminRole)],
);

/**
 * Every change of a platform setting (append-only): the value before and after, the version it
 * created, who and when. `settings.version` is the latest row's version for that key.
 */
export const settingChanges = sqliteTable(
  "setting_changes",
  {
    id: text("id").primaryKey(),
    key: text("key").notNull(),
    oldValue: text("old_value"),
    newValue: text("new_value").notNull(),
    version: integer("version").notNull(),
    changedBy: text("changed_by"),
    reason: text("reason"),
    changedAt: integer("changed_at").notNull(),
  },
  (t) => [index("setting_changes_key_idx").on(t.key, t.changedAt), index("setting_changes_at_idx").on(t.changedAt)],
);
