import { parseWithValibot } from "@conform-to/valibot";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  campaignPhase,
  campaignStats,
  CampaignStateInput,
  checkTiers,
  CreateCampaignInput,
  parseStatusFilter,
  readTierRows,
  ReviewCampaignInput,
} from "./campaign-schemas";

const issues = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input);
  return r.success ? {} : (v.flatten(r.issues).nested ?? {});
};

const base = {
  intent: "create-campaign",
  skuId: "sku_demostrawberry000001",
  tiers: [
    { size: "2", price: "35.90" },
    { size: "5", price: "29.9" },
  ],
  durationHours: "24",
  perUserLimit: "2",
  startsAt: "2026-12-01T10:00",
  endsAt: "2026-12-08T22:00",
};

/** The form as a browser posts it: fixed rows, empty ones included. */
function formData(fields: Record<string, string>, rows: Array<[string, string]>): FormData {
  const fd = new FormData();
  for (const [k, value] of Object.entries(fields)) fd.set(k, value);
  for (let i = 0; i < 5; i++) {
    fd.set(`tiers[${i}].size`, rows[i]?.[0] ?? "");
    fd.set(`tiers[${i}].price`, rows[i]?.[1] ?? "");
  }
  return fd;
}

describe("tier rows", () => {
  it("reads head counts and yuan prices exactly, skipping empty rows", () => {
    const { entries, issues: problems } = readTierRows([{ size: "2", price: "70" }, undefined, { size: "", price: " " }, { size: "５", price: "¥60.05" }, { size: "10", price: "0.1" }]);
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      { row: 0, size: 2, unitPriceFen: 7000 },
      { row: 3, size: 5, unitPriceFen: 6005 },
      { row: 4, size: 10, unitPriceFen: 10 },
    ]);
    // 0.1 + 0.2 style floats never appear: "19.99" is 1999 fen, not 1998.9999…
    expect(readTierRows([{ size: "3", price: "19.99" }]).entries[0]!.unitPriceFen).toBe(1999);
  });

  it("names the half of a row that is missing or wrong", () => {
    expect(readTierRows([{ size: "2" }, { price: "30" }, { size: "1", price: "20" }, { size: "51", price: "1.234" }, { size: "2.5", price: "-3" }]).issues).toEqual([
      { field: "tiers[0].price", code: "tier_price_required" },
      { field: "tiers[1].size", code: "tier_size_required" },
      { field: "tiers[2].size", code: "tier_size_invalid" },
      { field: "tiers[3].size", code: "tier_size_invalid" },
      { field: "tiers[3].price", code: "tier_price_invalid" },
      { field: "tiers[4].size", code: "tier_size_invalid" },
      { field: "tiers[4].price", code: "tier_price_invalid" },
    ]);
    expect(readTierRows([{ size: "2", price: "0" }]).issues).toEqual([{ field: "tiers[0].price", code: "tier_price_invalid" }]);
  });

  it("puts a ladder problem on the row to fix", () => {
    const rows = (...r: Array<[number, number, number]>) => r.map(([row, size, unitPriceFen]) => ({ row, size, unitPriceFen }));
    expect(checkTiers([])).toEqual({ ok: false, issue: { field: "tiers", code: "tiers_required" } });
    // Entered out of order is fine: sorted by size.
    expect(checkTiers(rows([0, 5, 6000], [1, 2, 7000]))).toEqual({
      ok: true,
      tiers: [
        { size: 2, unitPriceFen: 7000 },
        { size: 5, unitPriceFen: 6000 },
      ],
    });
    expect(checkTiers(rows([0, 2, 7000], [1, 2, 6000]))).toEqual({ ok: false, issue: { field: "tiers[1].size", code: "tier_size_repeated" } });
    expect(checkTiers(rows([0, 2, 7000], [1, 5, 7000]))).toEqual({ ok: false, issue: { field: "tiers[1].price", code: "tier_price_not_lower" } });
    // The bigger tier (row 0 here) is the one whose price must fall.
    expect(checkTiers(rows([0, 5, 7500], [2, 2, 7000]))).toEqual({ ok: false, issue: { field: "tiers[0].price", code: "tier_price_not_lower" } });
    // The first tier must be a saving on the SKU's price.
    expect(checkTiers(rows([3, 3, 3990], [4, 6, 3500]), 3990)).toEqual({ ok: false, issue: { field: "tiers[3].price", code: "tier_above_list_price" } });
    expect(checkTiers(rows([3, 3, 3989]), 3990).ok).toBe(true);
  });
});

describe("the create form", () => {
  it("parses a valid form to fen, minutes and epoch ms", () => {
    const out = v.parse(CreateCampaignInput, { ...base, leaderOnly: "on" });
    expect(out.tiers).toEqual([
      { row: 0, size: 2, unitPriceFen: 3590 },
      { row: 1, size: 5, unitPriceFen: 2990 },
    ]);
    expect(out.durationMinutes).toBe(24 * 60);
    expect(out.perUserLimit).toBe(2);
    expect(out.startsAt).toBe(Date.UTC(2026, 11, 1, 2, 0));
    expect(out.endsAt).toBe(Date.UTC(2026, 11, 8, 14, 0));
    expect(out.leaderOnly).toBe(true);
    expect(v.parse(CreateCampaignInput, base).leaderOnly).toBe(false);
  });

  it("answers every field at once, tier errors per row", () => {
    expect(
      issues(CreateCampaignInput, {
        ...base,
        skuId: "",
        durationHours: "73",
        perUserLimit: "0",
        tiers: [{ size: "2", price: "30" }, { size: "4", price: "31" }],
      }),
    ).toEqual({
      skuId: ["sku_invalid"],
      durationHours: ["duration_invalid"],
      perUserLimit: ["per_user_limit_invalid"],
      "tiers.1.price": ["tier_price_not_lower"],
    });
    expect(issues(CreateCampaignInput, { ...base, durationHours: "1.5", perUserLimit: "100" })).toEqual({
      durationHours: ["duration_invalid"],
      perUserLimit: ["per_user_limit_invalid"],
    });
    expect(issues(CreateCampaignInput, { ...base, durationHours: "0" })).toEqual({ durationHours: ["duration_invalid"] });
    expect(v.parse(CreateCampaignInput, { ...base, durationHours: "72", perUserLimit: "99" }).durationMinutes).toBe(72 * 60);
    expect(issues(CreateCampaignInput, { ...base, tiers: [] })).toEqual({ tiers: ["tiers_required"] });
  });

  it("checks the window: a real Shanghai time, the end after the start, at most 90 days", () => {
    expect(issues(CreateCampaignInput, { ...base, endsAt: base.startsAt })).toEqual({ endsAt: ["window_order"] });
    expect(issues(CreateCampaignInput, { ...base, endsAt: "2027-03-15T10:00" })).toEqual({ endsAt: ["window_too_long"] });
    expect(issues(CreateCampaignInput, { ...base, startsAt: "2026-02-30T10:00" })).toEqual({ startsAt: ["time_invalid"] });
  });

  it("works on the posted form through conform: empty rows are ignored, errors land on row fields", () => {
    const fields = { ...base, tiers: undefined } as unknown as Record<string, string>;
    delete fields.tiers;
    const ok = parseWithValibot(formData(fields, [["2", "35.90"], ["", ""], ["5", "29.90"]]), { schema: CreateCampaignInput });
    expect(ok.status).toBe("success");
    if (ok.status === "success") expect(ok.value.tiers.map((t) => [t.row, t.size, t.unitPriceFen])).toEqual([
      [0, 2, 3590],
      [2, 5, 2990],
    ]);
    const bad = parseWithValibot(formData({ ...fields, durationHours: "" }, [["2", "35.90"], ["2", "30"], ["", "9"]]), { schema: CreateCampaignInput });
    expect(bad.status).toBe("error");
    expect(bad.reply().error).toEqual({ durationHours: ["duration_required"], "tiers[2].size": ["tier_size_required"] });
    const none = parseWithValibot(formData(fields, []), { schema: CreateCampaignInput });
    expect(none.reply().error).toEqual({ tiers: ["tiers_required"] });
    const repeated = parseWithValibot(formData(fields, [["3", "30"], ["3", "29"]]), { schema: CreateCampaignInput });
    expect(repeated.reply().error).toEqual({ "tiers[1].size": ["tier_size_repeated"] });
  });
});

describe("other forms", () => {
  it("pause/resume and review", () => {
    expect(v.parse(CampaignStateInput, { intent: "pause-campaign", campaignId: "gdc_0123456789abcdefghjk" }).intent).toBe("pause-campaign");
    expect(issues(CampaignStateInput, { intent: "pause-campaign", campaignId: "ltd_x" })).toEqual({ campaignId: ["campaign_invalid"] });
    expect(issues(ReviewCampaignInput, { intent: "reject", campaignId: "gdc_0123456789abcdefghjk", reason: " " })).toEqual({ reason: ["reject_reason_required"] });
    expect(v.parse(ReviewCampaignInput, { intent: "reject", campaignId: "gdc_0123456789abcdefghjk", reason: " 价格偏高 " })).toMatchObject({ reason: "价格偏高" });
    expect(v.parse(ReviewCampaignInput, { intent: "approve", campaignId: "gdc_0123456789abcdefghjk" }).intent).toBe("approve");
    expect(parseStatusFilter("pending_review")).toBe("pending_review");
    expect(parseStatusFilter("nope")).toBe("all");
    expect(parseStatusFilter(null)).toBe("all");
  });
});

describe("what the pages show", () => {
  const at = { startsAt: 1000, endsAt: 2000 };
  it("reads a campaign's phase from its status and window", () => {
    expect(campaignPhase({ ...at, status: "pending_review" }, 500)).toBe("pending_review");
    expect(campaignPhase({ ...at, status: "approved" }, 500)).toBe("scheduled");
    expect(campaignPhase({ ...at, status: "approved" }, 1000)).toBe("running");
    expect(campaignPhase({ ...at, status: "paused" }, 1500)).toBe("paused");
    expect(campaignPhase({ ...at, status: "approved" }, 2000)).toBe("ended");
    expect(campaignPhase({ ...at, status: "pending_review" }, 2500)).toBe("ended");
    expect(campaignPhase({ ...at, status: "rejected" }, 2500)).toBe("rejected");
  });

  it("computes the success rate of closed groups in integers", () => {
    expect(campaignStats({ started: 4, open: 1, succeeded: 2, failed: 1, membersPaid: 9 }).successPermille).toBe(667);
    expect(campaignStats({ started: 1, open: 1, succeeded: 0, failed: 0, membersPaid: 1 }).successPermille).toBeNull();
    expect(campaignStats({ started: 8, open: 0, succeeded: 1, failed: 7, membersPaid: 9 }).successPermille).toBe(125);
  });
});
