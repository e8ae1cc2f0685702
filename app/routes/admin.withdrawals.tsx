import { data, type HeadersFunction, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getAdminAccess, requirePermission } from "~/auth/guards.server";
import { hasPermission } from "~/auth/permissions";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { DecideWithdrawalInput, fieldErrors, parseWithdrawalTab } from "~/modules/settlement/admin-forms";
import { ADMIN_WITHDRAWALS_PAGE, decideWithdrawal, listWithdrawalsForAdmin, WITHDRAWAL_TABS } from "~/modules/settlement/withdrawals.server";

/**
 * /admin/withdrawals: the withdrawal queue by status (`?status=`, requests first), each with its
 * payee, amount, masked account and the payee's ledger balance. A finance admin approves a request
 * (the payout is queued and paid by the settlement consumer) or rejects it with a reason. Viewing
 * needs `read:finance:any`; deciding needs `manage:payouts:any`. Plain forms: works without JS.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminFinance.withdrawals.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "adminFinance.errors";
const NO_STORE = { "Cache-Control": "private, no-store" };
/** The page itself (not only its data requests) holds money and account details: never cached. */
export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:finance:any");
  const status = parseWithdrawalTab(new URL(request.url).searchParams.get("status"));
  const [list, canDecide] = await Promise.all([
    listWithdrawalsForAdmin(context, status),
    getAdminAccess(context, admin).then((access) => hasPermission(admin.roles, access, "manage:payouts:any")),
  ]);
  return data({ ...list, status, tabs: WITHDRAWAL_TABS, max: ADMIN_WITHDRAWALS_PAGE, canDecide, locale: resolveLocale(request) }, { headers: NO_STORE });
}

type FieldErrorMap = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "manage:payouts:any");
  const form = Object.fromEntries(await request.formData());
  const withdrawalId = typeof form.withdrawalId === "string" ? form.withdrawalId : null;
  const parsed = v.safeParse(DecideWithdrawalInput, form);
  if (!parsed.success) return data({ withdrawalId, errors: fieldErrors(parsed.issues) as FieldErrorMap, done: null }, { status: 400, headers: NO_STORE });
  const input = parsed.output;
  const decided = await decideWithdrawal(context, {
    adminUserId: admin.id,
    withdrawalId: input.withdrawalId,
    decision: input.intent,
    reason: input.intent === "reject" ? input.reason : undefined,
  });
  if (!decided.ok) {
    const notFound = decided.error.code === "not_found";
    const errors: FieldErrorMap = { withdrawalId: [notFound ? "withdrawal_not_found" : "already_decided"] };
    return data({ withdrawalId, errors, done: null }, { status: notFound ? 404 : 409, headers: NO_STORE });
  }
  return data({ withdrawalId, errors: null as FieldErrorMap | null, done: decided.value.status }, { headers: NO_STORE });
}

const th = "p-2 text-left font-medium whitespace-nowrap";
const td = "p-2 align-top";

export default function AdminWithdrawals() {
  const { t } = useTranslation();
  const { items, totals, status, tabs, max, canDecide, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const requested = status === "requested";
  // A failed payout's reason is the provider's code; a rejection's is the admin's own words.
  const reasonText = (s: string, reason: string | null) =>
    !reason ? t("adminFinance.none") : s === "failed" && /^[a-z_]+$/.test(reason) ? t(`adminFinance.withdrawals.failReasons.${reason}`, { defaultValue: reason }) : reason;
  const decided = status !== "requested";
  // An error about a withdrawal no longer in the list (decided meanwhile, or an unknown id) shows at the top.
  const strayErrors = actionData?.errors && !items.some((w) => w.id === actionData.withdrawalId) ? Object.values(actionData.errors).flatMap((e) => e ?? []) : null;
  return (
    <div className="max-w-7xl space-y-5">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("adminFinance.withdrawals.title")}</h1>
        <p className="text-sm text-muted">{t("adminFinance.withdrawals.intro")}</p>
      </header>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`adminFinance.withdrawals.done.${actionData.done}`)}
        </p>
      ) : null}
      {strayErrors?.length ? <FormErrors id="withdrawal-errors" errors={strayErrors} errorScope={SCOPE} /> : null}
      {canDecide ? null : <p className="rounded-xl bg-surface p-3 text-sm text-muted">{t("adminFinance.withdrawals.readOnly")}</p>}

      <nav aria-label={t("adminFinance.withdrawals.tabs")}>
        <ul className="flex flex-wrap gap-2">
          {tabs.map((tab) => {
            const current = tab === status;
            return (
              <li key={tab}>
                <Link
                  to={`?status=${tab}`}
                  aria-current={current ? "page" : undefined}
                  className={`flex min-h-11 flex-col justify-center rounded-xl border px-4 py-1 text-sm ${current ? "border-brand-600 bg-brand-50 text-brand-800" : "border-line bg-white text-ink hover:bg-surface"}`}
                  data-tab={tab}
                >
                  <span className="font-semibold">{t(`adminFinance.withdrawals.status.${tab}`)}</span>
                  <span className="tabular text-xs text-muted">{t("adminFinance.withdrawals.tabSummary", { count: totals[tab].count, amount: formatFen(totals[tab].fen) })}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      <section aria-labelledby="list-title" className="space-y-3">
        <h2 id="list-title" className="text-lg font-semibold">
          {t(`adminFinance.withdrawals.status.${status}`)}
        </h2>
        {items.length === 0 ? (
          <p className="card text-muted">{t(`adminFinance.withdrawals.empty.${status}`)}</p>
        ) : (
          <>
            <p className="text-sm text-muted">{t("adminFinance.withdrawals.shown", { count: items.length, max })}</p>
            <div className="max-h-[48rem] overflow-auto rounded-2xl bg-white shadow-sm" tabIndex={0} role="region" aria-labelledby="list-title">
              <table className="w-full min-w-[72rem] text-sm">
                <thead className="sticky top-0 z-10 bg-white">
                  <tr className="border-b border-line">
                    <th scope="col" className={th}>{t("adminFinance.withdrawals.col.owner")}</th>
                    <th scope="col" className={th}>{t("adminFinance.withdrawals.col.requester")}</th>
                    <th scope="col" className={`${th} text-right`}>{t("adminFinance.withdrawals.col.amount")}</th>
                    <th scope="col" className={th}>
                      {t("adminFinance.withdrawals.col.method")} / {t("adminFinance.withdrawals.col.account")}
                    </th>
                    <th scope="col" className={th}>{t("adminFinance.withdrawals.col.requestedAt")}</th>
                    <th scope="col" className={`${th} text-right`}>{t("adminFinance.withdrawals.col.balance")}</th>
                    {decided ? <th scope="col" className={th}>{t("adminFinance.withdrawals.col.decidedAt")}</th> : null}
                    {status === "paid" ? <th scope="col" className={th}>{t("adminFinance.withdrawals.col.paidAt")}</th> : null}
                    {status === "paid" ? <th scope="col" className={th}>{t("adminFinance.withdrawals.col.payoutRef")}</th> : null}
                    {status === "failed" || status === "rejected" ? <th scope="col" className={th}>{t("adminFinance.withdrawals.col.reason")}</th> : null}
                    {requested && canDecide ? <th scope="col" className={th}>{t("adminFinance.withdrawals.col.actions")}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((w) => {
                    const mine = actionData?.withdrawalId === w.id;
                    const reasonErrors = mine ? actionData?.errors?.reason : undefined;
                    const otherErrors = mine ? [...(actionData?.errors?.withdrawalId ?? []), ...(actionData?.errors?.intent ?? []), ...(actionData?.errors?.[""] ?? [])] : undefined;
                    const amount = formatFen(w.amountFen);
                    const short = w.ledgerBalanceFen < w.amountFen && (w.status === "requested" || w.status === "approved");
                    return (
                      <tr key={w.id} id={w.id} className="border-b border-line last:border-0" data-withdrawal-id={w.id}>
                        <th scope="row" className={`${td} text-left font-medium`}>
                          <span className="block">{w.ownerName}</span>
                          <span className={`mt-1 inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${w.accountType === "leader" ? "bg-brand-50 text-brand-800" : "bg-surface text-ink"}`}>
                            {t(`adminFinance.withdrawals.ownerType.${w.accountType}`)}
                          </span>
                          <span className="block font-mono text-xs font-normal text-muted">{w.id}</span>
                        </th>
                        <td className={td}>{w.requester ?? t("adminFinance.none")}</td>
                        <td className={`${td} tabular text-right font-semibold whitespace-nowrap`}>{amount}</td>
                        <td className={td}>
                          <span className="block">{t(`adminFinance.withdrawals.methods.${w.method}`)}</span>
                          <span className="tabular font-mono text-xs">{w.account}</span>
                        </td>
                        <td className={`${td} tabular whitespace-nowrap`}>{formatDateTime(w.createdAt, locale)}</td>
                        <td className={`${td} tabular text-right whitespace-nowrap`}>
                          {formatFen(w.ledgerBalanceFen)}
                          {short ? <span className="block text-xs text-danger">{t("adminFinance.withdrawals.balanceShort")}</span> : null}
                        </td>
                        {decided ? <td className={`${td} tabular whitespace-nowrap`}>{w.decidedAt ? formatDateTime(w.decidedAt, locale) : t("adminFinance.none")}</td> : null}
                        {status === "paid" ? <td className={`${td} tabular whitespace-nowrap`}>{w.paidAt ? formatDateTime(w.paidAt, locale) : t("adminFinance.none")}</td> : null}
                        {status === "paid" ? <td className={`${td} font-mono text-xs break-all`}>{w.payoutRef ?? t("adminFinance.none")}</td> : null}
                        {status === "failed" || status === "rejected" ? (
                          <td className={`${td} max-w-xs break-words`}>{reasonText(w.status, w.reason)}</td>
                        ) : null}
                        {requested && canDecide ? (
                          <td className={`${td} min-w-[20rem]`}>
                            <FormErrors id={`wd-${w.id}-errors`} errors={otherErrors} errorScope={SCOPE} />
                            <div className="flex flex-col gap-3">
                              <Form method="post">
                                <input type="hidden" name="intent" value="approve" />
                                <input type="hidden" name="withdrawalId" value={w.id} />
                                <button type="submit" className="btn-primary" disabled={busy} aria-label={t("adminFinance.withdrawals.approveLabel", { owner: w.ownerName, amount })}>
                                  {t("adminFinance.withdrawals.approve")}
                                </button>
                              </Form>
                              <Form method="post" className="flex flex-col gap-2">
                                <input type="hidden" name="intent" value="reject" />
                                <input type="hidden" name="withdrawalId" value={w.id} />
                                <label htmlFor={`reason-${w.id}`} className="field-label">
                                  {t("adminFinance.withdrawals.reason")}
                                </label>
                                <textarea
                                  id={`reason-${w.id}`}
                                  name="reason"
                                  rows={2}
                                  required
                                  maxLength={200}
                                  className="field-input py-2"
                                  aria-invalid={reasonErrors?.length ? true : undefined}
                                  aria-describedby={`reason-${w.id}-hint${reasonErrors?.length ? ` reason-${w.id}-error` : ""}`}
                                />
                                <p id={`reason-${w.id}-hint`} className="text-xs text-muted">
                                  {t("adminFinance.withdrawals.reasonHint")}
                                </p>
                                <FieldErrors id={`reason-${w.id}-error`} errors={reasonErrors} errorScope={SCOPE} />
                                <button type="submit" className="btn-secondary self-start" disabled={busy} aria-label={t("adminFinance.withdrawals.rejectLabel", { owner: w.ownerName, amount })}>
                                  {t("adminFinance.withdrawals.reject")}
                                </button>
                              </Form>
                            </div>
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
