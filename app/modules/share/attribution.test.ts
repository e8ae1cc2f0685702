import { describe, expect, it } from "vitest";
import { sharedPage, sharePath } from "./attribution.server";

describe("share paths", () => {
  it("carry the code and the page; only product and group pages are remembered", () => {
    expect(sharePath("abcdefghjk", "/products/prd_0123456789abcdefghjk")).toBe("/s/abcdefghjk?to=/products/prd_0123456789abcdefghjk");
    expect(sharedPage("/products/prd_0123456789abcdefghjk")).toBe("/products/prd_0123456789abcdefghjk");
    expect(sharedPage("/groups/grp_0123456789abcdefghjk?from=usr_x")).toBe("/groups/grp_0123456789abcdefghjk");
    expect(sharedPage("/r/SUNNY888?to=/groups/grp_0123456789abcdefghjk?from=usr_x")).toBe("/groups/grp_0123456789abcdefghjk");
    expect(sharedPage("/r/SUNNY888?to=/r/X?to=/products/prd_0123456789abcdefghjk")).toBeNull();
    expect(sharedPage("/cart")).toBeNull();
    expect(sharedPage("/products/../admin")).toBeNull();
  });
});
