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
export function orderSplit(input: { leaderUserId: string | null; rates: string | object; merchants: ReadonlyArray<{ merchantId: string; netSaleFen: number }> }): SettlementSplit {
  const rates = input.rates;
  return splitSettlement({
    leaderUserId: input.leaderUserId,
    platformFeeBp: orderRateBps(rates).platformFeeBp,
    leaderCommissionBp: commissionBpOf(rates as Parameters<typeof commissionBpOf>[0]),
    merchants: [...input.merchants].sort((a, b) => (a.merchantId < b.merchantId ? -1 : a.merchantId > b.merchantId ? 1 : 0)),
  });
}

/** Net sale per merchant of an order's lines: Σ payable − Σ refunded (each refund clamped to its line). */
export function netSalesByMerchant(lines: ReadonlyArray<{ merchantId: string; payableFen: number; refundedFen?: number }>): Array<{ merchantId: string; netSaleFen: number }> {
  const byMerchant = new Map<string, number>();
  for (const l of lines) {
    const payable = Math.max(0, l.payableFen);
    byMerchant.set(l.merchantId, (byMerchant.get(l.merchantId) ?? 0) + payable - Math.min(Math.max(0, l.refundedFen ?? 0), payable));
  }
  return [...byMerchant].map(([merchantId, netSaleFen]) => ({ merchantId, netSaleFen }));
}
