import { commissionBpOf } from "~/modules/leaders/commission";
import { orderRateBps } from "~/modules/settings/order-rates";
import { splitSettlement, type SettlementSplit } from "./ledger";

/**
 * The split of one order as the ledger settles it, from what the order stores: its `rates`
 * snapshot (platform fee and blended leader commission in force when it was placed, ADR 015), its
 * pickup point's leader, and its net sale per merchant. Merchants are taken in id order (the
 * order the consumer reads them in), so the largest-remainder allocation of the commission is the
 * same wherever the split is computed (consumer, demo seed, tests).
 */
export function orderSplit(input: { leaderUserId: string | null; rates: string | object; merchants: ReadonlyArray<{ merchantId: string; netSaleFen: number; subsidyFen?: number }> }): SettlementSplit {
  const rates = input.rates;
  return splitSettlement({
    leaderUserId: input.leaderUserId,
    platformFeeBp: orderRateBps(rates).platformFeeBp,
    leaderCommissionBp: commissionBpOf(rates as Parameters<typeof commissionBpOf>[0]),
    merchants: [...input.merchants].sort((a, b) => (a.merchantId < b.merchantId ? -1 : a.merchantId > b.merchantId ? 1 : 0)),
  });
}

/**
 * The platform-funded discount of a line still owed to its merchant after refunds: all of it
 * while nothing is refunded, none once the whole payable is, and in between in proportion to
 * what is left, rounded down (refunded / payable of it is taken back). A line the shopper paid
 * nothing for keeps all of it.
 */
export function lineSubsidyFen(line: { payableFen: number; refundedFen?: number; platformFundedFen?: number }): number {
  const funded = Math.max(0, line.platformFundedFen ?? 0);
  const payable = Math.max(0, line.payableFen);
  if (funded === 0 || payable === 0) return funded;
  const refunded = Math.min(Math.max(0, line.refundedFen ?? 0), payable);
  return funded - Math.floor((funded * refunded) / payable);
}

/** The same rule in SQL over `order_lines` columns (the settlement reads it in its one round trip). */
export const LINE_SUBSIDY_SQL = `(CASE WHEN max(0, payable_fen) = 0 THEN max(0, platform_funded_fen)
  ELSE max(0, platform_funded_fen) - (max(0, platform_funded_fen) * min(max(0, refunded_fen), max(0, payable_fen))) / max(0, payable_fen) END)`;

/** Net sale and subsidy per merchant of an order's lines: Σ payable − Σ refunded (each refund clamped to its line), Σ lineSubsidyFen. */
export function netSalesByMerchant(
  lines: ReadonlyArray<{ merchantId: string; payableFen: number; refundedFen?: number; platformFundedFen?: number }>,
): Array<{ merchantId: string; netSaleFen: number; subsidyFen: number }> {
  const byMerchant = new Map<string, { net: number; subsidy: number }>();
  for (const l of lines) {
    const payable = Math.max(0, l.payableFen);
    const m = byMerchant.get(l.merchantId) ?? { net: 0, subsidy: 0 };
    m.net += payable - Math.min(Math.max(0, l.refundedFen ?? 0), payable);
    m.subsidy += lineSubsidyFen(l);
    byMerchant.set(l.merchantId, m);
  }
  return [...byMerchant].map(([merchantId, m]) => ({ merchantId, netSaleFen: m.net, subsidyFen: m.subsidy }));
}
