import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANCELLABLE, ORDER_EVENTS, ORDER_STATUSES, TERMINAL, TRANSITIONS, transition, type OrderStatus } from "./state-machine";

describe("order state machine", () => {
  it("walks the happy path from payment to completion", () => {
    let s: OrderStatus = "pending_payment";
    for (const [event, to] of [
      ["pay", "paid"],
      ["cut_off", "confirmed"],
      ["ship", "shipped"],
      ["arrive", "ready_for_pickup"],
      ["pick_up", "picked_up"],
      ["complete", "completed"],
    ] as const) {
      const r = transition(s, event);
      expect(r).toEqual({ ok: true, to });
      s = to;
    }
  });

  it("terminal statuses have no way out", () => {
    for (const s of TERMINAL) for (const e of ORDER_EVENTS) expect(transition(s, e).ok).toBe(false);
  });

  it("cancellation is possible only before shipping", () => {
    for (const s of ORDER_STATUSES) expect(transition(s, "cancel").ok).toBe(CANCELLABLE.has(s));
  });

  it("refuses paying twice, shipping unpaid orders, and picking up before arrival", () => {
    expect(transition("paid", "pay").ok).toBe(false);
    expect(transition("pending_payment", "ship").ok).toBe(false);
    expect(transition("shipped", "pick_up").ok).toBe(false);
  });

  it("every target is a known status and every terminal status is reachable", () => {
    const reachable = new Set<OrderStatus>(["pending_payment"]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of [...reachable]) for (const to of Object.values(TRANSITIONS[s])) if (to && !reachable.has(to)) (reachable.add(to), (grew = true));
    }
    expect([...reachable].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it("any sequence of events keeps the order in a known status", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_EVENTS), { maxLength: 30 }), (events) => {
        let s: OrderStatus = "pending_payment";
        for (const e of events) {
          const r = transition(s, e);
          if (r.ok) s = r.to;
        }
        expect(ORDER_STATUSES).toContain(s);
      }),
    );
  });

  it("uncollected goods: only a ready_for_pickup order can be returned, to refunding (then refunded) or completed", () => {
    expect(transition("ready_for_pickup", "return_uncollected")).toEqual({ ok: true, to: "refunding" });
    expect(transition("refunding", "refund_succeeded")).toEqual({ ok: true, to: "refunded" });
    expect(transition("ready_for_pickup", "forfeit_uncollected")).toEqual({ ok: true, to: "completed" });
    for (const s of ORDER_STATUSES) {
      if (s === "ready_for_pickup") continue;
      expect(transition(s, "return_uncollected").ok, s).toBe(false);
      expect(transition(s, "forfeit_uncollected").ok, s).toBe(false);
    }
    // Once returned, the goods cannot be handed over any more.
    expect(transition("refunding", "pick_up").ok).toBe(false);
    expect(transition("completed", "pick_up").ok).toBe(false);
  });
});
