/**
 * Issue 11 item 4: a simulated day at small scale (tests/simulate/day.ts) — 12 shoppers, 2 leaders
 * and 2 merchants browse, form group deals, rush a flash sale, order and pay (with replayed
 * notifications), then the cut-off, shipping, arrival with shortages, pickups, after-sales and
 * settlement (with redelivered messages) run, and every invariant of the day must hold.
 * `npm run simulate` runs the same day at 10,000 orders.
 */
import { describe, expect, it } from "vitest";
import { formatReport, simulateDay } from "../simulate/day";

describe("a simulated day (small)", () => {
  it("drives the Worker through a full cycle and every invariant holds", async () => {
    const report = await simulateDay({ shoppers: 12, leaders: 2, merchants: 2, orders: 100, browsers: 3, seed: 11, concurrency: 8 });
    const text = formatReport(report);
    expect(report.invariants.filter((i) => !i.pass), text).toEqual([]);
    expect(report.invariants).toHaveLength(9);
    expect(report.stderr, text).toEqual([]);
    // The day really happened: every stage left its mark.
    expect(report.counts.orders).toBeGreaterThanOrEqual(100);
    for (const k of ["payments captured", "notifications replayed", "groups succeeded", "groups failed", "flash reservations", "batches shipped", "units short", "picked up", "after-sales approved", "after-sales rejected", "left uncollected", "cancelled after paying", "orders settled", "settle messages redelivered"]) {
      expect(report.counts[k] ?? 0, `${k}\n${text}`).toBeGreaterThan(0);
    }
    // More flash buyers than units: some turned away, none sold past the stock.
    expect(report.counts["flash refused sold_out"] ?? 0, text).toBeGreaterThan(0);
  }, 300_000);
});
