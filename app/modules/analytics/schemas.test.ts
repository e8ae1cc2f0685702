import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { BeaconInput, parseDashboardRange } from "./schemas";

const parse = (query: string, today = "2026-05-20") => parseDashboardRange(new URLSearchParams(query), today);

describe("the dashboard's range in the URL", () => {
  it("defaults to the last 30 days by day; presets end today", () => {
    expect(parse("")).toEqual({ ok: true, value: { from: "2026-04-21", to: "2026-05-20", granularity: "day", preset: 30 } });
    expect(parse("range=7&g=week")).toEqual({ ok: true, value: { from: "2026-05-14", to: "2026-05-20", granularity: "week", preset: 7 } });
    expect(parse("range=365")).toMatchObject({ ok: true, value: { from: "2025-05-21", to: "2026-05-20" } });
  });

  it("takes a custom range (empty fields count as absent; dates win over a preset)", () => {
    expect(parse("from=2026-01-01&to=2026-01-31&g=week&range=")).toEqual({ ok: true, value: { from: "2026-01-01", to: "2026-01-31", granularity: "week", preset: null } });
    expect(parse("range=7&from=2026-05-01&to=2026-05-02")).toMatchObject({ ok: true, value: { from: "2026-05-01", preset: null } });
    expect(parse("from=&to=&g=day")).toMatchObject({ ok: true, value: { preset: 30 } });
  });

  it("answers bad input with field-level codes", () => {
    expect(parse("range=14")).toEqual({ ok: false, errors: { range: ["range_invalid"] } });
    expect(parse("g=month")).toEqual({ ok: false, errors: { g: ["granularity_invalid"] } });
    expect(parse("from=2026-02-30&to=2026-03-01")).toEqual({ ok: false, errors: { from: ["date_invalid"] } });
    expect(parse("from=2026-05-01")).toEqual({ ok: false, errors: { to: ["date_required"] } });
    expect(parse("from=2026-05-10&to=2026-05-01")).toEqual({ ok: false, errors: { from: ["range_reversed"] } });
    expect(parse("from=2026-05-10&to=2026-05-21")).toEqual({ ok: false, errors: { to: ["date_in_future"] } });
    expect(parse("from=2025-05-19&to=2026-05-20")).toEqual({ ok: false, errors: { from: ["range_too_long"] } });
    expect(parse("from=2025-05-20&to=2026-05-20")).toMatchObject({ ok: true }); // 366 days
  });
});

describe("the beacon body", () => {
  it("is a path without query or fragment, at most 512 characters", () => {
    expect(v.is(BeaconInput, { p: "/products/prd_demostrawberry000000" })).toBe(true);
    expect(v.is(BeaconInput, { p: "/" })).toBe(true);
    for (const p of ["", "products", "/search?q=x", "/a#b", "/a b", `/${"x".repeat(512)}`, "https://evil.example/"]) expect(v.is(BeaconInput, { p }), p).toBe(false);
    expect(v.is(BeaconInput, {})).toBe(false);
  });
});
