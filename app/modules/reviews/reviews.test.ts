import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { EMPTY_STATS, filterCount, isReviewableLine, largestRemainder, maskName, ModerateInput, pageCount, parseListParams, parsePhotoKeys, PRODUCT_REVIEW_FILTERS, ReplyInput, ReviewJsonInput, reviewPhotoUrl, summarise } from "./reviews";

describe("maskName", () => {
  it.each([
    ["张伟", "张**"],
    ["欧阳娜娜", "欧**"],
    ["Alice", "A**"],
    ["  小美 ", "小**"],
    ["😀abc", "😀**"],
    ["", "***"],
    [null, "***"],
  ])("%s → %s", (name, masked) => expect(maskName(name)).toBe(masked));
});

describe("summarise", () => {
  it("averages to one decimal, rounding half up, and lists 5 → 1", () => {
    const s = summarise({ stars1: 0, stars2: 1, stars3: 0, stars4: 2, stars5: 1, withPhotos: 1 });
    expect(s.count).toBe(4);
    expect(s.average).toBe(3.8); // 15 / 4 = 3.75
    expect(s.distribution.map((d) => d.stars)).toEqual([5, 4, 3, 2, 1]);
    expect(s.distribution.map((d) => d.count)).toEqual([1, 2, 0, 1, 0]);
    expect(s.good).toBe(3);
    expect(s.bad).toBe(1);
    expect(summarise({ ...EMPTY_STATS, stars4: 3, stars5: 1 }).average).toBe(4.3); // 4.25
    expect(summarise({ ...EMPTY_STATS, stars5: 2, stars4: 1 }).average).toBe(4.7); // 4.666…
  });

  it("has no average without reviews", () => {
    const s = summarise(EMPTY_STATS);
    expect(s).toMatchObject({ count: 0, average: null, good: 0, bad: 0, withPhotos: 0 });
    expect(s.distribution.every((d) => d.percent === 0)).toBe(true);
  });

  it("gives shares that add up to 100", () => {
    const s = summarise({ stars1: 1, stars2: 1, stars3: 1, stars4: 0, stars5: 0, withPhotos: 0 });
    expect(s.distribution.map((d) => d.percent)).toEqual([0, 0, 34, 33, 33]);
    expect(largestRemainder([2, 1], 3)).toEqual([67, 33]);
    expect(largestRemainder([0, 0], 0)).toEqual([0, 0]);
  });

  it("counts each filter of the product page", () => {
    const s = summarise({ stars1: 2, stars2: 1, stars3: 1, stars4: 1, stars5: 4, withPhotos: 3 });
    expect(PRODUCT_REVIEW_FILTERS.map((f) => filterCount(s, f))).toEqual([9, 3, 5, 3]);
  });
});

describe("who may review", () => {
  it("only a collected order's line with something picked up", () => {
    expect(isReviewableLine("picked_up", { pickedUpQty: 1 })).toBe(true);
    expect(isReviewableLine("completed", { pickedUpQty: 2 })).toBe(true);
    // Forfeited uncollected goods complete the order without a pickup.
    expect(isReviewableLine("completed", { pickedUpQty: 0 })).toBe(false);
    for (const status of ["paid", "ready_for_pickup", "refunding", "refunded", "cancelled"]) expect(isReviewableLine(status, { pickedUpQty: 1 })).toBe(false);
  });
});

describe("input", () => {
  it("takes 1–5 whole stars and up to 500 characters", () => {
    expect(v.safeParse(ReviewJsonInput, { rating: 5 }).output).toEqual({ rating: 5, body: "" });
    expect(v.safeParse(ReviewJsonInput, { rating: 3, body: "  好  " }).output).toEqual({ rating: 3, body: "好" });
    for (const rating of [0, 6, 4.5, "5"]) expect(v.safeParse(ReviewJsonInput, { rating }).success).toBe(false);
    expect(v.safeParse(ReviewJsonInput, { rating: 4, body: "好".repeat(500) }).success).toBe(true);
    const long = v.safeParse(ReviewJsonInput, { rating: 4, body: "好".repeat(501) });
    expect(long.success).toBe(false);
    expect(long.issues?.[0]?.message).toBe("review_too_long");
  });

  it("needs a reply text and a moderation reason", () => {
    const id = "rev_0123456789abcdefghjk";
    expect(v.safeParse(ReplyInput, { intent: "reply", reviewId: id, reply: "谢谢" }).success).toBe(true);
    expect(v.safeParse(ReplyInput, { intent: "reply", reviewId: id, reply: "  " }).issues?.[0]?.message).toBe("reply_required");
    expect(v.safeParse(ReplyInput, { intent: "reply", reviewId: "rev_x", reply: "谢谢" }).issues?.[0]?.message).toBe("review_not_found");
    expect(v.safeParse(ModerateInput, { intent: "hide", reviewId: id, reason: "广告" }).success).toBe(true);
    expect(v.safeParse(ModerateInput, { intent: "hide", reviewId: id }).issues?.[0]?.message).toBe("reason_required");
    expect(v.safeParse(ModerateInput, { intent: "delete", reviewId: id, reason: "x" }).issues?.[0]?.message).toBe("intent_invalid");
  });

  it("reads list parameters forgivingly", () => {
    expect(parseListParams(new URLSearchParams("filter=bad&page=3"), PRODUCT_REVIEW_FILTERS)).toEqual({ filter: "bad", page: 3 });
    expect(parseListParams(new URLSearchParams("filter=evil&page=-1"), PRODUCT_REVIEW_FILTERS)).toEqual({ filter: "all", page: 1 });
    expect(parseListParams(new URLSearchParams("page=1.5"), PRODUCT_REVIEW_FILTERS)).toEqual({ filter: "all", page: 1 });
    expect(pageCount(0)).toBe(1);
    expect(pageCount(21, 10)).toBe(3);
  });
});

describe("photos", () => {
  it("maps keys to their URLs and ignores anything else in the JSON", () => {
    expect(reviewPhotoUrl("reviews/rev_0123456789abcdefghjk/1.jpg")).toBe("/review-photos/rev_0123456789abcdefghjk/1.jpg");
    expect(parsePhotoKeys('["reviews/a/1.png", 3, "products/x.svg"]')).toEqual(["reviews/a/1.png"]);
    expect(parsePhotoKeys("not json")).toEqual([]);
    expect(parsePhotoKeys(null)).toEqual([]);
  });
});
