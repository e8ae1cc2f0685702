import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { businessDate } from "~/modules/merchant-orders/dates";
import {
  countMerchantOrdersByTab,
  getMerchantOrderFilterOptions,
  getMerchantOrderSummary,
  listMerchantOrders,
} from "~/modules/merchant-orders/merchant-orders.server";
import { MERCHANT_ORDER_TAB_KEYS, parseMerchantOrderFilters, type MerchantOrderTab } from "~/modules/merchant-orders/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchantOrders.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const filters = parseMerchantOrderFilters(new URL(request.url).searchParams);
  const [list, counts, options, summary] = await Promise.all([
    listMerchantOrders(context, merchant.id, filters),
    countMerchantOrdersByTab(context, merchant.id, filters),
    getMerchantOrderFilterOptions(context, merchant.id),
    getMerchantOrderSummary(context, merchant.id, businessDate(Date.now())),
  ]);
  const pendingRefunds = await countMerchantOrdersByTab(context, merchant.id, {});
  return { filters, list, counts, options, summary: { ...summary, pendingRefunds: pendingRefunds.refund_requested } };
}

export default function MerchantOrders() {
  const { t, i18n } = useTranslation();
  const { filters, list, counts, options, summary } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const tab: MerchantOrderTab = filters.tab ?? "all";
  const withParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const s = next.toString();
    return s ? `?${s}` : "?";
  };
  const anyFilter = Boolean(filters.from || filters.to || filters.point || filters.product || filters.q);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("merchantOrders.title")}</h1>

      <section className="grid grid-cols-1 gap-3 sm:grid-cols-3" aria-label={t("merchantOrders.title")}>
        <div className="card">
          <p className="text-sm text-muted">{t("merchantOrders.summary.today")}</p>
          <p className="tabular text-2xl font-bold">{summary.todayOrders}</p>
        </div>
        <div className="card">
          <p className="text-sm text-muted">{t("merchantOrders.summary.todaySale")}</p>
          <p className="tabular text-2xl font-bold">{formatFen(summary.todaySaleFen)}</p>
        </div>
        <Link to="?tab=refund_requested" className="card block hover:bg-surface">
          <p className="text-sm text-muted">{t("merchantOrders.summary.pendingRefunds")}</p>
          <p className={`tabular text-2xl font-bold ${summary.pendingRefunds > 0 ? "text-price" : ""}`}>{summary.pendingRefunds}</p>
        </Link>
      </section>

      <Form method="get" className="card" aria-label={t("merchantOrders.filters.legend")}>
        <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6">
          <legend className="sr-only">{t("merchantOrders.filters.legend")}</legend>
          {filters.tab ? <input type="hidden" name="tab" value={filters.tab} /> : null}
          <div>
            <label htmlFor="f-from" className="field-label">{t("merchantOrders.filters.from")}</label>
            <input id="f-from" name="from" type="date" defaultValue={filters.from ?? ""} className="field-input" />
          </div>
          <div>
            <label htmlFor="f-to" className="field-label">{t("merchantOrders.filters.to")}</label>
            <input id="f-to" name="to" type="date" defaultValue={filters.to ?? ""} className="field-input" />
          </div>
          <div>
            <label htmlFor="f-point" className="field-label">{t("merchantOrders.filters.point")}</label>
            <select id="f-point" name="point" defaultValue={filters.point ?? ""} className="field-input">
              <option value="">{t("merchantOrders.filters.any")}</option>
              {options.points.map((p) => (
                <option key={p.id} value={p.id}>{p.name}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-product" className="field-label">{t("merchantOrders.filters.product")}</label>
            <select id="f-product" name="product" defaultValue={filters.product ?? ""} className="field-input">
              <option value="">{t("merchantOrders.filters.any")}</option>
              {options.products.map((p) => (
                <option key={p.id} value={p.id}>{p.title}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-q" className="field-label">{t("merchantOrders.filters.q")}</label>
            <input id="f-q" name="q" type="search" defaultValue={filters.q ?? ""} placeholder={t("merchantOrders.filters.qPlaceholder")} className="field-input" autoComplete="off" />
          </div>
          <div className="flex items-end gap-2">
            <button type="submit" className="btn-primary">{t("merchantOrders.filters.apply")}</button>
            {anyFilter ? (
              <Link to={filters.tab ? `?tab=${filters.tab}` : "?"} className="btn-secondary">{t("merchantOrders.filters.reset")}</Link>
            ) : null}
          </div>
        </fieldset>
      </Form>

      <nav aria-label={t("merchantOrders.tabsLabel")}>
        <ul className="flex gap-1 overflow-x-auto">
          {MERCHANT_ORDER_TAB_KEYS.map((key) => (
            <li key={key}>
              <Link
                to={withParams({ tab: key === "all" ? null : key, page: null })}
                aria-current={key === tab ? "page" : undefined}
                className={`flex min-h-11 items-center gap-1 whitespace-nowrap rounded-lg px-3 text-sm ${key === tab ? "bg-brand-50 font-semibold text-brand-800" : "text-ink hover:bg-surface"}`}
              >
                {t(`merchantOrders.tab.${key}`)}
                <span className="tabular rounded-full bg-surface px-2 text-xs">{counts[key]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {list.orders.length === 0 ? (
        <p className="card text-muted">{anyFilter || tab !== "all" ? t("merchantOrders.empty") : t("merchantOrders.emptyAll")}</p>
      ) : (
        <div className="card overflow-x-auto p-0">
          <table className="w-full text-left text-sm">
            <thead className="sticky top-0 bg-white">
              <tr className="border-b border-line">
                <th scope="col" className="p-3">{t("merchantOrders.col.order")}</th>
                <th scope="col" className="p-3">{t("merchantOrders.col.placed")}</th>
                <th scope="col" className="p-3">{t("merchantOrders.col.point")}</th>
                <th scope="col" className="p-3">{t("merchantOrders.col.items")}</th>
                <th scope="col" className="p-3 text-right">{t("merchantOrders.col.sale")}</th>
                <th scope="col" className="p-3">{t("merchantOrders.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {list.orders.map((o) => (
                <tr key={o.id} className="border-b border-line align-top last:border-0">
                  <td className="p-3">
                    <Link to={`/merchant/orders/${o.id}`} className="inline-flex min-h-11 items-center font-mono text-brand-800 underline">
                      {o.id}
                    </Link>
                  </td>
                  <td className="tabular p-3">{formatDateTime(o.createdAt, i18n.language)}</td>
                  <td className="p-3">
                    {o.pointName}
                    {o.fulfilment === "door" ? <span className="block text-xs text-muted">{t("merchantOrders.doorDelivery")}</span> : null}
                  </td>
                  <td className="p-3">
                    <ul>
                      {o.lines.map((l, i) => (
                        <li key={i}>
                          {l.title} <span className="text-muted">{l.spec}</span> × <span className="tabular">{l.quantity}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="tabular p-3 text-right">
                    {formatFen(o.saleFen)}
                    {o.refundedFen > 0 ? <span className="block text-xs text-muted">−{formatFen(o.refundedFen)}</span> : null}
                  </td>
                  <td className="p-3">
                    {t(`merchantOrders.status.${o.status}`)}
                    {o.refundRequested ? <span className="mt-1 block w-fit rounded bg-price-50 px-2 text-xs font-semibold text-price">{t("merchantOrders.refundRequested")}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <nav className="flex items-center gap-3" aria-label={t("merchantOrders.page", { page: list.page })}>
        {list.page > 1 ? (
          <Link to={withParams({ page: list.page > 2 ? String(list.page - 1) : null })} className="btn-secondary">{t("merchantOrders.prev")}</Link>
        ) : null}
        <span className="tabular text-sm text-muted">{t("merchantOrders.page", { page: list.page })}</span>
        {list.hasMore ? (
          <Link to={withParams({ page: String(list.page + 1) })} className="btn-secondary">{t("merchantOrders.next")}</Link>
        ) : null}
      </nav>
    </div>
  );
}
