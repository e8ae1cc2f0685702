import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { CouponFigure, CouponRule } from "~/components/coupons/coupon-face";
import { translate } from "~/i18n/i18n";
import { formatDate } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listUserCoupons } from "~/modules/account/coupons.server";
import { MY_COUPON_TABS, parseMyCouponTab } from "~/modules/coupons/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "couponsPage.title")} · ${translate(locale, "app.name")}` }];
};

/** /me/coupons: the shopper's coupons by tab (usable, used, expired), and the way to the claim centre. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const locale = resolveLocale(request);
  const tab = parseMyCouponTab(new URL(request.url).searchParams.get("tab"));
  const { coupons, counts } = await listUserCoupons(context, user.id, locale, tab);
  return { coupons, counts, tab, locale };
}

export default function Coupons() {
  const { t } = useTranslation();
  const { coupons, counts, tab, locale } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-3 p-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t("couponsPage.title")}</h1>
        <Link to="/coupons" className="btn-secondary min-h-11 px-4 text-sm" aria-label={t("coupons.mine.centreHint")}>
          {t("coupons.mine.centreLink")}
        </Link>
      </div>
      <nav aria-label={t("coupons.mine.tabs")} className="flex gap-1 overflow-x-auto">
        {MY_COUPON_TABS.map((k) => (
          <Link
            key={k}
            to={k === "available" ? "/me/coupons" : `/me/coupons?tab=${k}`}
            replace
            aria-current={k === tab ? "page" : undefined}
            className={`flex min-h-11 shrink-0 items-center rounded-full px-4 text-sm ${k === tab ? "bg-brand-600 text-white" : "bg-white"}`}
          >
            {t("coupons.mine.tabCount", { label: t(`coupons.mine.tab.${k}`), count: counts[k] })}
          </Link>
        ))}
      </nav>
      {coupons.length === 0 ? (
        <p className="card text-muted">
          {t(`coupons.mine.empty.${tab}`)}{" "}
          {tab === "available" ? (
            <Link to="/coupons" className="font-medium text-brand-700 underline">
              {t("coupons.mine.centreLink")}
            </Link>
          ) : null}
        </p>
      ) : null}
      <ul className="space-y-3" data-testid="my-coupons">
        {coupons.map((c) => (
          <li key={c.id} data-coupon-id={c.id} className={`card flex items-center gap-4 ${c.status === "available" ? "" : "opacity-70"}`}>
            <p className="w-20 text-center">
              <CouponFigure coupon={c} locale={locale} />
            </p>
            <div className="flex-1 space-y-0.5">
              <p className="font-semibold">{c.name}</p>
              <p className="text-xs text-muted">
                <CouponRule coupon={c} />
              </p>
              <p className="text-xs text-muted">
                {c.status === "used" && c.usedAt
                  ? t("coupons.mine.usedAt", { date: formatDate(c.usedAt, locale) })
                  : c.status === "expired"
                  ? t("coupons.mine.expiredAt", { date: formatDate(c.validUntil, locale) })
                  : t("checkout.validUntil", { date: formatDate(c.validUntil, locale) })}
                {c.source !== "claim" ? ` · ${t(`coupons.mine.source.${c.source}`)}` : ""}
              </p>
            </div>
            <span className="text-sm">{t(`couponsPage.status.${c.status}`)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
