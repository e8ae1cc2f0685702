import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ApplyLeaderInput, parsePointHours, ReviewLeaderInput } from "./apply-schemas";
import { formatHours } from "./hours";
import { attributedPath, INVITE_CODE_ALPHABET, invitePath, newInviteCode, normaliseInviteCode } from "./invite-code";
import { escapeXml, invitePosterSvg, productPosterSvg, wrapText } from "./poster";
import { translate } from "~/i18n/i18n";
import { weekStart } from "./promote.server";

const issues = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input);
  return r.success ? {} : (v.flatten(r.issues).nested ?? {});
};

const FORM = {
  name: "绿地小区驿站",
  area: "闵行区 · 绿地小区",
  address: "上海市闵行区七莘路 100 弄 8 号",
  lat: "31.1123",
  lng: "121.3811",
  open: "08:30",
  close: "20:00",
  days: ["1", "2", "3", "4", "5"],
  contactPhone: "13800000110",
  doorDelivery: "yes",
};

describe("the leader application form", () => {
  it("accepts a complete application and normalises its values", () => {
    const out = v.parse(ApplyLeaderInput, { ...FORM, days: ["5", "1", "1"] });
    expect(out).toMatchObject({ lat: 31.1123, lng: 121.3811, days: [1, 5], doorDelivery: "yes" });
    expect(v.parse(ApplyLeaderInput, { ...FORM, days: "7", doorDelivery: "no" })).toMatchObject({ days: [7], doorDelivery: "no" });
  });

  it("names every wrong field at once", () => {
    const e = issues(ApplyLeaderInput, { name: "x", area: "", address: "短", lat: "abc", lng: "", open: "8:00", close: "25:00", contactPhone: "123" });
    expect(e).toMatchObject({
      name: ["point_name_required"],
      area: ["area_required"],
      address: ["address_required"],
      lat: ["coordinate_invalid"],
      lng: ["lng_required"],
      open: ["time_invalid"],
      close: ["time_invalid"],
      days: ["days_required"],
      contactPhone: ["phone_invalid"],
      doorDelivery: ["door_delivery_required"],
    });
  });

  it("keeps the location in China and the hours in order", () => {
    expect(issues(ApplyLeaderInput, { ...FORM, lat: "121.4737", lng: "31.2304" })).toMatchObject({ lat: ["coordinate_outside"], lng: ["coordinate_outside"] });
    expect(issues(ApplyLeaderInput, { ...FORM, lat: "-31.2" })).toMatchObject({ lat: ["coordinate_outside"] });
    expect(issues(ApplyLeaderInput, { ...FORM, open: "21:00", close: "08:00" })).toMatchObject({ close: ["hours_order"] });
    expect(issues(ApplyLeaderInput, { ...FORM, days: ["0", "8"] })).toMatchObject({ days: ["days_invalid"] });
  });

  it("needs a reason to reject", () => {
    expect(issues(ReviewLeaderInput, { intent: "reject", pointId: "pkp_00000000000000000000", reason: " " })).toMatchObject({ reason: ["reject_reason_required"] });
    expect(issues(ReviewLeaderInput, { intent: "approve", pointId: "mch_x" })).toMatchObject({ pointId: ["point_invalid"] });
    expect(v.safeParse(ReviewLeaderInput, { intent: "approve", pointId: "pkp_00000000000000000000" }).success).toBe(true);
  });
});

describe("opening hours", () => {
  it("reads stored hours, older rows without days meaning every day", () => {
    expect(parsePointHours('{"open":"08:00","close":"21:00"}')).toEqual({ open: "08:00", close: "21:00", days: [1, 2, 3, 4, 5, 6, 7] });
    expect(parsePointHours('{"open":"07:30","close":"20:30","days":[6,7,9]}')).toEqual({ open: "07:30", close: "20:30", days: [6, 7] });
    expect(parsePointHours("not json").days).toHaveLength(7);
  });

  it("says them in the reader's language", () => {
    const zh = (k: string, o?: Record<string, unknown>) => translate("zh-CN", k, o);
    const en = (k: string, o?: Record<string, unknown>) => translate("en", k, o);
    expect(formatHours({ open: "08:00", close: "21:00", days: [1, 2, 3, 4, 5, 6, 7] }, zh)).toBe("每天 08:00–21:00");
    expect(formatHours({ open: "09:00", close: "18:00", days: [1, 3, 5] }, zh)).toBe("周一、周三、周五 09:00–18:00");
    expect(formatHours({ open: "09:00", close: "18:00", days: [6, 7] }, en)).toBe("Sat, Sun 09:00–18:00");
  });
});

describe("invite codes", () => {
  it("are 8 characters of Crockford base32, without I, L, O or U", () => {
    expect(INVITE_CODE_ALPHABET).toHaveLength(32);
    expect(INVITE_CODE_ALPHABET).not.toMatch(/[ILOU]/);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = newInviteCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
      seen.add(code);
    }
    expect(seen.size).toBe(500);
  });

  it("match in any letter case and refuse what cannot be a code", () => {
    expect(normaliseInviteCode(" sunny888 ")).toBe("SUNNY888");
    expect(normaliseInviteCode("ab")).toBeNull();
    expect(normaliseInviteCode("SUNNY888/../x")).toBeNull();
    expect(normaliseInviteCode(undefined)).toBeNull();
  });

  it("make invite and share paths", () => {
    expect(invitePath("SUNNY888")).toBe("/join/SUNNY888");
    expect(attributedPath("SUNNY888", "/products/prd_demostrawberry000000")).toBe("/r/SUNNY888?to=/products/prd_demostrawberry000000");
    expect(attributedPath("SUNNY888", "/search?q=a&b=c")).toBe("/r/SUNNY888?to=/search%3Fq%3Da%26b%3Dc");
  });
});

describe("posters", () => {
  const QR = '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="220" viewBox="0 0 29 29"><path stroke="#111827" d="M1 1h7"/></svg>';

  it("wrap long titles into lines and cut with an ellipsis", () => {
    expect(wrapText("丹东 99 红颜草莓", 15, 2)).toEqual(["丹东 99 红颜草莓"]);
    const lines = wrapText("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五", 10, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith("…")).toBe(true);
    expect(wrapText("Fresh free-range eggs from the hills", 10, 3)).toEqual(["Fresh free-range", "eggs from the", "hills"]);
  });

  it("draw a product poster with its price, image, QR and link, escaping the texts", () => {
    const svg = productPosterSvg({
      brand: "邻里团",
      pointName: "阳光<花园>",
      pointLine: "浦东 · 每天 08:00–21:00 自提",
      title: 'Eggs & "milk"',
      price: "¥39.90",
      unit: "盒",
      imageDataUri: "data:image/png;base64,AAAA",
      qrSvg: QR,
      qrCaption: "扫码下单",
      url: "https://shop.example/r/SUNNY888?to=/products/prd_x",
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="750" height="1200"')).toBe(true);
    expect(svg).toContain('<tspan font-size="76">39.90</tspan>');
    expect(svg).toContain('href="data:image/png;base64,AAAA"');
    expect(svg).toContain('<svg x="490" y="900" xmlns=');
    expect(svg).toContain("阳光&lt;花园&gt;");
    expect(svg).toContain("Eggs &amp; &quot;milk&quot;");
    expect(svg).not.toContain("<花园>");
    expect(svg).toContain("https://shop.example/r/SUNNY888?to=/products/prd_x");
  });

  it("draw an invite poster", () => {
    const svg = invitePosterSvg({ brand: "邻里团", pointName: "翠湖", title: "在翠湖团购取货", lines: ["徐汇区", "每天 07:30–20:30"], qrSvg: QR, qrCaption: "扫码", url: "https://shop.example/join/LAKE2026" });
    expect(svg).toContain("在翠湖团购取货");
    expect(svg).toContain('<svg x="175" y="570" xmlns=');
    expect(escapeXml("a'b")).toBe("a&apos;b");
  });
});

describe("the referral week", () => {
  it("starts on Monday 00:00 in Shanghai", () => {
    const mondayShanghai = Date.UTC(2026, 4, 3, 16, 0); // Mon 2026-05-04 00:00 +08:00
    expect(weekStart(mondayShanghai)).toBe(mondayShanghai);
    expect(weekStart(mondayShanghai - 1)).toBe(mondayShanghai - 7 * 24 * 3600_000);
    expect(weekStart(Date.UTC(2026, 4, 10, 15, 59))).toBe(mondayShanghai); // Sun 23:59 Shanghai
    expect(weekStart(Date.UTC(2026, 4, 6, 2, 0))).toBe(mondayShanghai); // Wed
  });
});
