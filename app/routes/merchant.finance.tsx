import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, requireOwnMerchant, requirePermission, requireRole } from "~/auth/guards.server";
import { Withdrawals } from "~/components/money/withdrawals";
import { translate } from "~/i18n/i18n";
import { formatDate, formatFen } from "~/lib/format";
import { parseYuanToFen, WithdrawalInput } from "~/modules/leaders/withdrawal";
import { parseFinancePeriod } from "~/modules/merchant-orders/finance-period";
import { getMerchantFinance } from "~/modules/merchant-orders/merchant-orders.server";
import { getBalance, requestWithdrawal } from "~/modules/settlement/withdrawals.server";

/**
 * The merchant's finance (UX "Finance"): income per order for a period — settled figures from the
 * ledger, pending ones as settling would post them — the account balance from the ledger, and
 * withdrawals (the store owner requests; the platform's finance team approves and pays out).
 */

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantOrders.finance.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const period = parseFinancePeriod(new URL(request.url).searchParams);
  const [finance, money] = await Promise.all([getMerchantFinance(context, merchant.id, period), getBalance(context, { type: "merchant", merchantId: merchant.id })]);
  return data({ period, ...finance, ...money }, { headers: { "Cache-Control": "private, no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context, request, "request:withdrawal:own");
  const { merchant, staffRole } = await requireOwnMerchant(context, user);
  if (staffRole !== "owner") throw forbidden();
  const submission = parseWithValibot(await request.formData(), { schema: WithdrawalInput });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { amount, method, account } = submission.value;
  const result = await requestWithdrawal(context, { type: "merchant", merchantId: merchant.id }, { userId: user.id, amountFen: parseYuanToFen(amount)!, method, account });
  if (!result.ok) return data({ result: submission.reply({ fieldErrors: { [result.error.field ?? "amount"]: [result.error.code] } }) }, { status: 400 });
  throw redirect(`/merchant/finance?requested=${result.value.id}#withdrawals`);
}

export default function MerchantFinance() {
  const { t, i18n } = useTranslation();
  const { period, rows, totals, afterSalesWindowDays, balance, withdrawals } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const csvHref = `/merchant/finance.csv?${new URLSearchParams(period).toString()}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("merchantOrders.finance.title")}</h1>
      <p role="note" className="rounded-xl bg-price-50 p-3 text-sm text-ink">{t("merchantOrders.finance.ledgerNote")}</p>

      <section aria-labelledby="balance-title" className="card flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="balance-title" className="text-sm text-muted">{t("merchantOrders.finance.available")}</h2>
          <p className="tabular text-2xl font-bold text-brand-800" data-testid="merchant-available">{formatFen(balance.availableFen)}</p>
          <p className="tabular text-xs text-muted">
            {t("merchantOrders.finance.balanceNote", { settled: formatFen(balance.settledFen), paid: formatFen(balance.paidOutFen), standing: formatFen(balance.standingFen), frozen: formatFen(balance.frozenFen) })}
          </p>
        </div>
        <a href="#withdraw" className="btn-primary inline-flex min-h-12 shrink-0 items-center">{t("leaderMoney.withdraw.title")}</a>
      </section>

      <Form method="get" className="card flex flex-wrap items-end gap-3" aria-label={t("merchantOrders.finance.period")}>
        <div>
          <label htmlFor="fin-from" className="field-label">{t("merchantOrders.finance.from")}</label>
          <input id="fin-from" name="from" type="date" defaultValue={period.from} className="field-input" />
        </div>
        <div>
          <label htmlFor="fin-to" className="field-label">{t("merchantOrders.finance.to")}</label>
          <input id="fin-to" name="to" type="date" defaultValue={period.to} className="field-input" />
        </div>
        <button type="submit" className="btn-primary">{t("merchantOrders.finance.show")}</button>
        <a href={csvHref} className="btn-secondary" download>{t("merchantOrders.finance.exportCsv")}</a>
      </Form>

      <section aria-labelledby="totals-title" className="space-y-3">
        <h2 id="totals-title" className="text-lg font-semibold">{t("merchantOrders.finance.totals")}</h2>
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.sale")}</p>
            <p className="tabular text-xl font-bold" data-testid="total-sale">{formatFen(totals.saleFen)}</p>
            <p className="text-xs text-muted">{t("merchantOrders.finance.orders")} <span className="tabular">{totals.orders}</span></p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.refunded")}</p>
            <p className="tabular text-xl font-bold">{formatFen(totals.refundedFen)}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.platformFee")}</p>
            <p className="tabular text-xl font-bold">{formatFen(totals.platformFeeFen)}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.net")}</p>
            <p className="tabular text-xl font-bold text-brand-800" data-testid="total-net">{formatFen(totals.netFen)}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.pending")}</p>
            <p className="tabular text-xl font-bold">{formatFen(totals.pendingFen)}</p>
            <p className="text-xs text-muted">{t("merchantOrders.finance.pendingNote", { days: afterSalesWindowDays })}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.settled")}</p>
            <p className="tabular text-xl font-bold" data-testid="total-settled">{formatFen(totals.settledFen)}</p>
            <p className="text-xs text-muted">{t("merchantOrders.finance.settledNote")}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.leaderCommission")}</p>
            <p className="tabular text-xl font-bold">{formatFen(totals.leaderCommissionFen)}</p>
            <p className="text-xs text-muted">{t("merchantOrders.finance.leaderCommissionNote")}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("merchantOrders.finance.subsidy")}</p>
            <p className="tabular text-xl font-bold" data-testid="total-subsidy">{formatFen(totals.subsidyFen)}</p>
            <p className="text-xs text-muted">{t("merchantOrders.finance.subsidyNote")}</p>
          </div>
        </div>
      </section>

      <section aria-labelledby="per-order-title" className="space-y-2">
        <h2 id="per-order-title" className="text-lg font-semibold">{t("merchantOrders.finance.perOrder")}</h2>
        {rows.length === 0 ? (
          <p className="card text-muted">{t("merchantOrders.finance.empty")}</p>
        ) : (
          <div className="card overflow-x-auto p-0">
            <table className="w-full text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="p-3">{t("merchantOrders.finance.col.order")}</th>
                  <th scope="col" className="p-3">{t("merchantOrders.finance.col.date")}</th>
                  <th scope="col" className="p-3">{t("merchantOrders.finance.col.status")}</th>
                  <th scope="col" className="p-3 text-right">{t("merchantOrders.finance.col.sale")}</th>
                  <th scope="col" className="p-3 text-right">{t("merchantOrders.finance.col.refunded")}</th>
                  <th scope="col" className="p-3 text-right">{t("merchantOrders.finance.col.fee")}</th>
                  <th scope="col" className="p-3 text-right">{t("merchantOrders.finance.col.commission")}</th>
                  <th scope="col" className="p-3 text-right">{t("merchantOrders.finance.col.subsidy")}</th>
                  <th scope="col" className="p-3 text-right">{t("merchantOrders.finance.col.net")}</th>
                  <th scope="col" className="p-3">{t("merchantOrders.finance.col.bucket")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.orderId} className="border-b border-line last:border-0" data-order={r.orderId}>
                    <td className="p-3">
                      <a href={`/merchant/orders/${r.orderId}`} className="inline-flex min-h-11 items-center font-mono text-brand-800 underline">{r.orderId}</a>
                    </td>
                    <td className="tabular p-3">{formatDate(r.createdAt, i18n.language)}</td>
                    <td className="p-3">{t(`merchantOrders.status.${r.status}`)}</td>
                    <td className="tabular p-3 text-right">{formatFen(r.saleFen)}</td>
                    <td className="tabular p-3 text-right">{formatFen(r.refundedFen)}</td>
                    <td className="tabular p-3 text-right">{formatFen(r.platformFeeFen)}</td>
                    <td className="tabular p-3 text-right">{formatFen(r.leaderCommissionFen)}</td>
                    <td className="tabular p-3 text-right">{formatFen(r.subsidyFen)}</td>
                    <td className="tabular p-3 text-right font-semibold">{formatFen(r.netFen)}</td>
                    <td className="p-3">{t(`merchantOrders.finance.bucket.${r.bucket}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <Withdrawals availableFen={balance.availableFen} minWithdrawalFen={balance.minWithdrawalFen} withdrawals={withdrawals} lastResult={actionData?.result} />
    </div>
  );
}
