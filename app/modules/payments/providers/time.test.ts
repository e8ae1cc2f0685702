import { describe, expect, it } from "vitest";
import { formatAlipayTime, formatRfc3339, parseAlipayTime, parseRfc3339 } from "./time";

// 2026-11-25T13:00:05.678Z is 21:00:05 in Shanghai.
const T = Date.UTC(2026, 10, 25, 13, 0, 5, 678);

describe("business-time formats", () => {
  it("formats Alipay and RFC 3339 times in Asia/Shanghai", () => {
    expect(formatAlipayTime(T)).toBe("2026-11-25 21:00:05");
    expect(formatRfc3339(T)).toBe("2026-11-25T21:00:05+08:00");
    expect(formatRfc3339(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe("2027-01-01T00:00:00+08:00");
    expect(formatAlipayTime(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe("2026-01-01 08:00:00");
  });

  it("parses Alipay times as Shanghai wall time", () => {
    expect(parseAlipayTime("2026-11-25 21:00:05")).toBe(T - 678);
    expect(parseAlipayTime("2027-01-01 00:00:00")).toBe(Date.UTC(2026, 11, 31, 16, 0, 0));
    for (const ms of [0, T, Date.UTC(2030, 5, 30, 23, 59, 59)]) {
      expect(parseAlipayTime(formatAlipayTime(ms))).toBe(Math.floor(ms / 1000) * 1000);
    }
  });

  it.each(["2026-11-25T21:00:05", "2026-02-30 10:00:00", "2026-11-25 24:00:00", "2026-11-25 21:00", " 2026-11-25 21:00:05", ""])(
    "refuses Alipay time %j",
    (text) => {
      expect(parseAlipayTime(text)).toBeNull();
    },
  );

  it("parses RFC 3339 with an offset", () => {
    expect(parseRfc3339("2026-11-25T21:00:05+08:00")).toBe(T - 678);
    expect(parseRfc3339("2026-11-25T13:00:05Z")).toBe(T - 678);
    expect(parseRfc3339("2026-11-25T21:00:05")).toBeNull();
    expect(parseRfc3339("yesterday")).toBeNull();
  });
});
