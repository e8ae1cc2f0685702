import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDate, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { getMembership } from "~/modules/membership/points.server";

/**
 * /me/points: the shopper's membership level (from the last 12 months' spend) with the progress to
 * the next one and the level's perks, then the points balance, what expires soon, the rule, and
 * the history (earned with a completed order at the level's multiplier, taken back after a
 * refund, expired). Points come with the settlement (app/modules/settlement), so an order counts
 * once its after-sales window is over.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "membership.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const membership = await getMembership(context, user.id);
  return data({ membership, locale: resolveLocale(request) }, { headers: { "Cache-Control": "private, no-store" } });
}

const times = (pct: number) => (pct / 100).toFixed(pct % 100 === 0 ? 0 : pct % 10 === 0 ? 1 : 2);

export default function Points() {
  const { t } = useTranslation();
  const { membership: m, locale } = useLoaderData<typeof loader>();
  const levelName = (level: string) => t(`me.level.${level}`);
  const perks = [
    t("membership.perk.multiplier", { multiplier: times(m.perks.pointsMultiplierPct) }),
    m.perks.discountBp > 0 ? t("membership.perk.discount", { percent: `${m.perks.discountBp / 100}%` }) : null,
    m.perks.earlyAccessMinutes > 0 ? t("membership.perk.earlyAccess", { minutes: m.perks.earlyAccessMinutes }) : null,
    m.perks.birthdayCouponFen > 0 ? t("membership.perk.birthday", { amount: formatFen(m.perks.birthdayCouponFen) }) : null,
  ].filter((p): p is string => p !== null);
  return (
    <div className="space-y-4 p-4">
      <h1 className="text-2xl font-bold">{t("membership.title")}</h1>

      <section className="card space-y-3" aria-labelledby="level-title">
        <h2 id="level-title" className="text-sm text-muted">
          {t("membership.level")}
        </h2>
        <p className="text-2xl font-bold text-brand-800" data-testid="member-level">
          {levelName(m.level)}
        </p>
        <p className="tabular text-sm">{t("membership.spend", { amount: formatFen(m.spendFen) })}</p>
        <div>
          <div
            role="progressbar"
            aria-label={t("membership.progress")}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.floor(m.progressBp / 100)}
            className="h-3 overflow-hidden rounded-full bg-surface"
          >
            <div className="h-full rounded-full bg-brand-600" style={{ width: `${m.progressBp / 100}%` }} />
          </div>
          <p className="tabular mt-1 text-sm text-muted" data-testid="member-next">
            {m.next ? t("membership.next", { amount: formatFen(m.next.remainingFen), level: levelName(m.next.level), multiplier: times(m.next.multiplierPct) }) : t("membership.top")}
          </p>
        </div>
        <h3 className="pt-1 font-semibold">{t("membership.perks")}</h3>
        <ul className="list-inside list-disc space-y-1 text-sm">
          {perks.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </section>

      <section className="card space-y-2" aria-labelledby="points-title">
        <h2 id="points-title" className="text-sm text-muted">
          {t("membership.balance")}
        </h2>
        <p className="tabular text-3xl font-bold" data-testid="points-balance">
          {m.points.balance.toLocaleString(locale === "en" ? "en-US" : "zh-CN")}
        </p>
        {m.points.expiringSoon > 0 ? <p className="text-sm text-price">{t("membership.expiringSoon", { count: m.points.expiringSoon })}</p> : null}
        <p className="text-xs text-muted">{t("membership.rule", { days: m.validDays })}</p>
      </section>

      <section className="space-y-2" aria-labelledby="history-title">
        <h2 id="history-title" className="text-lg font-semibold">
          {t("membership.history")}
        </h2>
        {m.history.length === 0 ? (
          <p className="card text-sm text-muted">{t("membership.empty")}</p>
        ) : (
          <ul className="card divide-y divide-line p-0" data-testid="points-history">
            {m.history.map((e) => (
              <li key={e.id} className="flex items-center justify-between gap-3 p-3" data-entry={e.id}>
                <div className="min-w-0">
                  <p className="font-medium">
                    {t(`membership.kind.${e.kind}`)}
                    {e.kind === "earn" && e.multiplierPct && e.multiplierPct !== 100 ? <span className="ml-2 text-xs text-muted">{t("membership.multiplier", { multiplier: times(e.multiplierPct) })}</span> : null}
                  </p>
                  {e.orderId ? (
                    <Link to={`/orders/${e.orderId}`} className="inline-flex min-h-11 items-center font-mono text-xs text-brand-800 underline">
                      {t("membership.order", { id: e.orderId.slice(-8).toUpperCase() })}
                    </Link>
                  ) : null}
                  <p className="tabular text-xs text-muted">
                    {formatDate(e.createdAt, locale)}
                    {e.expiresAt ? ` · ${t("membership.expires", { date: formatDate(e.expiresAt, locale) })}` : ""}
                  </p>
                </div>
                <span className={`tabular shrink-0 text-lg font-semibold ${e.points > 0 ? "text-brand-800" : "text-muted"}`}>
                  {e.points > 0 ? `+${e.points}` : `−${-e.points}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
