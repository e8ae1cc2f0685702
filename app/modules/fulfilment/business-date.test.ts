import { describe, expect, it } from "vitest";
import { addDays, businessDateOf, cutoffInstant, deliveryDateFor, dueCutoff, isBusinessDate } from "./business-date";

describe("business dates in Asia/Shanghai", () => {
  it("takes the Shanghai calendar date, around midnight", () => {
    expect(businessDateOf(Date.UTC(2026, 4, 10, 15, 59, 59, 999))).toBe("2026-05-10"); // 23:59:59.999 CST
    expect(businessDateOf(Date.UTC(2026, 4, 10, 16, 0))).toBe("2026-05-11"); // 00:00 CST
    expect(businessDateOf(Date.UTC(2026, 11, 31, 16, 0))).toBe("2027-01-01");
  });
  it("puts the cut-off instant at the Shanghai wall-clock time", () => {
    expect(cutoffInstant("2026-05-10", "21:00")).toBe(Date.UTC(2026, 4, 10, 13, 0));
    expect(cutoffInstant("2026-05-10", "00:00")).toBe(Date.UTC(2026, 4, 9, 16, 0));
    expect(cutoffInstant("2026-05-10", "23:59")).toBe(Date.UTC(2026, 4, 10, 15, 59));
    expect(() => cutoffInstant("2026-05-10", "24:00")).toThrow(RangeError);
    expect(() => cutoffInstant("2026-02-30", "21:00")).toThrow(RangeError);
  });
  it("adds days across months and years; delivery is the next day", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(deliveryDateFor("2026-12-31")).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(isBusinessDate("2026-13-01")).toBe(false);
    expect(isBusinessDate("2026-01-31")).toBe(true);
  });
  it("a cut-off is due once today's time has passed (Shanghai today, not UTC today)", () => {
    expect(dueCutoff(Date.UTC(2026, 4, 10, 12, 59, 59, 999), "21:00")).toBeNull();
    expect(dueCutoff(Date.UTC(2026, 4, 10, 13, 0), "21:00")).toEqual({ businessDate: "2026-05-10", deliveryDate: "2026-05-11", cutoffAt: Date.UTC(2026, 4, 10, 13, 0) });
    // 00:30 CST on the 11th is still the 10th in UTC: the 11th's 21:00 has not come yet.
    expect(dueCutoff(Date.UTC(2026, 4, 10, 16, 30), "21:00")).toBeNull();
    // A cut-off just after midnight (00:05 CST) is due on the new Shanghai day at 16:05 UTC.
    expect(dueCutoff(Date.UTC(2026, 4, 10, 16, 5), "00:05")?.businessDate).toBe("2026-05-11");
    expect(dueCutoff(Date.UTC(2026, 4, 10, 16, 4), "00:05")).toBeNull();
  });
});
