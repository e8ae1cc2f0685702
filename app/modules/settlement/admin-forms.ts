import * as v from "valibot";
import { DIFFERENCE_KINDS, type DifferenceKind } from "./reconcile.server";
import { WITHDRAWAL_TABS, type WithdrawalTab } from "./withdrawals.server";

/**
 * The finance admin pages' forms and URL parameters (withdrawals, reconciliation, dead letters):
 * valibot schemas whose messages are error codes the pages translate (`adminFinance.errors.*`).
 * For loaders and actions only (it reads the settlement modules' constants).
 */

export const WITHDRAWAL_ID = /^wdr_[a-z0-9]{20}$/;
export const RUN_ID = /^rcn_[a-z0-9]{20}$/;
export const DEAD_LETTER_ID = /^dlq_[a-z0-9]{20}$/;

export const REJECT_REASON_MAX = 200;

/** A form field that may be missing altogether (a missing key reads as empty, so it gets the field's own message). */
const field = <S extends v.GenericSchema<string, string>>(schema: S) => v.optional(schema, "");

const WithdrawalId = field(v.pipe(v.string("withdrawal_required"), v.nonEmpty("withdrawal_required"), v.check((s) => s === "" || WITHDRAWAL_ID.test(s), "withdrawal_invalid")));

/** Approve, or reject with a reason (1–200 characters after trimming), one requested withdrawal. */
export const DecideWithdrawalInput = v.variant(
  "intent",
  [
    v.object({ intent: v.literal("approve"), withdrawalId: WithdrawalId }),
    v.object({
      intent: v.literal("reject"),
      withdrawalId: WithdrawalId,
      reason: field(v.pipe(v.string("reason_required"), v.trim(), v.nonEmpty("reason_required"), v.maxLength(REJECT_REASON_MAX, "reason_too_long"))),
    }),
  ],
  "intent_invalid",
);
export type DecideWithdrawalInput = v.InferOutput<typeof DecideWithdrawalInput>;

export const RedriveInput = v.object({
  intent: field(v.literal("redrive", "intent_invalid")),
  deadLetterId: field(v.pipe(v.string("dead_letter_required"), v.nonEmpty("dead_letter_required"), v.check((s) => s === "" || DEAD_LETTER_ID.test(s), "dead_letter_invalid"))),
});

export const RunReconciliationInput = v.object({ intent: field(v.literal("run-now", "intent_invalid")) });

/** The withdrawal tab in the URL (`?status=`); anything else is the queue of requests. */
export function parseWithdrawalTab(value: string | null): WithdrawalTab {
  return (WITHDRAWAL_TABS as readonly string[]).includes(value ?? "") ? (value as WithdrawalTab) : "requested";
}

export function isDifferenceKind(kind: string): kind is DifferenceKind {
  return (DIFFERENCE_KINDS as readonly string[]).includes(kind);
}

/** Field errors of a failed parse, keyed by field name, form-level ones under "". */
export function fieldErrors(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): Record<string, string[] | undefined> {
  const flat = v.flatten(issues);
  return { ...(flat.nested as Record<string, string[] | undefined> | undefined), "": flat.root };
}
