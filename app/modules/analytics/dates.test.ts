import { describe, expect, it } from "vitest";
import { dayEnd, dayStart, daysBetween, eachDay, isoWeekOf, presetRange, previousRange } from "./dates";

describe("analytics dates (Asia/Shanghai business dates)", () => {
  it("a Shanghai day starts at 16:00 UTC the evening before and lasts 24 hours", () => {
    expect(dayStart("2026-05-11")).toBe(Date.UTC(2026, 4, 10, 16, 0));
    expect(dayEnd("2026-05-11")).toBe(Date.UTC(2026, 4, 11, 16, 0));
    expect(dayStart("2027-01-01")).toBe(Date.UTC(2026, 11, 31, 16, 0));
    expect(() => dayStart("2026-02-30")).toThrow(RangeError);
  });

  it("counts and lists days, across months and leap years", () => {
    expect(daysBetween("2026-01-30", "2026-03-01")).toBe(30);
    expect(daysBetween("2026-03-01", "2026-01-30")).toBe(-30);
    expect(eachDay("2028-02-27", "2028-03-01")).toEqual(["2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01"]);
    expect(eachDay("2026-01-02", "2026-01-01")).toEqual([]);
  });

  it("numbers ISO weeks by the year of their Thursday, Monday to Sunday", () => {
    // 2026-01-01 is a Thursday: week 1 of 2026 runs Mon 2025-12-29 … Sun 2026-01-04.
    expect(isoWeekOf("2025-12-29")).toEqual({ key: "2026-W01", year: 2026, week: 1, start: "2025-12-29", end: "2026-01-04" });
    expect(isoWeekOf("2026-01-04").key).toBe("2026-W01");
    expect(isoWeekOf("2026-01-05").key).toBe("2026-W02");
    // 2027-01-01 is a Friday: it belongs to the last week of 2026 (a 53-week year).
    expect(isoWeekOf("2027-01-01")).toMatchObject({ key: "2026-W53", start: "2026-12-28", end: "2027-01-03" });
    expect(isoWeekOf("2027-01-04").key).toBe("2027-W01");
    // A Sunday belongs to the week that began the Monday before.
    expect(isoWeekOf("2026-05-17")).toMatchObject({ key: "2026-W20", start: "2026-05-11" });
  });

  it("presets end today; the previous period has the same length and ends the day before", () => {
    expect(presetRange(7, "2026-03-03")).toEqual({ from: "2026-02-25", to: "2026-03-03" });
    expect(presetRange(1, "2026-03-03")).toEqual({ from: "2026-03-03", to: "2026-03-03" });
    expect(previousRange("2026-02-25", "2026-03-03")).toEqual({ from: "2026-02-18", to: "2026-02-24" });
    expect(previousRange("2026-03-03", "2026-03-03")).toEqual({ from: "2026-03-02", to: "2026-03-02" });
  });
});
