import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_ROLES } from "~/modules/identity/roles";
import {
  ADMIN_PERMISSIONS,
  ADMIN_ROLE_DEFAULTS,
  EDITABLE_ADMIN_ROLES,
  hasPermission,
  isAdminPermission,
  NO_ADMIN_ACCESS,
  PERMISSIONS,
  resolveAdminPermissions,
} from "./permissions";

/** The (admin_role, permission) rows the migrations insert into admin_role_permissions (0010, then later additions). */
function migrationDefaults(): Array<[string, string]> {
  const dir = path.resolve(import.meta.dirname, "../../migrations");
  const rows: Array<[string, string]> = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    const sqlText = readFileSync(path.join(dir, file), "utf8");
    for (const insert of sqlText.matchAll(/INSERT INTO admin_role_permissions[^;]*?VALUES([\s\S]*?);/g))
      rows.push(...[...insert[1]!.matchAll(/\(\s*'([^']+)'\s*,\s*'([^']+)'\s*,/g)].map((m): [string, string] => [m[1]!, m[2]!]));
  }
  if (!rows.length) throw new Error("no admin_role_permissions insert in the migrations");
  return rows;
}

describe("ADMIN_ROLE_DEFAULTS", () => {
  it("equals the default rows the migration inserts, role by role", () => {
    const rows = migrationDefaults();
    expect(rows.length).toBeGreaterThan(10);
    const fromMigration = Object.fromEntries(EDITABLE_ADMIN_ROLES.map((role) => [role, rows.filter(([r]) => r === role).map(([, p]) => p).sort()]));
    const fromCode = Object.fromEntries(EDITABLE_ADMIN_ROLES.map((role) => [role, [...ADMIN_ROLE_DEFAULTS[role]].sort()]));
    expect(fromCode).toEqual(fromMigration);
    // No rows for a role the code does not know, and none for super_admin (it is fixed in code).
    expect(new Set(rows.map(([r]) => r))).toEqual(new Set(EDITABLE_ADMIN_ROLES));
  });

  it("holds only admin permissions, each once, and never manage:admin-roles:any", () => {
    for (const role of EDITABLE_ADMIN_ROLES) {
      const set = ADMIN_ROLE_DEFAULTS[role];
      expect(set.every(isAdminPermission), role).toBe(true);
      expect(new Set(set).size, role).toBe(set.length);
      expect(set, role).not.toContain("manage:admin-roles:any");
    }
  });

  it("covers every sub-role but super_admin", () => {
    expect([...EDITABLE_ADMIN_ROLES, "super_admin"].sort()).toEqual([...ADMIN_ROLES].sort());
  });
});

describe("resolveAdminPermissions", () => {
  it("gives a super admin every admin permission (the role has no rows)", () => {
    const access = resolveAdminPermissions([{ adminRole: "super_admin", permission: null }]);
    expect(access.superAdmin).toBe(true);
    expect(access.adminRoles).toEqual(["super_admin"]);
    expect([...access.permissions].sort()).toEqual([...ADMIN_PERMISSIONS].sort());
  });

  it("is the union of the held sub-roles' sets", () => {
    const rows = [
      ...ADMIN_ROLE_DEFAULTS.reviewer.map((permission) => ({ adminRole: "reviewer", permission })),
      ...ADMIN_ROLE_DEFAULTS.finance.map((permission) => ({ adminRole: "finance", permission })),
    ];
    const access = resolveAdminPermissions(rows);
    expect(access.superAdmin).toBe(false);
    expect(access.adminRoles).toEqual(["reviewer", "finance"]);
    expect([...access.permissions].sort()).toEqual([...new Set([...ADMIN_ROLE_DEFAULTS.reviewer, ...ADMIN_ROLE_DEFAULTS.finance])].sort());
    expect(access.permissions.has("run:cutoff:any")).toBe(false);
  });

  it("keeps a sub-role whose set is empty (a role held, nothing granted)", () => {
    const access = resolveAdminPermissions([{ adminRole: "finance", permission: null }]);
    expect(access.adminRoles).toEqual(["finance"]);
    expect(access.permissions.size).toBe(0);
  });

  it("ignores strings that are not admin permissions or sub-roles", () => {
    const access = resolveAdminPermissions([
      { adminRole: "reviewer", permission: "read:profile:own" },
      { adminRole: "reviewer", permission: "launch:rockets:any" },
      { adminRole: "emperor", permission: "review:product:any" },
    ]);
    expect(access.adminRoles).toEqual(["reviewer"]);
    expect(access.permissions.size).toBe(0);
  });

  it("gives nothing without sub-roles", () => {
    const access = resolveAdminPermissions([]);
    expect(access).toEqual({ adminRoles: [], superAdmin: false, permissions: new Set() });
  });
});

describe("hasPermission", () => {
  const superAccess = resolveAdminPermissions([{ adminRole: "super_admin", permission: null }]);
  const reviewer = resolveAdminPermissions(ADMIN_ROLE_DEFAULTS.reviewer.map((permission) => ({ adminRole: "reviewer", permission })));

  it("answers non-admin permissions from the role map, whatever the admin access", () => {
    expect(hasPermission(["shopper"], NO_ADMIN_ACCESS, "read:order:own")).toBe(true);
    expect(hasPermission(["shopper"], superAccess, "handover:order:own-point")).toBe(false);
    expect(hasPermission(["shopper", "leader"], NO_ADMIN_ACCESS, "handover:order:own-point")).toBe(true);
  });

  it("needs the admin role and the permission in the admin's set", () => {
    expect(hasPermission(["shopper", "admin"], reviewer, "review:product:any")).toBe(true);
    expect(hasPermission(["shopper", "admin"], reviewer, "run:cutoff:any")).toBe(false);
    expect(hasPermission(["shopper", "admin"], reviewer, "manage:admin-roles:any")).toBe(false);
    // Sub-roles left behind without the admin role grant nothing.
    expect(hasPermission(["shopper"], superAccess, "read:user:any")).toBe(false);
    // The admin role alone grants nothing.
    expect(hasPermission(["shopper", "admin"], NO_ADMIN_ACCESS, "read:user:any")).toBe(false);
  });

  it("lets a super admin do every admin thing", () => {
    for (const p of PERMISSIONS.admin) expect(hasPermission(["admin"], superAccess, p), p).toBe(true);
  });
});
