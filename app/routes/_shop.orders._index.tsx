import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listOrders } from "~/modules/orders/orders.server";
import { ORDER_LIST_TABS, type OrderListTab } from "~/modules/orders/tabs";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "orders.title")} · ${translate(locale, "app.name")}` }];
};

const TABS = Object.keys(ORDER_LIST_TABS) as OrderListTab[];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const requested = new URL(request.url).searchParams.get("tab") ?? "all";
  const tab = (TABS as string[]).includes(requested) ? (requested as OrderListTab) : "all";
  return { tab, orders: await listOrders(context, user.id, tab), locale: resolveLocale(request) };
}

export default function Orders() {
  const { t } = useTranslation();
  const { tab, orders, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("orders.title")}</h1>
      <nav aria-label={t("orders.tabs")} className="flex gap-1 overflow-x-auto">
        {TABS.map((k) => {
          const next = new URLSearchParams(params);
          next.set("tab", k);
          return (
            <Link key={k} to={`?${next}`} replace aria-current={k === tab ? "page" : undefined} className={`flex min-h-11 shrink-0 items-center rounded-full px-4 text-sm ${k === tab ? "bg-brand-600 text-white" : "bg-white"}`}>
              {t(`orders.tab.${k}`)}
            </Link>
          );
        })}
      </nav>
      {orders.length === 0 ? (
        <div className="card space-y-3 text-center">
          <p className="text-muted">{t("orders.empty")}</p>
          <Link to="/" className="btn-primary">
            {t("cart.browse")}
          </Link>
        </div>
      ) : (
        <ul className="space-y-3">
          {orders.map((o) => (
            <li key={o.id}>
              <Link to={`/orders/${o.id}`} className="card flex gap-3">
                {o.firstImage ? <img src={`/images/${o.firstImage}`} alt="" width={64} height={64} loading="lazy" className="size-16 rounded-xl object-cover" /> : null}
                <div className="flex-1 space-y-1">
                  <p className="flex justify-between text-sm">
                    <span className="text-muted">{o.pointName}</span>
                    <span className="font-semibold text-brand-800">{t(`orders.status.${o.status}`)}</span>
                  </p>
                  <p className="line-clamp-1">{t("orders.summary", { title: o.firstTitle, count: o.items })}</p>
                  {o.fulfilment === "door" ? <p className="w-fit rounded-full bg-brand-50 px-2 text-xs text-brand-800">{t("orders.doorTag")}</p> : null}
                  <p className="flex justify-between text-sm">
                    <time className="tabular text-muted">{formatDateTime(o.createdAt, locale)}</time>
                    <span className="tabular font-bold text-price">{formatFen(o.payableFen)}</span>
                  </p>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
