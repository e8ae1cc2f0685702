import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDate } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { getMyShares } from "~/modules/share/views.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "share.me.title")} · ${translate(locale, "app.name")}` }];
};

/**
 * /me/shares: what the shopper shared and what it brought — the links with their visits, the
 * friends who bought through them (a masked name, never who they are or what they bought), each
 * with the reward given at pickup or why there was none, and the totals (ADR 023).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const locale = resolveLocale(request);
  const shares = await getMyShares(context, user.id, locale);
  return data({ shares, locale }, { headers: { "Cache-Control": "private, no-store" } });
}

const STATE_STYLE = { pending: "bg-surface", cancelled: "bg-surface text-muted", rewarded: "bg-brand-50 text-brand-800", refused: "bg-danger-50 text-danger" } as const;

export default function MyShares() {
  const { t } = useTranslation();
  const { shares, locale } = useLoaderData<typeof loader>();
  const rewardText = (r: NonNullable<(typeof shares.friends)[number]["reward"]>) =>
    r.kind === "coupon" ? t("share.me.reward.coupon") : r.fallback ? t("share.me.reward.fallback", { points: r.points ?? 0 }) : t("share.me.reward.points", { points: r.points ?? 0 });
  return (
    <div className="space-y-4 p-4">
      <h1 className="text-2xl font-bold">{t("share.me.title")}</h1>
      <p className="text-sm text-muted">{t("share.me.lead")}</p>
      <p className="card tabular font-medium" data-testid="share-totals">
        {t("share.me.totals", { count: shares.totals.rewarded, points: shares.totals.points, coupons: shares.totals.coupons })}
      </p>

      <section className="card space-y-2" aria-labelledby="share-friends-title">
        <h2 id="share-friends-title" className="font-semibold">
          {t("share.me.friends")}
        </h2>
        {shares.friends.length === 0 ? (
          <p className="text-sm text-muted">{t("share.me.friendsEmpty")}</p>
        ) : (
          <ul className="divide-y divide-line" data-testid="share-friends">
            {shares.friends.map((f) => (
              <li key={f.key} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  <span className="font-medium">{f.friend}</span> <span className="text-muted">{formatDate(f.at, locale)}</span>
                </span>
                <span className="flex flex-col items-end gap-1">
                  <span className={`rounded-full px-2 text-xs leading-6 ${STATE_STYLE[f.state]}`}>{t(`share.me.state.${f.state}`)}</span>
                  {f.reward ? <span className="text-brand-800">{rewardText(f.reward)}</span> : null}
                  {f.reason ? <span className="text-xs text-muted">{t(`share.me.reason.${f.reason}`)}</span> : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card space-y-2" aria-labelledby="share-links-title">
        <h2 id="share-links-title" className="font-semibold">
          {t("share.me.links")}
        </h2>
        {shares.links.length === 0 ? (
          <p className="text-sm text-muted">{t("share.me.linksEmpty")}</p>
        ) : (
          <ul className="divide-y divide-line" data-testid="share-links">
            {shares.links.map((l) => (
              <li key={l.path} className="flex items-center justify-between gap-2 py-2 text-sm">
                <span className="min-w-0">
                  <span className="mr-1 rounded bg-surface px-1 text-xs">{t(`share.me.kind.${l.kind}`)}</span>
                  <Link to={l.path} className="link">
                    {l.title}
                  </Link>
                  <span className="block text-xs text-muted">{t("share.me.visits", { count: l.visits })}</span>
                </span>
                {l.kind === "product" ? (
                  <Link to={`${l.path}/share`} className="btn-secondary min-h-11 shrink-0 px-3 text-sm">
                    {t("share.me.share")}
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
