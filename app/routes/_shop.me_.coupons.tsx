import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDate, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listUserCoupons } from "~/modules/account/coupons.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "couponsPage.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const locale = resolveLocale(request);
  return { coupons: await listUserCoupons(context, user.id, locale), locale };
}

export default function Coupons() {
  const { t } = useTranslation();
  const { coupons, locale } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-3 p-4">
      <h1 className="text-2xl font-bold">{t("couponsPage.title")}</h1>
      {coupons.length === 0 ? <p className="card text-muted">{t("couponsPage.empty")}</p> : null}
      <ul className="space-y-3">
        {coupons.map((c) => (
          <li key={c.id} className={`card flex items-center gap-4 ${c.status === "available" ? "" : "opacity-60"}`}>
            <p className="tabular w-20 text-center text-2xl font-bold text-price">
              {c.kind === "percentage" ? t("couponsPage.percentOff", { value: locale === "en" ? (c.discountBp ?? 0) / 100 : (10_000 - (c.discountBp ?? 0)) / 1000 }) : formatFen(c.amountFen ?? 0)}
            </p>
            <div className="flex-1">
              <p className="font-semibold">{c.name}</p>
              <p className="text-xs text-muted">
                {c.thresholdFen ? t("couponsPage.minimum", { amount: formatFen(c.thresholdFen) }) : t("couponsPage.noMinimum")}
                {c.maxDiscountFen ? ` · ${t("couponsPage.cap", { amount: formatFen(c.maxDiscountFen) })}` : ""}
              </p>
              <p className="text-xs text-muted">{t("checkout.validUntil", { date: formatDate(c.validUntil, locale) })}</p>
            </div>
            <span className="text-sm">{t(`couponsPage.status.${c.status}`)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
