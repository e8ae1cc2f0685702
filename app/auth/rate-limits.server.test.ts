import { describe, expect, it } from "vitest";
import { perIpRules, RATE_LIMITS } from "./rate-limits.server";

describe("perIpRules", () => {
  it("multiplies the per-IP limits outside production only, by a whole factor above 1", () => {
    const rules = RATE_LIMITS.codePerIp;
    expect(perIpRules({ APP_ENV: "development", RATE_LIMIT_IP_FACTOR: "10" }, rules)).toEqual([{ ...rules[0], limit: rules[0]!.limit * 10 }]);
    expect(perIpRules({ APP_ENV: "production", RATE_LIMIT_IP_FACTOR: "10" }, rules)).toBe(rules);
    for (const factor of [undefined, "", "1", "0", "-3", "2.5", "lots"]) expect(perIpRules({ APP_ENV: "test", RATE_LIMIT_IP_FACTOR: factor }, rules)).toBe(rules);
  });
});
