import { allocateProportionally, basisPointsOf } from "~/modules/pricing";

/**
 * The double-entry ledger's pure core (issue 9, SPEC §7). Money is integer fen; every transaction
 * balances (Σ debits = Σ credits), which `balanced` checks before anything is written and a test
 * checks over every transaction in the database.
 *
 * Accounts are named by kind and owner:
 * - `clearing:payments` — money shoppers paid that the platform holds until it is settled;
 * - `platform:fees` — the platform's fee income;
 * - `platform:subsidies` — what the platform paid for platform-funded discounts (member discount,
 *   platform coupons and full-reductions, points): its debit balance is that cost;
 * - `merchant:<merchantId>` — what the platform owes a merchant (its income, less payouts);
 * - `leader:<userId>` — what the platform owes a leader (commission, less payouts);
 * - `clearing:payouts` — money on its way out to merchants and leaders through the payout provider.
 *
 * Liabilities to merchants and leaders grow by credits; a settlement moves an order's net sale
 * from the clearing account to the merchant, then the fee from the merchant to the platform and
 * the commission from the merchant to the leader, and the platform-funded discounts on the
 * merchant's lines from the platform to the merchant; a refund after settlement moves the difference
 * back (see `postingsToReach`); a payout debits the owner.
 */
export type Account = `clearing:payments` | `clearing:payouts` | `platform:fees` | `platform:subsidies` | `merchant:${string}` | `leader:${string}`;

export const ACCOUNTS = {
  payments: "clearing:payments",
  payouts: "clearing:payouts",
  fees: "platform:fees",
  subsidies: "platform:subsidies",
  merchant: (merchantId: string): Account => `merchant:${merchantId}`,
  leader: (userId: string): Account => `leader:${userId}`,
} as const;

/**
 * What a posting is for, so statements can say it without reading the other side: the net sale
 * moving to the merchant, the platform fee and the leader's commission moving out of the
 * merchant's income, the platform paying the merchant for a discount it funded, a payout leaving
 * its owner's account.
 */
export const POSTING_KINDS = ["sale", "fee", "commission", "subsidy", "payout"] as const;
export type PostingKind = (typeof POSTING_KINDS)[number];

export interface Posting {
  account: Account;
  kind: PostingKind;
  debitFen: number;
  creditFen: number;
}

const isFen = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Every posting one-sided and non-negative, and the debits equal the credits. */
export function balanced(postings: readonly Posting[]): boolean {
  let debit = 0;
  let credit = 0;
  for (const p of postings) {
    if (!isFen(p.debitFen) || !isFen(p.creditFen) || (p.debitFen > 0) === (p.creditFen > 0)) return false;
    debit += p.debitFen;
    credit += p.creditFen;
  }
  return postings.length >= 2 && debit === credit;
}

/** One order's money as settled: per merchant, its net sale and what it pays out of it. */
export interface SettlementSplit {
  /** The leader paid a commission on this order, or null (no leader, or no commission rate). */
  leaderUserId: string | null;
  feeFen: number;
  commissionFen: number;
  /** incomeFen = netSaleFen − feeFen − commissionFen + subsidyFen. */
  merchants: Array<{ merchantId: string; netSaleFen: number; feeFen: number; commissionFen: number; subsidyFen: number; incomeFen: number }>;
}

export interface SplitInput {
  leaderUserId: string | null;
  platformFeeBp: number;
  /** The order's leader commission rate (the blend of its lines' rates, from the order's snapshot). */
  leaderCommissionBp: number | null;
  /**
   * Net sale per merchant: Σ line payable − Σ line refunded, each ≥ 0; and the platform-funded
   * discounts on its lines still owed (`subsidyFen`, default 0: what is left after refunds).
   */
  merchants: ReadonlyArray<{ merchantId: string; netSaleFen: number; subsidyFen?: number }>;
}

/**
 * The split of an order's net sale. The platform fee is computed per merchant (each merchant's
 * fee is on its own sales, as its finance page shows it). The leader's commission is computed on
 * the whole order (as the leader's commission page shows it) and borne by the merchants in
 * proportion to their net sales (the pricing module's largest-remainder allocation), so each figure matches the page that shows
 * it to the fen. Income = net sale − fee − commission share, never negative (both rates ≤ 100%
 * together is enforced by the settings; here a share is capped at what is left).
 */
export function splitSettlement(input: SplitInput): SettlementSplit {
  const nets = input.merchants.map((m) => m.netSaleFen);
  if (!nets.every(isFen)) throw new RangeError("splitSettlement: net sales must be non-negative integers");
  const orderNet = nets.reduce((a, b) => a + b, 0);
  const fees = nets.map((n) => basisPointsOf(n, input.platformFeeBp));
  const commissionTotal = input.leaderUserId && input.leaderCommissionBp !== null ? basisPointsOf(orderNet, input.leaderCommissionBp) : 0;
  const shares = input.merchants.length ? allocateProportionally(commissionTotal, nets) : [];
  const merchants = input.merchants.map((m, i) => {
    const fee = Math.min(fees[i]!, m.netSaleFen);
    const commission = Math.min(shares[i]!, m.netSaleFen - fee);
    const subsidy = m.subsidyFen ?? 0;
    if (!isFen(subsidy)) throw new RangeError("splitSettlement: subsidies must be non-negative integers");
    return { merchantId: m.merchantId, netSaleFen: m.netSaleFen, feeFen: fee, commissionFen: commission, subsidyFen: subsidy, incomeFen: m.netSaleFen - fee - commission + subsidy };
  });
  return {
    leaderUserId: commissionTotal > 0 ? input.leaderUserId : null,
    feeFen: merchants.reduce((a, m) => a + m.feeFen, 0),
    commissionFen: merchants.reduce((a, m) => a + m.commissionFen, 0),
    merchants,
  };
}

/** `<kind> <account>`: the key movements are summed under. */
type MovementKey = `${PostingKind} ${Account}`;

/**
 * Net amount per (kind, account) — credit − debit — that a split moves: the net sale from the
 * payments clearing account to each merchant, then each merchant's fee to the platform and its
 * share of the commission to the leader (textbook double entry: every step balances by itself).
 */
function movements(split: SettlementSplit): Map<MovementKey, number> {
  const out = new Map<MovementKey, number>();
  const add = (kind: PostingKind, a: Account, fen: number) => out.set(`${kind} ${a}`, (out.get(`${kind} ${a}`) ?? 0) + fen);
  for (const m of split.merchants) {
    const merchant = ACCOUNTS.merchant(m.merchantId);
    add("sale", ACCOUNTS.payments, -m.netSaleFen);
    add("sale", merchant, m.netSaleFen);
    add("fee", merchant, -m.feeFen);
    add("fee", ACCOUNTS.fees, m.feeFen);
    if (split.leaderUserId) {
      add("commission", merchant, -m.commissionFen);
      add("commission", ACCOUNTS.leader(split.leaderUserId), m.commissionFen);
    }
    add("subsidy", ACCOUNTS.subsidies, -m.subsidyFen);
    add("subsidy", merchant, m.subsidyFen);
  }
  return out;
}

function toPostings(net: Map<MovementKey, number>): Posting[] {
  return [...net]
    .filter(([, fen]) => fen !== 0)
    .map(([key, fen]) => {
      const space = key.indexOf(" ");
      return { kind: key.slice(0, space) as PostingKind, account: key.slice(space + 1) as Account, debitFen: fen < 0 ? -fen : 0, creditFen: fen > 0 ? fen : 0 };
    });
}

/** A payout of `amountFen` to the owner of `account`: debit the owner, credit the payouts clearing account. */
export function payoutPostings(account: Account, amountFen: number): Posting[] {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new RangeError("payoutPostings: amount must be a positive integer");
  return [
    { account, kind: "payout", debitFen: amountFen, creditFen: 0 },
    { account: ACCOUNTS.payouts, kind: "payout", debitFen: 0, creditFen: amountFen },
  ];
}

/** The postings that settle an order: debit the clearing account, credit merchants, leader and platform. */
export function settlementPostings(split: SettlementSplit): Posting[] {
  return toPostings(movements(split));
}

/**
 * What a refund after settlement posts: the difference between the split before and after it,
 * account by account (a clawback of fee and commission in proportion, done exactly by
 * recomputing). Summing the order's settlement and every delta gives the split of its final net
 * sale, so the ledger always agrees with the finance pages.
 */
export function settlementDelta(before: SettlementSplit, after: SettlementSplit): Posting[] {
  return postingsToReach(settlementPostings(before), after);
}

/**
 * The postings that bring an order's ledger from what it holds now (`current`: every posting of
 * its earlier transactions) to the split `target`, per (kind, account). This is how the consumer
 * settles and re-settles: the first settlement starts from nothing; a refund after settlement
 * posts only the difference; a message that finds the ledger already at the target posts nothing.
 */
export function postingsToReach(current: ReadonlyArray<Pick<Posting, "account" | "kind" | "debitFen" | "creditFen">>, target: SettlementSplit): Posting[] {
  const net = movements(target);
  for (const p of current) {
    const key: MovementKey = `${p.kind} ${p.account}`;
    net.set(key, (net.get(key) ?? 0) - (p.creditFen - p.debitFen));
  }
  return toPostings(net);
}
