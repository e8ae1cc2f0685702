import { describe, expect, it } from "vitest";
import {
  birthdayGrantKey,
  birthdaysOn,
  birthdayTemplateId,
  claimStateOf,
  idList,
  isLeapYear,
  parseBirthday,
  remainingOf,
  remainingPercent,
  segmentGrantKey,
  segmentGrantKeyRange,
  templateState,
  termsOf,
} from "./terms";

const NOW = Date.UTC(2026, 10, 26, 4, 0);
const HOUR = 3_600_000;

describe("templateState", () => {
  it("is ended from its end on (whatever the status), paused when paused, scheduled before its start, else running", () => {
    expect(templateState({ status: "active", startsAt: NOW - HOUR, endsAt: NOW + HOUR }, NOW)).toBe("running");
    expect(templateState({ status: "active", startsAt: NOW, endsAt: NOW + HOUR }, NOW)).toBe("running");
    expect(templateState({ status: "active", startsAt: NOW + 1, endsAt: NOW + HOUR }, NOW)).toBe("scheduled");
    expect(templateState({ status: "paused", startsAt: NOW - HOUR, endsAt: NOW + HOUR }, NOW)).toBe("paused");
    expect(templateState({ status: "paused", startsAt: NOW - HOUR, endsAt: NOW }, NOW)).toBe("ended");
    expect(templateState({ status: "active", startsAt: NOW - HOUR, endsAt: NOW }, NOW)).toBe("ended");
  });
});

describe("limits", () => {
  it("counts what is left of a total, never below zero, and nothing for an unlimited template", () => {
    expect(remainingOf({ totalLimit: 100, issuedCount: 37 })).toBe(63);
    expect(remainingOf({ totalLimit: 100, issuedCount: 120 })).toBe(0);
    expect(remainingOf({ totalLimit: null, issuedCount: 5 })).toBeNull();
  });

  it("shows the share left, rounded down but 1% while any is left", () => {
    expect(remainingPercent({ totalLimit: 100, issuedCount: 37 })).toBe(63);
    expect(remainingPercent({ totalLimit: 1000, issuedCount: 999 })).toBe(1);
    expect(remainingPercent({ totalLimit: 3, issuedCount: 1 })).toBe(66);
    expect(remainingPercent({ totalLimit: 100, issuedCount: 100 })).toBe(0);
    expect(remainingPercent({ totalLimit: null, issuedCount: 0 })).toBeNull();
  });

  it("offers a claim until the shopper's limit, then the template's total, is reached", () => {
    const t = { totalLimit: 10, issuedCount: 3, perUserLimit: 2 };
    expect(claimStateOf(t, 0)).toBe("available");
    expect(claimStateOf(t, 1)).toBe("available");
    expect(claimStateOf(t, 2)).toBe("limit_reached");
    expect(claimStateOf({ ...t, issuedCount: 10 }, 0)).toBe("sold_out");
    // A shopper at their limit sees that, not "sold out".
    expect(claimStateOf({ ...t, issuedCount: 10 }, 2)).toBe("limit_reached");
    expect(claimStateOf({ totalLimit: null, issuedCount: 10_000, perUserLimit: 1 }, 0)).toBe("available");
  });
});

describe("termsOf", () => {
  it("reads a percentage as 折 (what is paid) and as % off, with its cap; others without a cap", () => {
    expect(termsOf({ kind: "percentage", amountFen: null, thresholdFen: null, discountBp: 1000, maxDiscountFen: 2000 })).toMatchObject({
      zhe: 9,
      percentOff: 10,
      capFen: 2000,
    });
    expect(termsOf({ kind: "percentage", amountFen: null, thresholdFen: 5000, discountBp: 1500, maxDiscountFen: null })).toMatchObject({
      zhe: 8.5,
      percentOff: 15,
      capFen: null,
      thresholdFen: 5000,
    });
    expect(termsOf({ kind: "threshold", amountFen: 1000, thresholdFen: 5000, discountBp: null, maxDiscountFen: 99 })).toMatchObject({
      key: "threshold",
      amountFen: 1000,
      thresholdFen: 5000,
      capFen: null,
    });
  });

  it("reads a malformed id list as none", () => {
    expect(idList('["cat_a","cat_b"]')).toEqual(["cat_a", "cat_b"]);
    expect(idList(null)).toEqual([]);
    expect(idList("{oops")).toEqual([]);
    expect(idList('{"a":1}')).toEqual([]);
  });
});

describe("birthday", () => {
  it("knows leap years", () => {
    expect([2024, 2028, 2000].map(isLeapYear)).toEqual([true, true, true]);
    expect([2026, 2100, 1900].map(isLeapYear)).toEqual([false, false, false]);
  });

  it("celebrates 29 February birthdays on the 28th in other years, and on the 29th in leap years", () => {
    expect(birthdaysOn("2026-02-28")).toEqual(["02-28", "02-29"]);
    expect(birthdaysOn("2100-02-28")).toEqual(["02-28", "02-29"]);
    expect(birthdaysOn("2028-02-28")).toEqual(["02-28"]);
    expect(birthdaysOn("2028-02-29")).toEqual(["02-29"]);
    expect(birthdaysOn("2026-03-01")).toEqual(["03-01"]);
    expect(birthdaysOn("2026-12-31")).toEqual(["12-31"]);
  });

  it("accepts real month/day pairs only (29 February included)", () => {
    expect(parseBirthday(2, 29)).toBe("02-29");
    expect(parseBirthday(12, 31)).toBe("12-31");
    expect(parseBirthday(1, 5)).toBe("01-05");
    for (const [m, d] of [
      [2, 30],
      [4, 31],
      [13, 1],
      [0, 1],
      [1, 0],
      [1.5, 2],
    ] as const)
      expect(parseBirthday(m, d), `${m}/${d}`).toBeNull();
  });

  it("names the template of a year and amount as a valid template id, and the gift once per shopper and year", () => {
    expect(birthdayTemplateId(2026, 500)).toBe("cpt_bday2026000000000500");
    expect(birthdayTemplateId(2026, 100_000)).toMatch(/^cpt_[0-9a-z]{20}$/);
    expect(birthdayGrantKey("usr_x", 2026)).toBe("birthday:usr_x:2026");
  });
});

describe("segment grant keys", () => {
  it("fall inside their issue's range and outside any other's", () => {
    const [lo, hi] = segmentGrantKeyRange("iss_aaaa");
    const inside = segmentGrantKey("iss_aaaa", "usr_zzzzzzzzzzzzzzzzzzzz");
    expect(inside >= lo && inside < hi).toBe(true);
    for (const other of [
      segmentGrantKey("iss_aaab", "usr_0"),
      segmentGrantKey("iss_aaa", "usr_0"),
      segmentGrantKey("iss_aaaa0", "usr_0"),
      "birthday:usr_0:2026",
    ]) {
      expect(other >= lo && other < hi, other).toBe(false);
    }
  });
});
