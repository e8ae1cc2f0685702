import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requirePermission, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDate, formatFen } from "~/lib/format";
import { shortOrderId } from "~/modules/leaders/commission";
import { getLeaderCommission } from "~/modules/leaders/commission.server";
import { requestWithdrawal } from "~/modules/settlement/withdrawals.server";
import { Withdrawals } from "~/components/money/withdrawals";
import { parseYuanToFen, WithdrawalInput } from "~/modules/leaders/withdrawal";

/**
 * The leader's commission (UX "Commission"): today / this month, pending vs settled, the available
 * balance from the ledger (settled − paid out − frozen − requested), per day and per order, and
 * withdrawals: requested here, approved by the platform's finance team and paid out through the
 * payout provider (app/modules/settlement).
 */

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leaderMoney.commission.title")} · ${translate(locale, "app.name")}` }];
};

function pageOf(url: URL): number {
  const raw = url.searchParams.get("page");
  return raw && /^[1-9]\d{0,3}$/.test(raw) ? Number(raw) : 1;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  return getLeaderCommission(context, { pointId: point.id, userId: user.id }, { page: pageOf(new URL(request.url)) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context, request, "request:withdrawal:own");
  const point = await requireOwnPickupPoint(context, user);
  const submission = parseWithValibot(await request.formData(), { schema: WithdrawalInput });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { amount, method, account } = submission.value;
  const result = await requestWithdrawal(context, { type: "leader", pointId: point.id, userId: user.id }, { userId: user.id, amountFen: parseYuanToFen(amount)!, method, account });
  if (!result.ok) return data({ result: submission.reply({ fieldErrors: { [result.error.field ?? "amount"]: [result.error.code] } }) }, { status: 400 });
  throw redirect(`/leader/commission?requested=${result.value.id}#withdrawals`);
}

const cell = "px-2 py-3";
const num = `${cell} tabular text-right whitespace-nowrap`;

export default function LeaderCommission() {
  const { t, i18n } = useTranslation();
  const c = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("leaderMoney.commission.title")}</h1>
      <p role="note" className="rounded-xl bg-price-50 p-3 text-sm text-ink">
        {t("leaderMoney.commission.ledgerNote", { days: c.frozenDays })}
      </p>

      <section aria-labelledby="overview-title" className="space-y-3">
        <h2 id="overview-title" className="sr-only">
          {t("leaderMoney.commission.overview")}
        </h2>
        <div className="grid grid-cols-2 gap-3">
          <div className="card">
            <p className="text-sm text-muted">{t("leaderMoney.commission.today")}</p>
            <p className="tabular text-2xl font-bold text-brand-800" data-testid="commission-today">
              {formatFen(c.summary.todayFen)}
            </p>
            <p className="tabular text-sm text-muted">{t("leaderMoney.commission.orders", { count: c.summary.todayOrders })}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("leaderMoney.commission.month")}</p>
            <p className="tabular text-2xl font-bold" data-testid="commission-month">
              {formatFen(c.summary.monthFen)}
            </p>
            <p className="tabular text-sm text-muted">{t("leaderMoney.commission.orders", { count: c.summary.monthOrders })}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("leaderMoney.commission.pending")}</p>
            <p className="tabular text-xl font-bold" data-testid="commission-pending">
              {formatFen(c.pendingFen)}
            </p>
            <p className="text-xs text-muted">{t("leaderMoney.commission.pendingNote")}</p>
          </div>
          <div className="card">
            <p className="text-sm text-muted">{t("leaderMoney.commission.settled")}</p>
            <p className="tabular text-xl font-bold" data-testid="commission-settled">
              {formatFen(c.settledFen)}
            </p>
            <p className="text-xs text-muted">{t("leaderMoney.commission.settledNote")}</p>
          </div>
          <div className="card col-span-2 flex items-center justify-between gap-3">
            <div>
              <p className="text-sm text-muted">{t("leaderMoney.commission.available")}</p>
              <p className="tabular text-2xl font-bold text-brand-800" data-testid="commission-available">
                {formatFen(c.availableFen)}
              </p>
              <p className="tabular text-xs text-muted">{t("leaderMoney.commission.availableNote", { settled: formatFen(c.settledFen), paid: formatFen(c.paidOutFen), standing: formatFen(c.standingFen), frozen: formatFen(c.frozenFen) })}</p>
            </div>
            <a href="#withdraw" className="btn-primary inline-flex min-h-12 shrink-0 items-center">
              {t("leaderMoney.withdraw.title")}
            </a>
          </div>
        </div>
      </section>

      <section aria-labelledby="per-day-title" className="space-y-2">
        <h2 id="per-day-title" className="text-lg font-semibold">
          {t("leaderMoney.commission.perDay")}
        </h2>
        {c.summary.perDay.length === 0 ? (
          <p className="card text-sm text-muted">{t("leaderMoney.commission.perDayEmpty")}</p>
        ) : (
          <div className="card overflow-x-auto p-0">
            <table className="w-full text-left text-sm" data-testid="commission-per-day">
              <thead>
                <tr className="border-b border-line text-muted">
                  <th scope="col" className={cell}>{t("leaderMoney.commission.col.date")}</th>
                  <th scope="col" className={`${cell} text-right`}>{t("leaderMoney.commission.col.orders")}</th>
                  <th scope="col" className={`${cell} text-right`}>{t("leaderMoney.commission.col.sale")}</th>
                  <th scope="col" className={`${cell} text-right`}>{t("leaderMoney.commission.col.commission")}</th>
                </tr>
              </thead>
              <tbody>
                {c.summary.perDay.map((d) => (
                  <tr key={d.date} className="border-b border-line last:border-0" data-date={d.date}>
                    <th scope="row" className={`${cell} tabular font-normal whitespace-nowrap`}>
                      <time dateTime={d.date}>{d.date === c.summary.today ? t("leaderMoney.commission.todayShort") : d.date.slice(5)}</time>
                    </th>
                    <td className={num}>{d.orders}</td>
                    <td className={num}>{formatFen(d.netSaleFen)}</td>
                    <td className={`${num} font-semibold`}>{formatFen(d.commissionFen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="per-order-title" className="space-y-2">
        <h2 id="per-order-title" className="text-lg font-semibold">
          {t("leaderMoney.commission.perOrder")}
        </h2>
        {c.orders.length === 0 ? (
          <p className="card text-sm text-muted">{t("leaderMoney.commission.perOrderEmpty")}</p>
        ) : (
          <div className="card overflow-x-auto p-0">
            <table className="w-full text-left text-sm" data-testid="commission-per-order">
              <thead>
                <tr className="border-b border-line text-muted">
                  <th scope="col" className={cell}>{t("leaderMoney.commission.col.order")}</th>
                  <th scope="col" className={`${cell} text-right`}>{t("leaderMoney.commission.col.amount")}</th>
                  <th scope="col" className={`${cell} text-right`}>{t("leaderMoney.commission.col.commission")}</th>
                  <th scope="col" className={cell}>{t("leaderMoney.commission.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {c.orders.map((o) => (
                  <tr key={o.orderId} className="border-b border-line last:border-0" data-order={o.orderId}>
                    <th scope="row" className={`${cell} font-normal`}>
                      <span className="font-mono" title={t("leaderMoney.commission.orderTitle", { id: o.orderId })}>
                        {shortOrderId(o.orderId)}
                      </span>
                      <span className="block tabular text-xs text-muted">{formatDate(o.createdAt, i18n.language)}</span>
                    </th>
                    <td className={num}>{formatFen(o.netSaleFen)}</td>
                    <td className={`${num} font-semibold`}>{formatFen(o.commissionFen)}</td>
                    <td className={cell}>
                      <span className={o.bucket === "settled" ? "text-brand-800" : o.bucket === "pending" ? "text-ink" : "text-muted"}>{t(`leaderMoney.commission.bucket.${o.bucket}`)}</span>
                      <span className="block text-xs text-muted">{t(`merchantOrders.status.${o.status}`)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {c.page > 1 || c.hasNextPage ? (
          <nav className="flex items-center justify-between" aria-label={t("leaderMoney.commission.perOrder")}>
            {c.page > 1 ? (
              <Link to={`?page=${c.page - 1}`} className="btn-secondary inline-flex min-h-12 items-center" preventScrollReset>
                {t("leaderMoney.commission.newer")}
              </Link>
            ) : (
              <span />
            )}
            <span className="tabular text-sm text-muted">{t("leaderMoney.commission.pageOf", { page: c.page })}</span>
            {c.hasNextPage ? (
              <Link to={`?page=${c.page + 1}`} className="btn-secondary inline-flex min-h-12 items-center" preventScrollReset>
                {t("leaderMoney.commission.older")}
              </Link>
            ) : (
              <span />
            )}
          </nav>
        ) : null}
      </section>

      <Withdrawals availableFen={c.availableFen} minWithdrawalFen={c.minWithdrawalFen} withdrawals={c.withdrawals} lastResult={actionData?.result} />
    </div>
  );
}
