import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import ChevronRight from "lucide-react/icons/chevron-right";
import PackageX from "lucide-react/icons/package-x";
import Phone from "lucide-react/icons/phone";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { CutoffCountdown } from "~/components/leader/cutoff-countdown";
import { InstallPrompt } from "~/components/leader/install-prompt";
import { NOTIFIED_PARAM, NotifyCustomersButton } from "~/components/leader/notify-customers-button";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { formatBusinessDate, isHistoryDate, relativeDay, shanghaiClock, waitingFor } from "~/modules/leaders/today";
import { getLeaderToday } from "~/modules/leaders/today.server";
import { countUncollected } from "~/modules/leaders/uncollected.server";
import { countCustomersToNotify } from "~/modules/notifications/ready-notices.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "handover.today.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const now = Date.now();
  const date = new URL(request.url).searchParams.get("date");
  if (date !== null && !isHistoryDate(date, now)) throw data({ error: "date_out_of_range" }, { status: 400 });
  const [today, waitingToNotify, uncollected] = await Promise.all([
    getLeaderToday(context, point.id, { date: date ?? undefined, now }),
    countCustomersToNotify(context, point.id),
    countUncollected(context, point.id),
  ]);
  return { point: { name: point.name, area: point.area }, today, waitingToNotify, uncollected, locale: resolveLocale(request) };
}

/** The leader's landing page: this cycle's orders, the cut-off countdown, totals, who still has to collect; history by day. */
export default function LeaderToday() {
  const { t } = useTranslation();
  const { point, today, waitingToNotify, uncollected, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { cycle, counts } = today;
  const dayWord = (date: string) => {
    const rel = relativeDay(date, today.now);
    return rel === "other" ? formatBusinessDate(date, locale) : t(`handover.today.day.${rel}`);
  };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("handover.today.title")}</h1>
      <section aria-label={t("leader.point.summary")} className="card flex items-center justify-between gap-3">
        <div>
          <p className="text-lg font-semibold">{point.name}</p>
          <p className="text-sm text-muted">{point.area}</p>
        </div>
        <Link to="/leader/point" className="btn-secondary min-h-12 shrink-0">
          {t("handover.today.pointLink")}
        </Link>
      </section>

      <InstallPrompt />
      {waitingToNotify.orders > 0 || params.has(NOTIFIED_PARAM) ? <NotifyCustomersButton waiting={waitingToNotify} /> : null}
      {uncollected > 0 ? (
        <Link to="/leader/uncollected" className="card flex min-h-14 items-center gap-3 border border-price/40 bg-price-50">
          <PackageX aria-hidden className="size-6 shrink-0 text-price" />
          <span className="flex-1 font-medium">{t("leader.today.uncollected", { count: uncollected })}</span>
          <ChevronRight aria-hidden className="size-5 text-muted" />
        </Link>
      ) : null}

      <section aria-labelledby="cycle-title" className="card space-y-2">
        <h2 id="cycle-title" className="text-lg font-semibold">
          {cycle.kind === "current" ? t("handover.today.cycle.current") : t("handover.today.cycle.past", { date: formatBusinessDate(cycle.businessDate, locale, true) })}
        </h2>
        {cycle.kind === "current" ? <CutoffCountdown cutoffAt={cycle.cutoffAt} serverNow={today.now} /> : null}
        <p className="text-sm text-muted">
          {t("handover.today.cycle.when", { day: dayWord(cycle.businessDate), time: shanghaiClock(cycle.cutoffAt), delivery: dayWord(cycle.deliveryDate) })}
        </p>
        <dl className={`grid gap-2 text-center ${cycle.kind === "current" ? "grid-cols-3" : "grid-cols-4"}`}>
          {(
            [
              ["orders", counts.orders],
              ["items", counts.items],
              ["awaiting", counts.awaitingPickup],
              ...(cycle.kind === "past" ? ([["collected", counts.collected]] as const) : []),
            ] as const
          ).map(([name, value]) => (
            <div key={name} className="rounded-xl bg-surface p-2">
              <dt className="text-sm text-muted">{t(`handover.today.counts.${name}`)}</dt>
              <dd className="tabular text-2xl font-bold">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <nav aria-label={t("handover.today.history.title")} className="-mx-4 overflow-x-auto px-4">
        <ul className="flex gap-2 pb-1">
          <li>
            <Link
              to="/leader"
              aria-current={cycle.kind === "current" ? "page" : undefined}
              className={`flex min-h-12 items-center whitespace-nowrap rounded-full border px-4 text-sm ${cycle.kind === "current" ? "border-brand-600 bg-brand-600 font-semibold text-white" : "border-line bg-white"}`}
            >
              {t("handover.today.history.current")}
            </Link>
          </li>
          {today.dates.map((d) => {
            const active = cycle.kind === "past" && cycle.businessDate === d;
            return (
              <li key={d}>
                <Link
                  to={`/leader?date=${d}`}
                  aria-current={active ? "page" : undefined}
                  className={`tabular flex min-h-12 items-center whitespace-nowrap rounded-full border px-4 text-sm ${active ? "border-brand-600 bg-brand-600 font-semibold text-white" : "border-line bg-white"}`}
                >
                  {formatBusinessDate(d, locale)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      <section aria-labelledby="products-title" className="card space-y-2">
        <h2 id="products-title" className="text-lg font-semibold">
          {t("handover.today.products.title")}
        </h2>
        {today.products.length === 0 ? (
          <p className="text-sm text-muted">{cycle.kind === "current" ? t("handover.today.products.empty") : t("handover.today.products.emptyPast")}</p>
        ) : (
          <table className="w-full text-left">
            <thead className="text-sm text-muted">
              <tr>
                <th scope="col" className="py-1 font-medium">
                  {t("handover.today.products.product")}
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  {t("handover.today.products.quantity")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {today.products.map((p) => (
                <tr key={p.skuId}>
                  <td className="py-2">
                    {p.title} <span className="text-sm text-muted">{p.spec}</span>
                  </td>
                  <td className="tabular py-2 text-right text-lg font-semibold">{p.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="awaiting-title" className="card space-y-2">
        <h2 id="awaiting-title" className="text-lg font-semibold">
          {t("handover.today.awaiting.title")} <span className="tabular text-muted">({today.awaiting.length})</span>
        </h2>
        {today.awaiting.length === 0 ? (
          <p className="text-sm text-muted">{t("handover.today.awaiting.empty")}</p>
        ) : (
          <ul className="divide-y divide-line">
            {today.awaiting.map((a) => {
              const waited = waitingFor(a.readySince, today.now);
              return (
                <li key={a.orderId} className="space-y-1 py-3">
                  <div className="flex items-start justify-between gap-3">
                    <div>
                      <p className="text-lg font-semibold">
                        {a.customerName}
                        {a.door ? <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-800">{t("handover.today.awaiting.door")}</span> : null}
                      </p>
                      <p className="text-sm text-muted">{t(`handover.waited.${waited.unit}`, { count: waited.count })}</p>
                    </div>
                    {a.phone ? (
                      <a href={`tel:${a.phone}`} className="btn-secondary min-h-12 shrink-0 px-3" aria-label={t("handover.today.awaiting.call", { name: a.customerName, phone: a.phoneMasked })}>
                        <Phone aria-hidden className="size-5" />
                        <span className="tabular">{a.phoneMasked}</span>
                      </a>
                    ) : null}
                  </div>
                  {a.address ? <p className="text-sm">{a.address}</p> : null}
                  <ul className="text-sm">
                    {a.lines.map((l, i) => (
                      <li key={i}>
                        {l.title} <span className="text-muted">{l.spec}</span> <span className="tabular font-semibold">× {l.remaining}</span>
                      </li>
                    ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}
