import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import Download from "lucide-react/icons/download";
import { useTranslation } from "react-i18next";
import { getOptionalUser } from "~/auth/guards.server";
import { PosterPngButton } from "~/components/leader-apply/poster-png";
import { CopyLinkButton, SystemShareButton } from "~/components/share/share-actions";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { getPromotableProduct } from "~/modules/leaders/promote.server";
import { getSettings } from "~/modules/settings/settings.server";
import { leadsActivePoint, recordSignedInDevice, shareLinkFor } from "~/modules/share/attribution.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    { title: `${translate(locale, "share.page.title")}${loaded ? ` · ${loaded.product.title}` : ""} · ${translate(locale, "app.name")}` },
    { name: "robots", content: "noindex" },
  ];
};

/**
 * /products/<id>/share: the product's share link and poster. A signed-in shopper's link carries their
 * share code (made on first use; the link is remembered for /me/shares) and the device is recorded;
 * a visitor who is not signed in gets the plain product link and a way to sign in first. Personal,
 * so never cached.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  if (!/^prd_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request);
  const [product, user, settings] = await Promise.all([getPromotableProduct(context, id, locale), getOptionalUser(context, request), getSettings(context, ["share.reward"])]);
  if (!product) throw new Response("Not Found", { status: 404 });
  const origin = new URL(request.url).origin;
  const page = `/products/${id}`;
  const headers = new Headers({ "Cache-Control": "private, no-store" });
  let path = page;
  let leader = false;
  if (user) {
    const [link, device, leads] = await Promise.all([shareLinkFor(context, user.id, page), recordSignedInDevice(context, request, user.id), leadsActivePoint(context, user.id)]);
    path = link;
    leader = leads;
    if (device) headers.append("Set-Cookie", device);
  }
  return data(
    {
      product: { id: product.id, title: product.title },
      signedIn: user !== null,
      leader,
      url: `${origin}${path}`,
      reward: settings["share.reward"],
    },
    { headers },
  );
}

export default function ProductShare() {
  const { t } = useTranslation();
  const { product, signedIn, leader, url, reward } = useLoaderData<typeof loader>();
  const posterHref = `/products/${product.id}/poster.svg`;
  const rewardText = reward.kind === "coupon" ? t("share.page.rewardCoupon") : t("share.page.rewardPoints", { points: reward.points });
  return (
    <div className="space-y-4 p-4">
      <h1 className="text-2xl font-bold">{t("share.page.title")}</h1>
      <p className="font-medium">{product.title}</p>
      {signedIn ? (
        <section className="card space-y-3" aria-labelledby="share-link-title">
          <p className="text-sm">{t("share.page.lead", { reward: rewardText })}</p>
          <p className="text-xs text-muted">{t("share.page.rules", { days: reward.periodDays, cap: reward.dailyCapPerSharer })}</p>
          {leader ? <p className="text-xs text-brand-800">{t("share.page.leaderNote")}</p> : null}
          <h2 id="share-link-title" className="font-semibold">
            {t("share.page.link")}
          </h2>
          <p className="select-all break-all rounded-xl border border-line bg-surface p-3 text-sm" data-testid="share-url">
            {url}
          </p>
          <SystemShareButton url={url} title={product.title} />
          <CopyLinkButton url={url} />
          <Link to="/me/shares" className="link text-sm">
            {t("share.page.myShares")}
          </Link>
        </section>
      ) : (
        <section className="card space-y-3">
          <p className="text-sm">{t("share.page.signInLead")}</p>
          <Link to={`/login?redirectTo=${encodeURIComponent(`/products/${product.id}/share`)}`} className="btn-primary min-h-12 w-full">
            {t("share.page.signIn")}
          </Link>
        </section>
      )}
      <section className="card space-y-3" aria-labelledby="share-poster-title">
        <h2 id="share-poster-title" className="font-semibold">
          {t("share.page.poster")}
        </h2>
        <img src={posterHref} alt={t("share.page.posterAlt", { title: product.title })} width={750} height={1200} className="w-full rounded-xl border border-line" />
        <a href={`${posterHref}?download=1`} download={`poster-${product.id}.svg`} className="btn-secondary min-h-12 w-full" data-testid="poster-download">
          <Download aria-hidden className="size-5" />
          {t("share.page.downloadSvg")}
        </a>
        <PosterPngButton href={posterHref} fileName={`poster-${product.id}.png`} label={t("share.page.downloadPng")} savingLabel={t("share.page.saving")} failedLabel={t("share.page.saveFailed")} />
      </section>
      <Link to={`/products/${product.id}`} className="link text-sm">
        {t("share.page.back")}
      </Link>
    </div>
  );
}
