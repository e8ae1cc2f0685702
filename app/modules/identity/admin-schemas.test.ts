import { parseWithValibot } from "@conform-to/valibot";
import { describe, expect, it } from "vitest";
import { ADMIN_PERMISSIONS } from "~/auth/permissions";
import { translate } from "~/i18n/i18n";
import { ADMIN_ROLES } from "./roles";
import { ADMIN_USER_INTENT_PERMISSION, ADMIN_USER_INTENTS, AdminRoleSetInput, AdminUserActionInput, permissionMessageKey } from "./admin-schemas";

const form = (entries: Array<[string, string]>) => {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
};

describe("AdminRoleSetInput (the permission matrix form)", () => {
  it("reads one checked box, several, or none", () => {
    const one = parseWithValibot(form([["intent", "save"], ["role", "finance"], ["permission", "read:user:any"]]), { schema: AdminRoleSetInput });
    expect(one.status === "success" && one.value).toEqual({ intent: "save", role: "finance", permission: ["read:user:any"] });
    const two = parseWithValibot(form([["intent", "save"], ["role", "finance"], ["permission", "read:user:any"], ["permission", "run:cutoff:any"]]), { schema: AdminRoleSetInput });
    expect(two.status === "success" && two.value).toEqual({ intent: "save", role: "finance", permission: ["read:user:any", "run:cutoff:any"] });
    const none = parseWithValibot(form([["intent", "save"], ["role", "finance"]]), { schema: AdminRoleSetInput });
    expect(none.status).toBe("success");
  });

  it("refuses super_admin, unknown roles and unknown permissions", () => {
    for (const entries of [
      [["intent", "save"], ["role", "super_admin"]],
      [["intent", "reset"], ["role", "emperor"]],
      [["intent", "save"], ["role", "finance"], ["permission", "read:profile:own"]],
      [["intent", "burn"], ["role", "finance"]],
    ] as Array<Array<[string, string]>>) {
      expect(parseWithValibot(form(entries), { schema: AdminRoleSetInput }).status, JSON.stringify(entries)).toBe("error");
    }
  });
});

describe("AdminUserActionInput (the user detail page)", () => {
  it("needs a trimmed reason of 2 to 200 characters to disable or enable", () => {
    const ok = parseWithValibot(form([["intent", "disable"], ["reason", "  刷单  "]]), { schema: AdminUserActionInput });
    expect(ok.status === "success" && ok.value).toEqual({ intent: "disable", reason: "刷单" });
    for (const reason of ["", "   ", "x", "x".repeat(201)]) {
      const bad = parseWithValibot(form([["intent", "enable"], ["reason", reason]]), { schema: AdminUserActionInput });
      expect(bad.status, reason).toBe("error");
      expect(Object.keys(bad.reply().error ?? {})).toEqual(["reason"]);
    }
  });

  it("maps every intent to the permission the route requires", () => {
    expect(Object.keys(ADMIN_USER_INTENT_PERMISSION).sort()).toEqual([...ADMIN_USER_INTENTS].sort());
  });
});

describe("permissionMessageKey", () => {
  it("gives every admin permission a key without i18next's namespace separator", () => {
    for (const p of ADMIN_PERMISSIONS) expect(permissionMessageKey(p)).not.toContain(":");
    expect(permissionMessageKey("update:user-roles:any")).toBe("adminUsers.permissions.update_user-roles_any");
  });
});

describe("the matrix's texts", () => {
  it("name and explain every admin permission and sub-role in both languages", () => {
    for (const locale of ["zh-CN", "en"]) {
      for (const p of ADMIN_PERMISSIONS) {
        for (const part of ["name", "help"]) {
          const key = `${permissionMessageKey(p)}.${part}`;
          expect(translate(locale, key), `${locale} ${key}`).not.toBe(key);
        }
      }
      for (const r of ADMIN_ROLES) {
        for (const part of ["name", "summary"]) {
          const key = `adminUsers.adminRoles.${r}.${part}`;
          expect(translate(locale, key), `${locale} ${key}`).not.toBe(key);
        }
      }
    }
  });
});
