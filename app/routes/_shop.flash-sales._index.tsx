import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { getOptionalUser } from "~/auth/guards.server";
import { SaleTimer } from "~/components/flash-sales/countdown";
import { StockBar } from "~/components/flash-sales/stock-bar";
import { translate } from "~/i18n/i18n";
import { formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listFlashSales } from "~/modules/flash-sales/sales.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "flashSales.title")} · ${translate(locale, "app.name")}` }];
};

/**
 * All flash sales that have not ended, soonest first: on now, coming up (by the viewer's own
 * opening time: a member with early access sees a sale open sooner), sold out. Personal (the
 * viewer's level), so never edge-cached; the loader's `serverNow` synchronises the countdowns.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!(await isFeatureOn(context, "feature.flash_sales"))) return data({ off: true as const }, { status: 404 });
  const user = await getOptionalUser(context, request);
  const now = Date.now();
  const sales = await listFlashSales(context, { userId: user?.id ?? null, locale: resolveLocale(request) }, now);
  return { off: false as const, sales: sales.filter((s) => s.title !== ""), serverNow: now };
}

export default function FlashSalesPage() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const refresh = useCallback(() => {
    if (revalidator.state === "idle") revalidator.revalidate();
  }, [revalidator]);
  if (loaded.off) {
    return (
      <div className="space-y-3 p-4">
        <h1 className="text-2xl font-bold">{t("flashSales.off.title")}</h1>
        <p className="card text-muted">{t("flashSales.off.body")}</p>
        <Link to="/" className="btn-primary w-full">
          {t("flashSales.off.home")}
        </Link>
      </div>
    );
  }
  const { sales, serverNow } = loaded;
  return (
    <div className="space-y-3 p-4 pb-8">
      <h1 className="text-2xl font-bold">{t("flashSales.title")}</h1>
      {sales.length === 0 ? (
        <div className="card space-y-3">
          <p className="text-muted">{t("flashSales.list.empty")}</p>
          <Link to="/" className="btn-primary w-full">
            {t("flashSales.list.browse")}
          </Link>
        </div>
      ) : (
        <ul className="space-y-3" data-testid="flash-list">
          {sales.map((s) => (
            <li key={s.id}>
              <Link to={`/flash-sales/${s.id}`} className="card flex gap-3" aria-describedby={`flash-${s.id}-phase`}>
                {s.imageUrl ? (
                  <img src={s.imageUrl} alt="" width={96} height={96} loading="lazy" decoding="async" className="size-24 shrink-0 rounded-xl bg-brand-50 object-cover" />
                ) : (
                  <span aria-hidden className="size-24 shrink-0 rounded-xl bg-brand-50" />
                )}
                <div className="min-w-0 flex-1 space-y-1">
                  <h2 className="truncate font-semibold">{s.title}</h2>
                  <p className="flex items-baseline gap-2">
                    <span className="tabular text-xl font-bold text-price">{formatFen(s.flashPriceFen)}</span>
                    <s className="tabular text-sm text-muted" aria-label={t("flashSales.listPrice", { price: formatFen(s.listPriceFen) })}>
                      {formatFen(s.listPriceFen)}
                    </s>
                    <span id={`flash-${s.id}-phase`} className={`ml-auto shrink-0 rounded-full px-2 text-xs leading-6 ${s.phase === "live" ? "bg-price text-white" : s.phase === "upcoming" ? "bg-price-50 text-price" : "bg-surface text-muted"}`}>
                      {t(`flashSales.phase.${s.phase}`)}
                    </span>
                  </p>
                  <StockBar counts={s.counts} compact />
                  <p className="flex items-center justify-between gap-2 text-sm">
                    <SaleTimer opensAt={s.opensAt} endsAt={s.endsAt} phase={s.phase} serverNow={serverNow} onStale={refresh} className="text-price" />
                    <span className="text-muted">{t("flashSales.limit", { count: s.perUserLimit })}</span>
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
