import { data, type HeadersFunction, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import Download from "lucide-react/icons/download";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getAdminAccess, requirePermission } from "~/auth/guards.server";
import { hasPermission } from "~/auth/permissions";
import { FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { businessDateOf } from "~/modules/fulfilment/business-date";
import { fieldErrors, RUN_ID, RunReconciliationInput } from "~/modules/settlement/admin-forms";
import { DIFFERENCE_KINDS, getReconciliationPage, runReconciliation } from "~/modules/settlement/reconcile.server";

/**
 * /admin/reconciliation: the ledger's balances by account group, the latest 30 reconciliation runs
 * and one run's differences (`?run=`, the latest by default) with each kind explained, a CSV of
 * them, and "Run now" (today's business date, `manage:payouts:any`), which redirects to the new run.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminFinance.reconciliation.title")} · ${translate(locale, "app.name")}` }];
};

const NO_STORE = { "Cache-Control": "private, no-store" };
/** The page itself (not only its data requests) holds money and account details: never cached. */
export const headers: HeadersFunction = () => NO_STORE;
const SCOPE = "adminFinance.errors";

/** The account groups in the order money moves through them. */
const GROUPS = ["clearing:payments", "merchants", "leaders", "platform:fees", "clearing:payouts"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:finance:any");
  const requested = new URL(request.url).searchParams.get("run");
  const malformed = requested !== null && requested !== "" && !RUN_ID.test(requested);
  const [page, canRun] = await Promise.all([
    getReconciliationPage(context, requested && !malformed ? requested : null),
    getAdminAccess(context, admin).then((access) => hasPermission(admin.roles, access, "manage:payouts:any")),
  ]);
  const notFound = Boolean(requested) && !malformed && page.selectedRunId === null;
  const error = malformed ? "run_invalid" : notFound ? "run_not_found" : null;
  const known = new Map(page.balances.map((b) => [b.group, b]));
  const balances = [...GROUPS, ...page.balances.map((b) => b.group).filter((g) => !GROUPS.includes(g))].map(
    (group) => known.get(group) ?? { group, debitFen: 0, creditFen: 0, balanceFen: 0, accounts: 0 },
  );
  return data(
    { ...page, balances, error, canRun, today: businessDateOf(Date.now()), kinds: DIFFERENCE_KINDS, locale: resolveLocale(request) },
    { status: malformed ? 400 : notFound ? 404 : 200, headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "manage:payouts:any");
  const parsed = v.safeParse(RunReconciliationInput, Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ errors: fieldErrors(parsed.issues) }, { status: 400, headers: NO_STORE });
  const run = await runReconciliation(context, { businessDate: businessDateOf(Date.now()), trigger: "admin", actorUserId: admin.id });
  throw redirect(`/admin/reconciliation?run=${run.runId}`);
}

const th = "p-2 text-left font-medium whitespace-nowrap";
const num = "p-2 tabular text-right whitespace-nowrap";

export default function AdminReconciliation() {
  const { t } = useTranslation();
  const { runs, selectedRunId, selectedRun, differences, balances, error, canRun, today, kinds, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const total = balances.reduce((s, b) => ({ debitFen: s.debitFen + b.debitFen, creditFen: s.creditFen + b.creditFen }), { debitFen: 0, creditFen: 0 });
  const imbalance = total.creditFen - total.debitFen;
  const groupLabel = (group: string) => t(`adminFinance.reconciliation.groups.${group.replace(":", "_")}`, { defaultValue: group });
  const actionErrors = actionData?.errors ? Object.values(actionData.errors).flatMap((e) => e ?? []) : null;
  const present = kinds.filter((k) => differences.some((d) => d.kind === k));
  const money = (fen: number | null) => (fen === null ? t("adminFinance.none") : formatFen(fen));
  return (
    <div className="max-w-7xl space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("adminFinance.reconciliation.title")}</h1>
        <p className="text-sm text-muted">{t("adminFinance.reconciliation.intro")}</p>
      </header>
      {error ? <FormErrors id="run-error" errors={[error]} errorScope={SCOPE} /> : null}

      <section aria-labelledby="balances-title" className="card space-y-3">
        <h2 id="balances-title" className="text-lg font-semibold">
          {t("adminFinance.reconciliation.balances")}
        </h2>
        <p className="text-sm text-muted">{t("adminFinance.reconciliation.balancesIntro")}</p>
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-labelledby="balances-title">
          <table className="w-full min-w-[40rem] text-sm">
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className={th}>{t("adminFinance.reconciliation.col.group")}</th>
                <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.col.debit")}</th>
                <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.col.credit")}</th>
                <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.col.balance")}</th>
                <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.col.accounts")}</th>
              </tr>
            </thead>
            <tbody>
              {balances.map((b) => (
                <tr key={b.group} className="border-b border-line" data-group={b.group}>
                  <th scope="row" className="p-2 text-left font-normal">
                    {groupLabel(b.group)}
                  </th>
                  <td className={num}>{formatFen(b.debitFen)}</td>
                  <td className={num}>{formatFen(b.creditFen)}</td>
                  <td className={`${num} font-semibold ${b.balanceFen < 0 ? "text-danger" : ""}`}>{formatFen(b.balanceFen)}</td>
                  <td className={num}>{b.accounts}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="font-semibold">
                <th scope="row" className="p-2 text-left">
                  {t("adminFinance.reconciliation.total")}
                </th>
                <td className={num}>{formatFen(total.debitFen)}</td>
                <td className={num}>{formatFen(total.creditFen)}</td>
                <td className={num}>
                  {imbalance === 0 ? (
                    <span className="rounded-full bg-brand-50 px-2 py-0.5 text-brand-800">{t("adminFinance.reconciliation.balancedOk")}</span>
                  ) : (
                    <span className="text-danger">{t("adminFinance.reconciliation.balancedBad", { amount: formatFen(imbalance) })}</span>
                  )}
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
        {total.debitFen === 0 && total.creditFen === 0 ? <p className="text-sm text-muted">{t("adminFinance.reconciliation.balancesEmpty")}</p> : null}
      </section>

      <section aria-labelledby="runs-title" className="card space-y-3">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h2 id="runs-title" className="text-lg font-semibold">
            {t("adminFinance.reconciliation.runs")}
          </h2>
          {canRun ? (
            <Form method="post" className="flex flex-col items-end gap-1">
              <input type="hidden" name="intent" value="run-now" />
              <button type="submit" className="btn-primary" disabled={busy} aria-describedby="run-now-hint">
                {t("adminFinance.reconciliation.runNow")}
              </button>
              <p id="run-now-hint" className="max-w-xs text-right text-xs text-muted">
                {t("adminFinance.reconciliation.runNowHint", { date: today })}
              </p>
            </Form>
          ) : (
            <p className="text-sm text-muted">{t("adminFinance.reconciliation.runNowReadOnly")}</p>
          )}
        </div>
        {actionErrors?.length ? <FormErrors id="run-now-errors" errors={actionErrors} errorScope={SCOPE} /> : null}
        {runs.length === 0 ? (
          <p className="text-muted">{t("adminFinance.reconciliation.runsEmpty")}</p>
        ) : (
          <div className="max-h-[28rem] overflow-auto" tabIndex={0} role="region" aria-labelledby="runs-title">
            <table className="w-full min-w-[48rem] text-sm">
              <thead className="sticky top-0 z-10 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className={th}>{t("adminFinance.reconciliation.runCol.date")}</th>
                  <th scope="col" className={th}>{t("adminFinance.reconciliation.runCol.trigger")}</th>
                  <th scope="col" className={th}>{t("adminFinance.reconciliation.runCol.createdAt")}</th>
                  <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.runCol.orders")}</th>
                  <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.runCol.transactions")}</th>
                  <th scope="col" className={th}>{t("adminFinance.reconciliation.runCol.differences")}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => {
                  const current = r.id === selectedRunId;
                  return (
                    <tr key={r.id} className={`border-b border-line last:border-0 ${current ? "bg-brand-50" : ""}`} data-run-id={r.id}>
                      <th scope="row" className="p-2 text-left font-medium">
                        <Link
                          to={`?run=${r.id}`}
                          className="tabular text-brand-800 underline-offset-2 hover:underline"
                          aria-current={current ? "true" : undefined}
                          aria-label={t("adminFinance.reconciliation.view", { date: r.businessDate })}
                        >
                          {r.businessDate}
                        </Link>
                        {current ? <span className="sr-only"> ({t("adminFinance.reconciliation.selected")})</span> : null}
                      </th>
                      <td className="p-2">{t(`adminFinance.reconciliation.trigger.${r.trigger}`, { defaultValue: r.trigger })}</td>
                      <td className="tabular p-2 whitespace-nowrap">{formatDateTime(r.createdAt, locale)}</td>
                      <td className={num}>{r.ordersChecked.toLocaleString("en-US")}</td>
                      <td className={num}>{r.transactionsChecked.toLocaleString("en-US")}</td>
                      <td className="p-2">
                        {r.differences === 0 ? (
                          <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-800">{t("adminFinance.reconciliation.noDifferences")}</span>
                        ) : (
                          <span className="tabular rounded-full bg-danger-50 px-2 py-0.5 text-xs font-semibold text-danger">{t("adminFinance.reconciliation.differenceCount", { count: r.differences })}</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {selectedRun ? (
        <section aria-labelledby="details-title" className="card space-y-3" data-selected-run={selectedRun.id}>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id="details-title" className="text-lg font-semibold">
              {t("adminFinance.reconciliation.details", { date: selectedRun.businessDate, time: formatDateTime(selectedRun.createdAt, locale) })}
            </h2>
            <a href={`/admin/reconciliation.csv?run=${selectedRun.id}`} className="btn-secondary inline-flex items-center gap-2" download>
              <Download aria-hidden className="size-4" />
              {t("adminFinance.reconciliation.download")}
            </a>
          </div>
          {/* What each kind means: open above the table for the kinds this run found, every kind otherwise. */}
          <details className="rounded-xl bg-surface px-3 text-sm" open={present.length > 0}>
            <summary className="min-h-11 cursor-pointer py-2 font-medium text-brand-800">{t("adminFinance.reconciliation.legend")}</summary>
            <dl className="space-y-2 pb-3">
              {(present.length ? present : kinds).map((k) => (
                <div key={k}>
                  <dt className="font-semibold">
                    {t(`adminFinance.reconciliation.kind.${k}`)} <span className="font-mono text-xs font-normal text-muted">{k}</span>
                  </dt>
                  <dd className="text-muted">{t(`adminFinance.reconciliation.explain.${k}`)}</dd>
                </div>
              ))}
            </dl>
          </details>
          {differences.length === 0 ? (
            <p>
              <span className="rounded-full bg-brand-50 px-2 py-0.5 text-sm font-semibold text-brand-800">{t("adminFinance.reconciliation.noDifferences")}</span>{" "}
              <span className="text-sm text-muted">{t("adminFinance.reconciliation.detailsEmpty")}</span>
            </p>
          ) : (
            <>
              {selectedRun.differences > differences.length ? (
                <p className="text-sm text-muted">{t("adminFinance.reconciliation.detailsTruncated", { count: selectedRun.differences, shown: differences.length })}</p>
              ) : null}
              <div className="max-h-[40rem] overflow-auto rounded-xl border border-line" tabIndex={0} role="region" aria-labelledby="details-title">
                <table className="w-full min-w-[56rem] text-sm">
                  <thead className="sticky top-0 z-10 bg-white">
                    <tr className="border-b border-line">
                      <th scope="col" className={th}>{t("adminFinance.reconciliation.diffCol.kind")}</th>
                      <th scope="col" className={th}>{t("adminFinance.reconciliation.diffCol.entity")}</th>
                      <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.diffCol.expected")}</th>
                      <th scope="col" className={`${th} text-right`}>{t("adminFinance.reconciliation.diffCol.actual")}</th>
                      <th scope="col" className={th}>{t("adminFinance.reconciliation.diffCol.detail")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {differences.map((d) => (
                      <tr key={d.seq} className="border-b border-line align-top last:border-0" data-difference={d.kind}>
                        <th scope="row" className="p-2 text-left font-medium">
                          <span className="block">{t(`adminFinance.reconciliation.kind.${d.kind}`, { defaultValue: d.kind })}</span>
                          <span className="font-mono text-xs font-normal text-muted">{d.kind}</span>
                        </th>
                        <td className="p-2">
                          <span className="block">{t(`adminFinance.reconciliation.entityType.${d.entityType}`, { defaultValue: d.entityType })}</span>
                          <span className="font-mono text-xs break-all">{d.entityId}</span>
                        </td>
                        <td className={num}>{money(d.expectedFen)}</td>
                        <td className={`${num} font-semibold`}>{money(d.actualFen)}</td>
                        <td className="p-2 font-mono text-xs break-all">{d.detail ?? t("adminFinance.none")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      ) : null}
    </div>
  );
}
