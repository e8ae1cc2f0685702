import { describe, expect, it } from "vitest";
import { maskName, periodIndex, rewardKey, sameCluster, shanghaiDayStart, staticRefusal, type ConversionFacts } from "./rules";
import { absoluteUrl, shareCardMeta } from "./cards";

const DAY = 24 * 60 * 60 * 1000;
/** 2026-05-10 00:00 Asia/Shanghai = 2026-05-09 16:00 UTC. */
const MIDNIGHT_SH = Date.UTC(2026, 4, 9, 16, 0, 0);

describe("the reward period", () => {
  it("is a fixed window of Shanghai days: the same key inside it, a new key after it", () => {
    const start = periodIndex(MIDNIGHT_SH, 1);
    expect(periodIndex(MIDNIGHT_SH + DAY - 1, 1)).toBe(start);
    expect(periodIndex(MIDNIGHT_SH + DAY, 1)).toBe(start + 1);
    // 23:59 Shanghai the day before is the previous window although it is the same UTC date.
    expect(periodIndex(MIDNIGHT_SH - 60_000, 1)).toBe(start - 1);
    const k = (t: number) => rewardKey("usr_a", "usr_b", t, 30);
    const first = Math.floor((MIDNIGHT_SH + 8 * 3600_000) / (30 * DAY)) * 30 * DAY - 8 * 3600_000;
    expect(k(first)).toBe(k(first + 30 * DAY - 1));
    expect(k(first + 30 * DAY)).not.toBe(k(first));
    expect(k(first)).toMatch(/^share:usr_a:usr_b:30d\d+$/);
    // Per (sharer, buyer): another friend or another sharer is another key.
    expect(rewardKey("usr_a", "usr_c", first, 30)).not.toBe(k(first));
    expect(rewardKey("usr_c", "usr_b", first, 30)).not.toBe(k(first));
  });

  it("counts the daily cap by the Shanghai day", () => {
    expect(shanghaiDayStart(MIDNIGHT_SH)).toBe(MIDNIGHT_SH);
    expect(shanghaiDayStart(MIDNIGHT_SH + DAY - 1)).toBe(MIDNIGHT_SH);
    expect(shanghaiDayStart(MIDNIGHT_SH - 1)).toBe(MIDNIGHT_SH - DAY);
  });
});

describe("device clusters", () => {
  const s = (deviceHash: string, userId: string) => ({ deviceHash, userId });
  it("links accounts that used one device, directly or through other accounts", () => {
    const sightings = [s("d1", "a"), s("d1", "b"), s("d2", "b"), s("d2", "c"), s("d3", "x")];
    expect(sameCluster(sightings, "a", "b")).toBe(true);
    expect(sameCluster(sightings, "a", "c")).toBe(true);
    expect(sameCluster(sightings, "c", "a")).toBe(true);
    expect(sameCluster(sightings, "a", "x")).toBe(false);
    expect(sameCluster(sightings, "a", "nobody")).toBe(false);
    expect(sameCluster([], "a", "a")).toBe(true);
    expect(sameCluster([], "a", "b")).toBe(false);
  });
});

describe("refusals decided before the batch", () => {
  const base: ConversionFacts = { sharerUserId: "a", buyerUserId: "b", sameDevice: false, sharerPhones: ["13800000109"], buyerPhones: ["13800000110"], sharerAddresses: ["上海市 浦东新区 阳光花园 3 号楼 101"], orderAddress: null };
  it("none for a friend on their own device, phone and address", () => {
    expect(staticRefusal(base)).toBeNull();
    expect(staticRefusal({ ...base, orderAddress: "上海市 浦东新区 绿地小区 8 号楼 202" })).toBeNull();
  });
  it("self-referral first, then the device cluster, the phone, the address", () => {
    expect(staticRefusal({ ...base, buyerUserId: "a", sameDevice: true })).toBe("self_referral");
    expect(staticRefusal({ ...base, sameDevice: true, buyerPhones: ["13800000109"] })).toBe("same_device");
    expect(staticRefusal({ ...base, buyerPhones: ["+86 138 0000 0109"] })).toBe("same_phone");
    expect(staticRefusal({ ...base, orderAddress: "上海市浦东新区阳光花园3号楼101" })).toBe("same_address");
  });
});

describe("masked names and share cards", () => {
  it("shows a friend as the first character and stars", () => {
    expect(maskName("小美")).toBe("小*");
    expect(maskName("何师傅")).toBe("何**");
    expect(maskName("Alexander")).toBe("A**");
    expect(maskName("")).toBe("*");
  });
  it("has every Open Graph and Twitter tag, with absolute URLs", () => {
    const tags = shareCardMeta({ siteName: "邻里团", title: "草莓 ¥12.80 起", description: "d", url: "https://x.test/products/p", image: absoluteUrl("https://x.test", "/images/a.jpg"), type: "product" });
    const get = (k: string) => tags.find((t) => ("property" in t && t.property === k) || ("name" in t && t.name === k));
    expect(get("og:image")).toEqual({ property: "og:image", content: "https://x.test/images/a.jpg" });
    expect(get("twitter:card")).toEqual({ name: "twitter:card", content: "summary_large_image" });
    for (const k of ["og:title", "og:description", "og:url", "og:type", "og:site_name", "twitter:title", "twitter:description", "twitter:image"]) expect(get(k), k).toBeDefined();
    expect(absoluteUrl("https://x.test/", "https://cdn.test/a.jpg")).toBe("https://cdn.test/a.jpg");
  });
});
