import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderSettleMessage, parseSettlementMessage, refundSettleMessage, withdrawalPayoutMessage } from "./messages";

const VALID = {
  v: 1,
  kind: "audit.record",
  key: "audit:user.role_granted:usr_123:admin",
  action: "user.role_granted",
  entityType: "user",
  entityId: "usr_123",
  data: { role: "admin", by: "usr_1" },
};

describe("parseSettlementMessage", () => {
  it("accepts a valid v1 audit.record", () => {
    const result = parseSettlementMessage(VALID);
    expect(result.success).toBe(true);
    expect(result.output).toEqual(VALID);
  });

  it("accepts the minimal form without entityId and data", () => {
    const { entityId: _e, data: _d, ...minimal } = VALID;
    expect(parseSettlementMessage(minimal).success).toBe(true);
  });

  it("survives a JSON round trip (as the queue delivers it)", () => {
    expect(parseSettlementMessage(JSON.parse(JSON.stringify(VALID))).success).toBe(true);
  });

  it("rejects another version", () => {
    expect(parseSettlementMessage({ ...VALID, v: 2 }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, v: "1" }).success).toBe(false);
    const { v: _v, ...noVersion } = VALID;
    expect(parseSettlementMessage(noVersion).success).toBe(false);
  });

  it("rejects an unknown or missing kind", () => {
    expect(parseSettlementMessage({ ...VALID, kind: "order.settle.unknown" }).success).toBe(false);
    const { kind: _k, ...noKind } = VALID;
    expect(parseSettlementMessage(noKind).success).toBe(false);
  });

  it("rejects a missing or empty key", () => {
    const { key: _k, ...noKey } = VALID;
    const missing = parseSettlementMessage(noKey);
    expect(missing.success).toBe(false);
    expect(missing.issues?.some((i) => i.path?.[0]?.key === "key")).toBe(true);
    expect(parseSettlementMessage({ ...VALID, key: "" }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, key: "k".repeat(201) }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, key: "k".repeat(200) }).success).toBe(true);
  });

  it("rejects missing action or entityType and over-long fields", () => {
    const { action: _a, ...noAction } = VALID;
    expect(parseSettlementMessage(noAction).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, entityType: "" }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, entityType: "e".repeat(51) }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, entityId: "i".repeat(101) }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, action: "a".repeat(101) }).success).toBe(false);
  });

  it("rejects data that is not a record", () => {
    expect(parseSettlementMessage({ ...VALID, data: "role=admin" }).success).toBe(false);
    expect(parseSettlementMessage({ ...VALID, data: null }).success).toBe(false);
  });

  it("rejects non-objects", () => {
    for (const body of [null, undefined, "audit.record", 1, [], [VALID]]) {
      expect(parseSettlementMessage(body).success).toBe(false);
    }
  });

  it("never throws on arbitrary JSON (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        expect(() => parseSettlementMessage(body)).not.toThrow();
      }),
    );
  });
});

describe("the ledger kinds", () => {
  it("the producers' helpers build valid v1 messages whose key names the business event", () => {
    expect(orderSettleMessage("ord_0123456789abcdefghjk")).toEqual({ v: 1, kind: "order.settle", key: "settle:ord_0123456789abcdefghjk", orderId: "ord_0123456789abcdefghjk" });
    expect(refundSettleMessage("ord_0123456789abcdefghjk", "rfd_0123456789abcdefghjk")).toMatchObject({ kind: "refund.settle", key: "refund:rfd_0123456789abcdefghjk" });
    expect(withdrawalPayoutMessage("wdr_0123456789abcdefghjk")).toMatchObject({ kind: "withdrawal.payout", key: "payout:wdr_0123456789abcdefghjk" });
    for (const m of [orderSettleMessage("ord_a"), refundSettleMessage("ord_a", "rfd_b"), withdrawalPayoutMessage("wdr_c")]) {
      const parsed = parseSettlementMessage(JSON.parse(JSON.stringify(m)));
      expect(parsed.success).toBe(true);
      expect(parsed.output).toEqual(m);
    }
  });

  it("refuses ids of the wrong kind, a key that names another event, and another version", () => {
    expect(parseSettlementMessage({ v: 1, kind: "order.settle", key: "settle:usr_a", orderId: "usr_a" }).success).toBe(false);
    expect(parseSettlementMessage({ v: 1, kind: "order.settle", key: "refund:ord_a", orderId: "ord_a" }).success).toBe(false);
    expect(parseSettlementMessage({ v: 1, kind: "refund.settle", key: "refund:rfd_b", orderId: "ord_a" }).success).toBe(false);
    expect(parseSettlementMessage({ v: 1, kind: "withdrawal.payout", key: "payout:wdr_c", withdrawalId: "wdr_c'; DROP TABLE x" }).success).toBe(false);
    expect(parseSettlementMessage({ v: 2, kind: "order.settle", key: "settle:ord_a", orderId: "ord_a" }).success).toBe(false);
  });
});
