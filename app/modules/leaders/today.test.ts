import { describe, expect, it } from "vitest";
import { countdownParts, formatBusinessDate, formatCountdown, historyDates, isHistoryDate, nextCutoff, relativeDay, shanghaiClock, waitingFor } from "./today";

// 2026-05-10 18:00 in Shanghai is 10:00 UTC.
const EVENING = Date.UTC(2026, 4, 10, 10, 0);

describe("nextCutoff", () => {
  it("is today's while its time has not come", () => {
    expect(nextCutoff(EVENING, "21:00", false)).toEqual({ businessDate: "2026-05-10", cutoffAt: Date.UTC(2026, 4, 10, 13, 0) });
  });
  it("is tomorrow's once today's time has passed or today's run happened early", () => {
    expect(nextCutoff(Date.UTC(2026, 4, 10, 13, 0), "21:00", false)).toEqual({ businessDate: "2026-05-11", cutoffAt: Date.UTC(2026, 4, 11, 13, 0) });
    expect(nextCutoff(EVENING, "21:00", true)).toEqual({ businessDate: "2026-05-11", cutoffAt: Date.UTC(2026, 4, 11, 13, 0) });
  });
  it("uses the Shanghai day, not the UTC day (00:30 CST is the previous UTC day)", () => {
    expect(nextCutoff(Date.UTC(2026, 4, 10, 16, 30), "21:00", false).businessDate).toBe("2026-05-11");
  });
});

describe("history dates", () => {
  it("offers today and the 13 days before, newest first", () => {
    const dates = historyDates(EVENING);
    expect(dates).toHaveLength(14);
    expect(dates[0]).toBe("2026-05-10");
    expect(dates.at(-1)).toBe("2026-04-27");
    expect(isHistoryDate("2026-04-27", EVENING)).toBe(true);
    expect(isHistoryDate("2026-04-26", EVENING)).toBe(false);
    expect(isHistoryDate("2026-05-11", EVENING)).toBe(false);
    expect(isHistoryDate("2026-02-30", EVENING)).toBe(false);
  });
});

describe("countdown", () => {
  it("splits and formats at a fixed width, never negative", () => {
    expect(countdownParts(3 * 3600_000 + 7 * 60_000 + 9_999)).toEqual({ hours: 3, minutes: 7, seconds: 9 });
    expect(formatCountdown(3 * 3600_000 + 7 * 60_000 + 9_000)).toBe("03:07:09");
    expect(formatCountdown(3 * 3600_000 + 7 * 60_000 + 9_000, false)).toBe("03:07");
    expect(formatCountdown(-5_000)).toBe("00:00:00");
  });
});

describe("waitingFor", () => {
  it("picks minutes, hours, then days", () => {
    expect(waitingFor(0, 59 * 60_000)).toEqual({ unit: "minutes", count: 59 });
    expect(waitingFor(0, 60 * 60_000)).toEqual({ unit: "hours", count: 1 });
    expect(waitingFor(0, 47 * 3600_000)).toEqual({ unit: "hours", count: 47 });
    expect(waitingFor(0, 49 * 3600_000)).toEqual({ unit: "days", count: 2 });
    expect(waitingFor(1000, 0)).toEqual({ unit: "now", count: 0 });
    expect(waitingFor(0, 59_000)).toEqual({ unit: "now", count: 0 });
    expect(waitingFor(0, 60_000)).toEqual({ unit: "minutes", count: 1 });
  });
});

describe("dates and times for people", () => {
  it("writes business dates the same everywhere", () => {
    expect(formatBusinessDate("2026-11-25", "zh-CN")).toBe("11月25日");
    expect(formatBusinessDate("2026-11-25", "zh-CN", true)).toBe("11月25日 周三");
    expect(formatBusinessDate("2026-11-25", "en", true)).toBe("Wed 25 Nov");
    expect(formatBusinessDate("2026-01-05", "en")).toBe("5 Jan");
  });
  it("reads Shanghai wall-clock time and relative days", () => {
    expect(shanghaiClock(Date.UTC(2026, 4, 10, 13, 0))).toBe("21:00");
    expect(shanghaiClock(Date.UTC(2026, 4, 10, 16, 5))).toBe("00:05");
    expect(relativeDay("2026-05-10", EVENING)).toBe("today");
    expect(relativeDay("2026-05-11", EVENING)).toBe("tomorrow");
    expect(relativeDay("2026-05-09", EVENING)).toBe("other");
  });
});
