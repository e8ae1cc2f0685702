import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { basisPointsOf } from "~/modules/pricing/rounding";
import { ACCOUNTS, balanced, settlementDelta, settlementPostings, splitSettlement, type Posting, type SplitInput } from "./ledger";

const fen = fc.integer({ min: 0, max: 5_000_000 });
const bp = fc.integer({ min: 0, max: 5_000 });
const order = fc.record({
  leaderUserId: fc.option(fc.constantFrom("usr_leader1", "usr_leader2"), { nil: null }),
  platformFeeBp: bp,
  leaderCommissionBp: fc.option(bp, { nil: null }),
  merchants: fc.uniqueArray(fc.record({ merchantId: fc.constantFrom("mch_a", "mch_b", "mch_c"), netSaleFen: fen }), { minLength: 1, maxLength: 3, selector: (m) => m.merchantId }),
});

/** credit − debit per account over postings. */
const balances = (postings: readonly Posting[]) => {
  const out = new Map<string, number>();
  for (const p of postings) out.set(p.account, (out.get(p.account) ?? 0) + p.creditFen - p.debitFen);
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
};

describe("ledger core", () => {
  it("refuses unbalanced or two-sided postings", () => {
    expect(balanced([{ account: ACCOUNTS.payments, kind: "sale", debitFen: 100, creditFen: 0 }, { account: ACCOUNTS.fees, kind: "sale", debitFen: 0, creditFen: 100 }])).toBe(true);
    expect(balanced([{ account: ACCOUNTS.payments, kind: "sale", debitFen: 100, creditFen: 0 }, { account: ACCOUNTS.fees, kind: "sale", debitFen: 0, creditFen: 99 }])).toBe(false);
    expect(balanced([{ account: ACCOUNTS.payments, kind: "sale", debitFen: 5, creditFen: 5 }, { account: ACCOUNTS.fees, kind: "sale", debitFen: 0, creditFen: 0 }])).toBe(false);
    expect(balanced([{ account: ACCOUNTS.payments, kind: "sale", debitFen: -1, creditFen: 0 }, { account: ACCOUNTS.fees, kind: "sale", debitFen: 0, creditFen: -1 }])).toBe(false);
    expect(balanced([])).toBe(false);
  });

  it("a settlement balances, gives every fen of the net sale to someone, and matches the finance pages' figures", () => {
    fc.assert(
      fc.property(order, (input: SplitInput) => {
        const split = splitSettlement(input);
        const total = input.merchants.reduce((a, m) => a + m.netSaleFen, 0);
        for (const m of split.merchants) {
          expect(m.feeFen + m.commissionFen + m.incomeFen).toBe(m.netSaleFen);
          expect(m.incomeFen).toBeGreaterThanOrEqual(0);
          // The merchant page's fee: on its own net sale.
          expect(m.feeFen).toBe(Math.min(basisPointsOf(m.netSaleFen, input.platformFeeBp), m.netSaleFen));
        }
        // The leader page's commission: on the whole order (unless capped by what is left).
        const expected = input.leaderUserId && input.leaderCommissionBp !== null ? basisPointsOf(total, input.leaderCommissionBp) : 0;
        expect(split.commissionFen).toBeLessThanOrEqual(expected);
        // Equal unless the two rates leave (almost) nothing to cap with: then the cap keeps income ≥ 0.
        const roomy = input.platformFeeBp + (input.leaderCommissionBp ?? 0) <= 9_000 && input.merchants.every((m) => m.netSaleFen === 0 || m.netSaleFen >= 20);
        if (roomy) expect(split.commissionFen).toBe(expected);
        const postings = settlementPostings(split);
        if (total > 0) expect(balanced(postings)).toBe(true);
        const b = balances(postings);
        expect((b.get(ACCOUNTS.payments) ?? 0) + total).toBe(0);
        expect(b.get(ACCOUNTS.fees) ?? 0).toBe(split.feeFen);
      }),
    );
  });

  it("a refund after settlement posts the exact difference: settlement + deltas = the split of the final net sale", () => {
    fc.assert(
      fc.property(order, fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 3 }), (input: SplitInput, cutsPct) => {
        let current = input;
        const all: Posting[] = [...settlementPostings(splitSettlement(input))];
        for (const pct of cutsPct) {
          const next = { ...current, merchants: current.merchants.map((m) => ({ ...m, netSaleFen: m.netSaleFen - Math.floor((m.netSaleFen * pct) / 100) })) };
          const delta = settlementDelta(splitSettlement(current), splitSettlement(next));
          if (delta.length) expect(balanced(delta)).toBe(true);
          all.push(...delta);
          current = next;
        }
        expect(balances(all)).toEqual(balances(settlementPostings(splitSettlement(current))));
      }),
    );
  });

  it("a whole refund after settlement returns everything to the clearing account", () => {
    const input: SplitInput = { leaderUserId: "usr_l", platformFeeBp: 500, leaderCommissionBp: 1000, merchants: [{ merchantId: "mch_a", netSaleFen: 3990 }, { merchantId: "mch_b", netSaleFen: 2590 }] };
    const split = splitSettlement(input);
    expect(split).toEqual({
      leaderUserId: "usr_l",
      feeFen: 200 + 130,
      commissionFen: 658,
      merchants: [
        { merchantId: "mch_a", netSaleFen: 3990, feeFen: 200, commissionFen: 399, subsidyFen: 0, incomeFen: 3391 },
        { merchantId: "mch_b", netSaleFen: 2590, feeFen: 130, commissionFen: 259, subsidyFen: 0, incomeFen: 2201 },
      ],
    });
    const zero = splitSettlement({ ...input, merchants: input.merchants.map((m) => ({ ...m, netSaleFen: 0 })) });
    expect(balances([...settlementPostings(split), ...settlementDelta(split, zero)])).toEqual(new Map());
  });

  it("pays the platform-funded discounts to the merchant from the platform's subsidy account, and takes them back with a refund", () => {
    const input: SplitInput = { leaderUserId: "usr_l", platformFeeBp: 500, leaderCommissionBp: 1000, merchants: [{ merchantId: "mch_a", netSaleFen: 3000, subsidyFen: 1000 }] };
    const split = splitSettlement(input);
    // Fee and commission stay on what the shopper paid; the subsidy is passed through whole.
    expect(split.merchants[0]).toEqual({ merchantId: "mch_a", netSaleFen: 3000, feeFen: 150, commissionFen: 300, subsidyFen: 1000, incomeFen: 3000 - 150 - 300 + 1000 });
    const postings = settlementPostings(split);
    expect(balanced(postings)).toBe(true);
    expect(postings).toContainEqual({ account: "platform:subsidies", kind: "subsidy", debitFen: 1000, creditFen: 0 });
    expect(postings).toContainEqual({ account: "merchant:mch_a", kind: "subsidy", debitFen: 0, creditFen: 1000 });
    const refunded = splitSettlement({ ...input, merchants: [{ merchantId: "mch_a", netSaleFen: 0, subsidyFen: 0 }] });
    const back = settlementDelta(split, refunded);
    expect(balanced(back)).toBe(true);
    expect(balances([...postings, ...back]).size).toBe(0);
  });
});
