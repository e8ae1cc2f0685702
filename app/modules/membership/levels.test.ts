import { describe, expect, it } from "vitest";
import { SETTING_DEFAULTS } from "~/modules/settings/catalogue";
import { levelForSpend } from "./levels";

describe("levelForSpend", () => {
  const levels = SETTING_DEFAULTS["membership.levels"];
  it("reaches a level at its threshold exactly", () => {
    expect(levelForSpend(0, levels)).toBe("normal");
    expect(levelForSpend(levels.silver.thresholdFen - 1, levels)).toBe("normal");
    expect(levelForSpend(levels.silver.thresholdFen, levels)).toBe("silver");
    expect(levelForSpend(levels.gold.thresholdFen - 1, levels)).toBe("silver");
    expect(levelForSpend(levels.gold.thresholdFen, levels)).toBe("gold");
  });
});
