import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  applyHandoverToList,
  matchCode,
  newerList,
  parsePickupCode,
  pickupCodeDigest,
  planHandover,
  refusalForStatus,
  remainingQty,
  retryDelayMs,
  syncDisposition,
  withQueueApplied,
  type PickupList,
  type QueuedHandover,
} from "./handover";

const POINT = "pkp_demosunshine00000000";

describe("parsePickupCode", () => {
  it("reads the QR payload and typed digits", () => {
    expect(parsePickupCode("TG-PICKUP:12345678")).toBe("12345678");
    expect(parsePickupCode("tg-pickup:00000001")).toBe("00000001");
    expect(parsePickupCode(" 1234 5678 ")).toBe("12345678");
    expect(parsePickupCode("1234-5678")).toBe("12345678");
    expect(parsePickupCode("１２３４５６７８")).toBe("12345678");
  });
  it("refuses anything that is not exactly eight digits", () => {
    for (const bad of ["", "1234567", "123456789", "TG-PICKUP:", "TG-PICKUP:1234567a", "abcdefgh", "https://example.com/12345678", "TG-ORDER:12345678"]) {
      expect(parsePickupCode(bad), bad).toBeNull();
    }
  });
});

describe("pickupCodeDigest", () => {
  it("is SHA-256 hex of <point>:<code>, as the server computes it", async () => {
    const expected = createHash("sha256").update(`${POINT}:12345678`).digest("hex");
    expect(await pickupCodeDigest(POINT, "12345678")).toBe(expected);
  });
  it("differs per point for the same code", async () => {
    expect(await pickupCodeDigest(POINT, "12345678")).not.toBe(await pickupCodeDigest("pkp_demolakeside00000000", "12345678"));
  });
});

describe("refusalForStatus", () => {
  it("names each reason distinctly", () => {
    expect(refusalForStatus("ready_for_pickup")).toBeNull();
    expect(refusalForStatus("picked_up")).toBe("already_collected");
    expect(refusalForStatus("completed")).toBe("already_collected");
    expect(refusalForStatus("refunding")).toBe("order_refunding");
    expect(refusalForStatus("refunded")).toBe("order_refunded");
    expect(refusalForStatus("cancelled")).toBe("order_cancelled");
    for (const s of ["pending_payment", "paid", "confirmed", "shipped"]) expect(refusalForStatus(s)).toBe("not_arrived");
  });
});

describe("planHandover", () => {
  const lines = [
    { id: "a", quantity: 3, refundedQty: 1, pickedUpQty: 0 },
    { id: "b", quantity: 2, refundedQty: 0, pickedUpQty: 1 },
    { id: "c", quantity: 1, refundedQty: 1, pickedUpQty: 0 },
  ];
  it("counts what remains per line", () => {
    expect(lines.map(remainingQty)).toEqual([2, 1, 0]);
  });
  it("takes every remaining unit by default", () => {
    expect(planHandover(lines)).toEqual({ ok: true, lines: [{ lineId: "a", quantity: 2 }, { lineId: "b", quantity: 1 }], units: 3, completes: true });
  });
  it("takes part of an order; lines at 0 or left out are not collected", () => {
    expect(planHandover(lines, [{ lineId: "a", quantity: 1 }, { lineId: "b", quantity: 0 }])).toEqual({ ok: true, lines: [{ lineId: "a", quantity: 1 }], units: 1, completes: false });
    expect(planHandover(lines, [{ lineId: "a", quantity: 2 }, { lineId: "b", quantity: 1 }])).toMatchObject({ ok: true, completes: true });
  });
  it("refuses unknown lines, duplicates, bad numbers, more than remains, and nothing at all", () => {
    expect(planHandover(lines, [{ lineId: "x", quantity: 1 }])).toEqual({ ok: false, error: { code: "line_unknown", field: "lines[0].lineId" } });
    expect(planHandover(lines, [{ lineId: "a", quantity: 1 }, { lineId: "a", quantity: 1 }])).toEqual({ ok: false, error: { code: "line_duplicate", field: "lines[1].lineId" } });
    expect(planHandover(lines, [{ lineId: "a", quantity: 1.5 }])).toEqual({ ok: false, error: { code: "quantity_invalid", field: "lines[0].quantity" } });
    expect(planHandover(lines, [{ lineId: "a", quantity: -1 }])).toEqual({ ok: false, error: { code: "quantity_invalid", field: "lines[0].quantity" } });
    expect(planHandover(lines, [{ lineId: "b", quantity: 2 }])).toEqual({ ok: false, error: { code: "quantity_over_remaining", field: "lines[0].quantity" } });
    expect(planHandover(lines, [{ lineId: "c", quantity: 0 }])).toEqual({ ok: false, error: { code: "nothing_selected", field: "lines" } });
    expect(planHandover([{ id: "a", quantity: 1, refundedQty: 0, pickedUpQty: 1 }])).toEqual({ ok: false, error: { code: "nothing_selected", field: "lines" } });
  });
});

async function listWith(codes: Record<string, string>): Promise<PickupList> {
  return {
    pickupPointId: POINT,
    generatedAt: 1000,
    orders: [
      {
        orderId: "ord_1",
        digest: await pickupCodeDigest(POINT, codes.one!),
        customerName: "小美",
        phoneMasked: "138****0101",
        door: false,
        readySince: 500,
        lines: [
          { lineId: "l1", title: "草莓", spec: "1 盒", remaining: 2, owed: 2 },
          { lineId: "l2", title: "牛奶", spec: "1 L", remaining: 1, owed: 1 },
        ],
      },
    ],
    others: [
      { digest: await pickupCodeDigest(POINT, codes.shipped!), refusal: "not_arrived" },
      { digest: await pickupCodeDigest(POINT, codes.done!), refusal: "already_collected" },
    ],
    recorded: [],
  };
}

describe("the local pickup list", () => {
  it("matches a code to its order, or says why not, without the network", async () => {
    const list = await listWith({ one: "11111111", shipped: "22222222", done: "33333333" });
    expect(await matchCode(list, "11111111")).toMatchObject({ kind: "order", order: { orderId: "ord_1" } });
    expect(await matchCode(list, "22222222")).toEqual({ kind: "refused", refusal: "not_arrived" });
    expect(await matchCode(list, "33333333")).toEqual({ kind: "refused", refusal: "already_collected" });
    expect(await matchCode(list, "44444444")).toEqual({ kind: "unknown" });
  });

  it("a partial hand-over lowers what remains; the rest closes the order; a replay changes nothing", async () => {
    const list = await listWith({ one: "11111111", shipped: "22222222", done: "33333333" });
    const partial = applyHandoverToList(list, { clientRef: "r1", orderId: "ord_1", lines: [{ lineId: "l1", quantity: 1 }] });
    expect(partial.orders[0]!.lines.map((l) => l.remaining)).toEqual([1, 1]);
    expect(list.orders[0]!.lines.map((l) => l.remaining)).toEqual([2, 1]); // not mutated
    expect(applyHandoverToList(partial, { clientRef: "r1", orderId: "ord_1", lines: [{ lineId: "l1", quantity: 1 }] })).toBe(partial);
    const rest = applyHandoverToList(partial, { clientRef: "r2", orderId: "ord_1", lines: [{ lineId: "l1", quantity: 1 }, { lineId: "l2", quantity: 1 }] });
    expect(rest.orders).toEqual([]);
    expect(await matchCode(rest, "11111111")).toEqual({ kind: "refused", refusal: "already_collected" });
    expect(rest.recorded).toEqual(["r1", "r2"]);
  });

  it("applies the queue on top of the stored list, skipping what the server already recorded", async () => {
    const list = { ...(await listWith({ one: "11111111", shipped: "22222222", done: "33333333" })), recorded: ["synced"] };
    const q = (clientRef: string, quantity: number): QueuedHandover => ({
      clientRef,
      code: "11111111",
      orderId: "ord_1",
      lines: [{ lineId: "l1", quantity }],
      handedAt: 1,
      offline: true,
      customerName: "小美",
      summary: "草莓 × 1",
      attempts: 0,
    });
    expect(withQueueApplied(list, [q("synced", 1), q("new", 1)]).orders[0]!.lines[0]!.remaining).toBe(1);
  });

  it("keeps the newer copy of the same point's list", async () => {
    const a = await listWith({ one: "11111111", shipped: "22222222", done: "33333333" });
    const b = { ...a, generatedAt: 2000 };
    expect(newerList(a, b)).toBe(b);
    expect(newerList(b, a)).toBe(b);
    expect(newerList(null, a)).toBe(a);
    expect(newerList(a, { ...b, pickupPointId: "pkp_other" })).toBe(a);
  });
});

describe("sync", () => {
  it("sorts answers into done, refused for good, retry later and signed out", () => {
    expect(syncDisposition(201)).toBe("done");
    expect(syncDisposition(200)).toBe("done");
    for (const s of [400, 403, 404, 409]) expect(syncDisposition(s)).toBe("refused");
    for (const s of [408, 429, 500, 503]) expect(syncDisposition(s)).toBe("retry");
    expect(syncDisposition(401)).toBe("signed_out");
  });
  it("backs off, capped", () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([5000, 10000, 20000, 40000, 120000]);
  });
});
