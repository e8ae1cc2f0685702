import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { translate } from "~/i18n/i18n";
import { DecideWithdrawalInput, fieldErrors, isDifferenceKind, parseWithdrawalTab, RedriveInput, RunReconciliationInput } from "./admin-forms";
import { DIFFERENCE_KINDS } from "./reconcile.server";
import { WITHDRAWAL_TABS } from "./withdrawals.server";

const WDR = "wdr_0123456789abcdefghij";

const errorsOf = (schema: Parameters<typeof v.safeParse>[0], input: unknown) => {
  const parsed = v.safeParse(schema, input);
  return parsed.success ? null : fieldErrors(parsed.issues);
};

describe("DecideWithdrawalInput", () => {
  it("takes an approval without a reason and a rejection with a trimmed one", () => {
    expect(v.parse(DecideWithdrawalInput, { intent: "approve", withdrawalId: WDR })).toEqual({ intent: "approve", withdrawalId: WDR });
    expect(v.parse(DecideWithdrawalInput, { intent: "reject", withdrawalId: WDR, reason: "  账号有误 " })).toEqual({ intent: "reject", withdrawalId: WDR, reason: "账号有误" });
    expect(v.parse(DecideWithdrawalInput, { intent: "reject", withdrawalId: WDR, reason: "x" }).intent).toBe("reject");
  });

  it.each([
    [{ intent: "reject", withdrawalId: WDR }, "reason", "reason_required"],
    [{ intent: "reject", withdrawalId: WDR, reason: "   " }, "reason", "reason_required"],
    [{ intent: "reject", withdrawalId: WDR, reason: "字".repeat(201) }, "reason", "reason_too_long"],
    [{ intent: "approve", withdrawalId: "wdr_x" }, "withdrawalId", "withdrawal_invalid"],
    [{ intent: "approve", withdrawalId: "WDR_0123456789ABCDEFGHIJ" }, "withdrawalId", "withdrawal_invalid"],
    [{ intent: "approve" }, "withdrawalId", "withdrawal_required"],
  ])("refuses %j on %s with %s", (input, field, code) => {
    expect(errorsOf(DecideWithdrawalInput, input)?.[field]).toEqual([code]);
  });

  it("refuses an unknown intent", () => {
    const errors = errorsOf(DecideWithdrawalInput, { intent: "pay", withdrawalId: WDR });
    expect(Object.values(errors ?? {}).flat()).toContain("intent_invalid");
  });

  it("accepts a reason of exactly 200 characters", () => {
    expect(v.safeParse(DecideWithdrawalInput, { intent: "reject", withdrawalId: WDR, reason: "字".repeat(200) }).success).toBe(true);
  });
});

describe("the other finance forms", () => {
  it("re-drive needs a dead letter id", () => {
    expect(v.safeParse(RedriveInput, { intent: "redrive", deadLetterId: "dlq_0123456789abcdefghij" }).success).toBe(true);
    expect(errorsOf(RedriveInput, { intent: "redrive", deadLetterId: "dlq_1" })?.deadLetterId).toEqual(["dead_letter_invalid"]);
    expect(errorsOf(RedriveInput, { intent: "other", deadLetterId: "dlq_0123456789abcdefghij" })?.intent).toEqual(["intent_invalid"]);
  });

  it("run now has one intent", () => {
    expect(v.safeParse(RunReconciliationInput, { intent: "run-now" }).success).toBe(true);
    expect(errorsOf(RunReconciliationInput, {})?.intent).toEqual(["intent_invalid"]);
  });

  it("reads the withdrawal tab, defaulting to the requests", () => {
    expect(parseWithdrawalTab("paid")).toBe("paid");
    expect(parseWithdrawalTab(null)).toBe("requested");
    expect(parseWithdrawalTab("all")).toBe("requested");
  });

  it("knows the difference kinds", () => {
    expect(isDifferenceKind("negative_balance")).toBe(true);
    expect(isDifferenceKind("nope")).toBe(false);
  });
});

describe("the finance pages' words", () => {
  const codes = ["intent_invalid", "withdrawal_required", "withdrawal_invalid", "withdrawal_not_found", "already_decided", "reason_required", "reason_too_long", "dead_letter_required", "dead_letter_invalid", "dead_letter_not_found", "already_redriven", "invalid_message", "run_invalid", "run_not_found"];
  it.each(["zh-CN", "en"])("every error code, status, tab and difference kind has a %s text", (locale) => {
    const keys = [
      ...codes.map((c) => `adminFinance.errors.${c}`),
      ...WITHDRAWAL_TABS.flatMap((s) => [`adminFinance.withdrawals.status.${s}`, `adminFinance.withdrawals.empty.${s}`]),
      ...DIFFERENCE_KINDS.flatMap((k) => [`adminFinance.reconciliation.kind.${k}`, `adminFinance.reconciliation.explain.${k}`]),
    ];
    for (const key of keys) expect(translate(locale, key, { defaultValue: "" }), key).not.toBe("");
  });
});
