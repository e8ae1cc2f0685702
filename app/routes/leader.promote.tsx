import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import Download from "lucide-react/icons/download";
import Search from "lucide-react/icons/search";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { PosterPngButton } from "~/components/leader-apply/poster-png";
import { ShareLink } from "~/components/leader-apply/share-buttons";
import { translate } from "~/i18n/i18n";
import { formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { qrSvg } from "~/lib/qr.server";
import { attributedPath, invitePath } from "~/modules/leaders/invite-code";
import { listLiveCampaigns } from "~/modules/group-deals/views.server";
import { getPromotableProduct, getReferralStats, listPromotableProducts } from "~/modules/leaders/promote.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leaderApply.promote.title")} · ${translate(locale, "app.name")}` }];
};

const PromoteQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40, "query_too_long"))),
  product: v.optional(v.pipe(v.string(), v.regex(/^prd_[0-9a-z]{20}$/, "product_invalid"))),
});

/** The leader's promotion page: invite link and QR, share links and posters of products, and what they brought in. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const url = new URL(request.url);
  const parsed = v.safeParse(PromoteQuery, { q: url.searchParams.get("q") || undefined, product: url.searchParams.get("product") || undefined });
  if (!parsed.success) throw data({ error: v.flatten<typeof PromoteQuery>(parsed.issues).nested }, { status: 400 });
  const { q, product: productId } = parsed.output;
  if (point.status !== "active" || !point.inviteCode) return { active: false as const, pointName: point.name };
  const code = point.inviteCode;
  const locale = resolveLocale(request);
  const [stats, products, selected, groupsOn] = await Promise.all([
    getReferralStats(context, point.id),
    listPromotableProducts(context, locale, q || undefined),
    productId ? getPromotableProduct(context, productId, locale) : Promise.resolve(null),
    isFeatureOn(context, "feature.group_deals"),
  ]);
  const campaigns = groupsOn ? await listLiveCampaigns(context, locale, 10) : [];
  const inviteUrl = `${url.origin}${invitePath(code)}`;
  const shareUrl = selected ? `${url.origin}${attributedPath(code, `/products/${selected.id}`)}` : null;
  return {
    active: true as const,
    pointName: point.name,
    code,
    stats,
    q: q ?? "",
    invite: { url: inviteUrl, qr: qrSvg(inviteUrl, 220) },
    products: products.map((p) => ({
      id: p.id,
      title: p.title,
      priceFen: p.priceFen,
      thumbUrl: p.imageUrl && p.imageWidths.includes(160) ? `${p.imageUrl}@160w` : p.imageUrl,
    })),
    // Live group deals: each shared through the point's link to the product page, where shoppers
    // join an open group or start one (the order then carries the point's attribution).
    groupDeals: campaigns.map((c) => ({
      id: c.id,
      productId: c.productId,
      title: c.title,
      spec: c.spec,
      tiers: c.tiers,
      leaderOnly: c.leaderOnly,
      thumbUrl: c.imageUrl,
      url: `${url.origin}${attributedPath(code, `/products/${c.productId}`)}`,
    })),
    selected: selected && shareUrl ? { id: selected.id, title: selected.title, unit: selected.unit, priceFen: selected.priceFen, url: shareUrl, qr: qrSvg(shareUrl, 200) } : null,
  };
}

function Stat({ label, count, testId }: { label: string; count: number; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="rounded-xl bg-surface p-3 text-center">
      <p className="text-sm text-muted">{label}</p>
      <p className="text-2xl font-bold tabular" data-testid={testId} data-count={count}>
        {t("leaderApply.promote.orders", { count })}
      </p>
    </div>
  );
}

export default function LeaderPromote() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  if (!loaded.active) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-bold">{t("leaderApply.promote.title")}</h1>
        <p className="card text-muted">{t("leaderApply.promote.notActive")}</p>
      </div>
    );
  }
  const { pointName, code, stats, q, invite, products, selected, groupDeals } = loaded;
  const productHref = (id: string) => `/leader/promote?${new URLSearchParams({ ...(q ? { q } : {}), product: id })}#share-product`;
  const posterHref = (id?: string) => `/leader/promote/poster${id ? `?product=${id}` : ""}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("leaderApply.promote.title")}</h1>
      <p className="text-sm text-muted">{t("leaderApply.promote.lead")}</p>

      <section className="card space-y-3" aria-labelledby="promote-stats">
        <h2 id="promote-stats" className="font-semibold">
          {t("leaderApply.promote.statsTitle")}
        </h2>
        <div className="grid grid-cols-2 gap-3">
          <Stat label={t("leaderApply.promote.statsWeek")} count={stats.week} testId="referrals-week" />
          <Stat label={t("leaderApply.promote.statsTotal")} count={stats.total} testId="referrals-total" />
        </div>
      </section>

      <section className="card space-y-3" aria-labelledby="promote-invite">
        <h2 id="promote-invite" className="font-semibold">
          {t("leaderApply.promote.inviteTitle")}
        </h2>
        <p className="text-sm">
          {t("leaderApply.promote.inviteCode", { code })} · {pointName}
        </p>
        <div role="img" aria-label={t("leaderApply.promote.qrLabel")} className="mx-auto w-fit" dangerouslySetInnerHTML={{ __html: invite.qr }} />
        <p className="text-sm text-muted">{t("leaderApply.promote.inviteHint")}</p>
        <ShareLink
          url={invite.url}
          title={t("leaderApply.promote.shareTitle", { point: pointName })}
          text={t("leaderApply.promote.shareText", { point: pointName })}
          testId="invite-link"
        />
        <div className="grid gap-2">
          <a href={posterHref()} download className="btn-secondary min-h-12 w-full">
            <Download aria-hidden className="size-5" />
            {t("leaderApply.promote.invitePoster")}
          </a>
          <PosterPngButton href={posterHref()} fileName={`invite-${code}.png`} label={t("leaderApply.promote.invitePosterPng")} />
        </div>
      </section>

      {groupDeals.length ? (
        <section className="card space-y-3" aria-labelledby="promote-groups" data-testid="promote-group-deals">
          <h2 id="promote-groups" className="font-semibold">
            {t("leaderGroupDeals.title")}
          </h2>
          <p className="text-sm text-muted">{t("leaderGroupDeals.lead")}</p>
          <ul className="space-y-4">
            {groupDeals.map((c) => {
              const ladder = c.tiers.map((tier) => t("leaderGroupDeals.tier", { size: tier.size, price: formatFen(tier.unitPriceFen) })).join(" → ");
              const posterHref = `/leader/promote/poster?campaign=${c.id}`;
              return (
                <li key={c.id} className="space-y-2 rounded-xl border border-line p-3">
                  <div className="flex items-center gap-3">
                    {c.thumbUrl ? <img src={c.thumbUrl} alt="" width={48} height={48} loading="lazy" className="size-12 shrink-0 rounded-lg object-cover" /> : <span aria-hidden className="size-12 shrink-0 rounded-lg bg-surface" />}
                    <div className="min-w-0 flex-1">
                      <h3 id={`group-${c.id}-title`} className="truncate text-sm font-medium">
                        {c.title} · {c.spec}
                      </h3>
                      <p className="text-sm font-semibold text-price tabular">{ladder}</p>
                      {c.leaderOnly ? <p className="text-xs text-muted">{t("leaderGroupDeals.leaderOnly")}</p> : null}
                    </div>
                  </div>
                  <ShareLink
                    url={c.url}
                    title={t("leaderApply.promote.shareTitle", { point: pointName })}
                    text={t("leaderGroupDeals.shareText", { product: c.title, ladder, point: pointName })}
                    testId={`group-link-${c.id}`}
                  />
                  <div className="grid gap-2">
                    <a href={posterHref} download className="btn-secondary min-h-12 w-full">
                      <Download aria-hidden className="size-5" />
                      {t("leaderGroupDeals.poster")}
                    </a>
                    <PosterPngButton href={posterHref} fileName={`group-poster-${code}-${c.id}.png`} label={t("leaderGroupDeals.posterPng")} />
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}

      <section className="card space-y-3" aria-labelledby="promote-products">
        <h2 id="promote-products" className="font-semibold">
          {t("leaderApply.promote.productsTitle")}
        </h2>
        <Form method="get" role="search" className="flex gap-2">
          <label htmlFor="promote-q" className="sr-only">
            {t("leaderApply.promote.search")}
          </label>
          <input id="promote-q" name="q" type="search" defaultValue={q} placeholder={t("leaderApply.promote.searchPlaceholder")} className="field-input min-h-12 flex-1" />
          <button type="submit" className="btn-primary min-h-12">
            <Search aria-hidden className="size-5" />
            <span className="sr-only sm:not-sr-only">{t("leaderApply.promote.searchButton")}</span>
          </button>
        </Form>

        {selected ? (
          <div id="share-product" className="space-y-3 rounded-xl border-2 border-brand-600 p-3" aria-labelledby="share-product-title">
            <p className="text-sm text-muted">{t("leaderApply.promote.selected")}</p>
            <h3 id="share-product-title" className="font-semibold">
              {selected.title}
            </h3>
            <p className="text-xl font-bold text-price tabular">
              {formatFen(selected.priceFen)}
              <span className="text-sm font-normal text-muted"> /{selected.unit}</span>
            </p>
            <div role="img" aria-label={t("leaderApply.promote.productQrLabel", { product: selected.title })} className="mx-auto w-fit" dangerouslySetInnerHTML={{ __html: selected.qr }} />
            <ShareLink
              url={selected.url}
              title={t("leaderApply.promote.shareTitle", { point: pointName })}
              text={t("leaderApply.promote.shareProductText", { product: selected.title, price: formatFen(selected.priceFen), point: pointName })}
              testId="product-link"
            />
            <div className="grid gap-2">
              <a href={posterHref(selected.id)} download className="btn-secondary min-h-12 w-full">
                <Download aria-hidden className="size-5" />
                {t("leaderApply.promote.poster")}
              </a>
              <PosterPngButton href={posterHref(selected.id)} fileName={`poster-${code}-${selected.id}.png`} label={t("leaderApply.promote.posterPng")} />
            </div>
          </div>
        ) : null}

        {products.length === 0 ? (
          <p className="text-sm text-muted">{t("leaderApply.promote.none")}</p>
        ) : (
          <ul className="divide-y divide-line">
            {products.map((p) => (
              <li key={p.id} className="flex items-center gap-3 py-2">
                {p.thumbUrl ? <img src={p.thumbUrl} alt="" width={48} height={48} loading="lazy" className="size-12 shrink-0 rounded-lg object-cover" /> : <span aria-hidden className="size-12 shrink-0 rounded-lg bg-surface" />}
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">{p.title}</p>
                  <p className="text-sm text-price tabular">{formatFen(p.priceFen)}</p>
                </div>
                <Link
                  to={productHref(p.id)}
                  preventScrollReset={false}
                  aria-label={t("leaderApply.promote.chooseLabel", { product: p.title })}
                  aria-current={selected?.id === p.id ? "true" : undefined}
                  className="btn-secondary min-h-12 shrink-0 px-4 text-sm"
                >
                  {t("leaderApply.promote.choose")}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
