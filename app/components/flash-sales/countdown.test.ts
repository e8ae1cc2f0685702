import { describe, expect, it } from "vitest";
import { translate } from "~/i18n/i18n";
import { formatLeft, formatSaleTime } from "./countdown";

const t = (locale: string) => (key: string, options?: Record<string, unknown>) => translate(locale, key, options);

describe("flash-sale times", () => {
  it("writes absolute times in Asia/Shanghai (UTC+8) the same way everywhere", () => {
    // 2026-11-26 12:00 UTC is 20:00 in Shanghai; 16:30 UTC is 00:30 the next day.
    expect(formatSaleTime(Date.UTC(2026, 10, 26, 12, 0), t("zh-CN"))).toBe("11月26日 20:00");
    expect(formatSaleTime(Date.UTC(2026, 10, 26, 16, 30), t("zh-CN"))).toBe("11月27日 00:30");
    expect(formatSaleTime(Date.UTC(2026, 11, 31, 16, 5), t("en"))).toBe("00:05, 1 Jan");
  });

  it("counts down in mm:ss, h:mm:ss, then days; never below zero; a started second counts as whole", () => {
    expect(formatLeft(59_001, t("zh-CN"))).toBe("01:00");
    expect(formatLeft(14 * 60_000 + 5_000, t("zh-CN"))).toBe("14:05");
    expect(formatLeft(3_600_000 + 2 * 60_000 + 3_000, t("zh-CN"))).toBe("01:02:03");
    expect(formatLeft(2 * 86_400_000 + 3 * 3_600_000, t("zh-CN"))).toBe("2天 03:00:00");
    expect(formatLeft(86_400_000 + 5_000, t("en"))).toBe("1d 00:00:05");
    expect(formatLeft(-5_000, t("en"))).toBe("00:00");
  });
});
