import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flashFixtures, json, type Counts } from "../support/flash";
import { startWorker, type TestWorker } from "../support/worker";

/**
 * Over capacity (issue 8): a flash sale answers fast — a reservation beyond the isolate's limit in
 * flight is a 503 `busy` with Retry-After at once, never a request left hanging; the stock stays
 * exact, and retrying with the same key is safe. A Worker with a tight limit (FLASH_MAX_IN_FLIGHT=4).
 * (The other guard, the deadline on the stock object's answer, is unit-tested in
 * admission.server.test.ts: in Miniflare the object answers within a millisecond, so no test here
 * could make it late without a hook in the object.)
 */
let crowded: TestWorker;
beforeAll(async () => {
  crowded = await startWorker({ vars: { FLASH_MAX_IN_FLIGHT: "4" } });
});
afterAll(() => crowded?.dispose());

describe("flash sales over capacity", () => {
  it("beyond the reservations in flight: 503 busy with Retry-After at once; the rest served; a retry with the same key is served; counts exact", async () => {
    const { sale, shoppers, api } = flashFixtures(() => crowded, "crowd");
    const saleId = await sale({ stock: 30, perUserLimit: 1 });
    const people = await shoppers(60);
    const started = Date.now();
    const answers = await Promise.all(
      people.map(async (u) => {
        const res = await api(`/flash-sales/${saleId}/reservations`, { token: u.token, body: { quantity: 1 }, key: `crowd-${u.id}` });
        return { u, status: res.status, retryAfter: res.headers.get("Retry-After"), body: await json<{ error?: { code: string } }>(res) };
      }),
    );
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((a) => a.body.error?.code === "busy" && a.retryAfter === "1")).toBe(true);
    expect(answers.every((a) => [201, 409, 503].includes(a.status))).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Those told "busy" try again, one at a time, with the same key: served or refused clearly.
    for (const a of busy) {
      const again = await api(`/flash-sales/${saleId}/reservations`, { token: a.u.token, body: { quantity: 1 }, key: `crowd-${a.u.id}` });
      expect([201, 409]).toContain(again.status);
    }
    const counts = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
    expect(counts).toEqual({ stock: 30, sold: 0, reserved: 30, remaining: 0 });
    const orders = await crowded.d1.prepare("SELECT count(*) AS n, count(DISTINCT user_id) AS u FROM orders WHERE flash_sale_id = ?").bind(saleId).first<{ n: number; u: number }>();
    expect(orders).toEqual({ n: 30, u: 30 });
    crowded.expectNoServerErrors();
  }, 60_000);

});
