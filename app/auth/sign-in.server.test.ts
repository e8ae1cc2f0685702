import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "~/db/schema";
import { ROLE_HOME } from "./permissions";
import { homeForRoles } from "./sign-in.server";

describe("homeForRoles", () => {
  it.each<[Role[], string]>([
    [["shopper"], "/"],
    [[], "/"],
    [["shopper", "leader"], "/leader"],
    [["shopper", "merchant"], "/merchant"],
    [["shopper", "admin"], "/admin"],
    [["leader"], "/leader"],
    [["shopper", "leader", "admin"], "/admin"],
    [["shopper", "merchant", "admin"], "/admin"],
    [["shopper", "leader", "merchant", "admin"], "/admin"],
    [["shopper", "leader", "merchant"], "/"],
    [["leader", "merchant"], "/"],
  ])("%j → %s", (roles, home) => {
    expect(homeForRoles(roles)).toBe(home);
  });

  it("does not depend on the order of roles (property)", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...ROLES]), (roles) => {
        expect(homeForRoles(roles)).toBe(homeForRoles([...roles].reverse()));
      }),
    );
  });

  it("always lands on a role home the user holds, or the store (property)", () => {
    fc.assert(
      fc.property(fc.subarray([...ROLES]), (roles) => {
        const home = homeForRoles(roles);
        const allowed = ["/", ...roles.map((r) => ROLE_HOME[r])];
        expect(allowed).toContain(home);
      }),
    );
  });
});
