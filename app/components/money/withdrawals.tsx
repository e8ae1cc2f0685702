import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithValibot } from "@conform-to/valibot";
import { Form, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, formatFen } from "~/lib/format";
import { PAYOUT_METHODS, WITHDRAWAL_INTENT, WithdrawalInput, type PayoutMethod } from "~/modules/leaders/withdrawal";

export interface WithdrawalItem {
  id: string;
  amountFen: number;
  method: PayoutMethod;
  account: string;
  status: string;
  reason: string | null;
  createdAt: number;
  paidAt?: number | null;
}

/**
 * The withdrawal request form and the requester's withdrawals, shared by the leader's Commission
 * page and the merchant's Finance page (the action of each page takes the request, with the
 * `request:withdrawal:own` permission, against the requester's ledger balance). Works without
 * JavaScript; with it, fields are checked as they are left.
 */
export function Withdrawals(props: { availableFen: number; minWithdrawalFen: number; withdrawals: readonly WithdrawalItem[]; lastResult?: SubmissionResult<string[]> }) {
  const { availableFen, minWithdrawalFen, withdrawals } = props;
  const { t, i18n } = useTranslation();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const requested = withdrawals.find((w) => w.id === params.get("requested"));
  const [form, fields] = useForm({
    id: "withdraw-form",
    lastResult: props.lastResult,
    defaultValue: { method: "wechat" },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: WithdrawalInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const values = { min: formatFen(minWithdrawalFen), available: formatFen(availableFen) };
  const errorText = (key: string) => t(`leaderMoney.errors.${key}`, { ...values, defaultValue: t("leaderMoney.errors.generic") });
  const amountProps = getInputProps(fields.amount, { type: "text", ariaAttributes: true });
  const accountProps = getInputProps(fields.account, { type: "text", ariaAttributes: true });
  return (
    <>
    <section id="withdraw" aria-labelledby="withdraw-title" className="card space-y-4">
      <h2 id="withdraw-title" className="text-lg font-semibold">
        {t("leaderMoney.withdraw.title")}
      </h2>
      <p className="text-sm text-muted">{t("leaderMoney.withdraw.note")}</p>
      {availableFen < minWithdrawalFen ? <p className="rounded-xl bg-surface p-3 text-sm">{t("leaderMoney.withdraw.nothing")}</p> : null}
      {/* A fresh, empty form once a request has gone in (the page stays mounted across the redirect). */}
      <Form method="post" {...getFormProps(form)} key={requested?.id ?? "new"} className="space-y-4" preventScrollReset>
        <input type="hidden" name="intent" value={WITHDRAWAL_INTENT} />
        {form.errors?.length ? (
          <div id={form.errorId} role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
            {form.errors.map((e) => (
              <p key={e}>{errorText(e)}</p>
            ))}
          </div>
        ) : null}
        <div>
          <label htmlFor={fields.amount.id} className="field-label">
            {t("leaderMoney.withdraw.amount")}
          </label>
          <input
            {...amountProps}
            key={amountProps.key}
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.00"
            className="field-input min-h-12 tabular text-lg"
            aria-describedby={[fields.amount.errors?.length ? fields.amount.errorId : undefined, "withdraw-amount-hint"].filter(Boolean).join(" ")}
          />
          <p id="withdraw-amount-hint" className="mt-1 tabular text-sm text-muted">
            {t("leaderMoney.withdraw.amountHint", values)}
          </p>
          {fields.amount.errors?.length ? (
            <div id={fields.amount.errorId} className="field-error" role="alert">
              {fields.amount.errors.map((e) => (
                <p key={e}>{errorText(e)}</p>
              ))}
            </div>
          ) : null}
        </div>
        <fieldset aria-describedby={fields.method.errors?.length ? fields.method.errorId : undefined}>
          <legend className="field-label">{t("leaderMoney.withdraw.method")}</legend>
          <div className="grid grid-cols-3 gap-2">
            {PAYOUT_METHODS.map((m) => (
              <label key={m} className="flex min-h-12 cursor-pointer items-center justify-center gap-2 rounded-xl border border-line px-2 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
                <input type="radio" name={fields.method.name} value={m} defaultChecked={fields.method.initialValue === m} className="size-5" />
                <span>{t(`leaderMoney.withdraw.methods.${m}`)}</span>
              </label>
            ))}
          </div>
          {fields.method.errors?.length ? (
            <div id={fields.method.errorId} className="field-error" role="alert">
              {fields.method.errors.map((e) => (
                <p key={e}>{errorText(e)}</p>
              ))}
            </div>
          ) : null}
        </fieldset>
        <div>
          <label htmlFor={fields.account.id} className="field-label">
            {t("leaderMoney.withdraw.account")}
          </label>
          <input
            {...accountProps}
            key={accountProps.key}
            autoComplete="off"
            spellCheck={false}
            className="field-input min-h-12"
            aria-describedby={[fields.account.errors?.length ? fields.account.errorId : undefined, "withdraw-account-hint"].filter(Boolean).join(" ")}
          />
          <p id="withdraw-account-hint" className="mt-1 text-sm text-muted">
            {t("leaderMoney.withdraw.accountHint")}
          </p>
          {fields.account.errors?.length ? (
            <div id={fields.account.errorId} className="field-error" role="alert">
              {fields.account.errors.map((e) => (
                <p key={e}>{errorText(e)}</p>
              ))}
            </div>
          ) : null}
        </div>
        <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
          {t("leaderMoney.withdraw.submit")}
        </button>
      </Form>
    </section>

    <section id="withdrawals" aria-labelledby="withdrawals-title" className="space-y-2">
      <h2 id="withdrawals-title" className="text-lg font-semibold">
        {t("leaderMoney.withdraw.list")}
      </h2>
      {requested ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("leaderMoney.withdraw.submitted", { amount: formatFen(requested.amountFen) })}
        </p>
      ) : null}
      {withdrawals.length === 0 ? (
        <p className="card text-sm text-muted">{t("leaderMoney.withdraw.listEmpty")}</p>
      ) : (
        <ul className="card divide-y divide-line p-0" data-testid="withdrawals">
          {withdrawals.map((w) => (
            <li key={w.id} className="flex items-start justify-between gap-3 p-3" data-withdrawal={w.id}>
              <div className="min-w-0">
                <p className="tabular text-lg font-semibold">{formatFen(w.amountFen)}</p>
                <p className="text-sm text-muted">
                  {t(`leaderMoney.withdraw.methods.${w.method}`)} · <span className="font-mono">{w.account}</span>
                </p>
                <p className="tabular text-xs text-muted">{formatDate(w.createdAt, i18n.language)}</p>
                {w.reason ? <p className="text-sm">{t("leaderMoney.withdraw.reason", { reason: w.reason })}</p> : null}
              </div>
              <span
                className={`shrink-0 rounded-full px-3 py-1 text-sm font-semibold ${w.status === "rejected" || w.status === "failed" ? "bg-danger-50 text-danger" : w.status === "paid" ? "bg-brand-50 text-brand-800" : "bg-surface text-ink"}`}
                data-testid="withdrawal-status"
              >
                {t(`leaderMoney.withdraw.status.${w.status}`)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
    </>
  );
}
