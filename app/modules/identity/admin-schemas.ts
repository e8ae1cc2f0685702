/**
 * Form schemas of the admin's user and permission pages (/admin/users/:id, /admin/roles). Plain
 * valibot, no defaults (conform reads them), messages are validation keys.
 */
import * as v from "valibot";
import { ADMIN_PERMISSIONS, EDITABLE_ADMIN_ROLES, type AdminPermission } from "~/auth/permissions";
import { ADMIN_ROLES, ROLES } from "./roles";

/**
 * The message key of a permission under `adminUsers.permissions` (i18next reads ":" as its
 * namespace separator, so "read:user:any" is looked up as "read_user_any").
 */
export function permissionMessageKey(permission: AdminPermission): string {
  return `adminUsers.permissions.${permission.replace(/:/g, "_")}`;
}

export const UserId = v.pipe(v.string("user_required"), v.regex(/^usr_[0-9a-z]{20}$/, "user_invalid"));

/** Why an account is disabled or re-enabled: required, kept in the audit log. */
export const StatusReason = v.pipe(
  v.string("reason_required"),
  v.trim(),
  v.nonEmpty("reason_required"),
  v.minLength(2, "reason_too_short"),
  v.maxLength(200, "reason_too_long"),
);

export const AdminUserActionInput = v.variant(
  "intent",
  [
    v.object({ intent: v.picklist(["grant-role", "revoke-role"]), role: v.picklist(ROLES, "role_invalid") }),
    v.object({ intent: v.picklist(["assign-admin-role", "remove-admin-role"]), adminRole: v.picklist(ADMIN_ROLES, "admin_role_invalid") }),
    v.object({ intent: v.picklist(["disable", "enable"]), reason: StatusReason }),
  ],
  "intent_invalid",
);
export type AdminUserActionInput = v.InferOutput<typeof AdminUserActionInput>;
export type AdminUserIntent = AdminUserActionInput["intent"];

export const ADMIN_USER_INTENTS = ["grant-role", "revoke-role", "assign-admin-role", "remove-admin-role", "disable", "enable"] as const;

/**
 * The permission each intent of the user detail page needs at the route's door (the module then
 * applies the finer rules: the `admin` role and sub-roles need manage:admin-roles:any, …).
 */
export const ADMIN_USER_INTENT_PERMISSION = {
  "grant-role": "update:user-roles:any",
  "revoke-role": "update:user-roles:any",
  "assign-admin-role": "manage:admin-roles:any",
  "remove-admin-role": "manage:admin-roles:any",
  disable: "update:user-status:any",
  enable: "update:user-status:any",
} as const satisfies Record<AdminUserIntent, AdminPermission>;

/** /admin/roles: save a sub-role's set (the checked permissions), or reset it to its defaults. */
export const AdminRoleSetInput = v.variant(
  "intent",
  [
    v.object({
      intent: v.literal("save"),
      role: v.picklist(EDITABLE_ADMIN_ROLES, "admin_role_invalid"),
      permission: v.optional(v.array(v.picklist(ADMIN_PERMISSIONS, "permission_invalid"))),
    }),
    v.object({ intent: v.literal("reset"), role: v.picklist(EDITABLE_ADMIN_ROLES, "admin_role_invalid") }),
  ],
  "intent_invalid",
);
export type AdminRoleSetInput = v.InferOutput<typeof AdminRoleSetInput>;
