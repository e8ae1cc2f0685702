import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FlashStrip } from "~/components/flash-sales/flash-strip";
import { OpenGroupsStrip } from "~/components/group-deals/home-strip";
import { ProductGrid } from "~/components/shop/product-card";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { loadShelf } from "~/modules/catalog/queries.server";
import { listHomeFlashSales } from "~/modules/flash-sales/pages.server";
import { listHomeGroups } from "~/modules/group-deals/pages.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "app.name")} · ${translate(locale, "shop.tagline")}` }];
};

/**
 * The storefront is public: browsing needs no account. Anonymous visitors may get this page from
 * the edge cache: the open group deals strip depends only on the pickup point (see listHomeGroups),
 * the flash sales strip on nothing personal at all (see listHomeFlashSales).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = resolveLocale(request);
  const [shelf, groups, flashSales] = await Promise.all([loadShelf(context, locale, { limit: 40 }), listHomeGroups(context, request, locale), listHomeFlashSales(context, locale)]);
  return { ...shelf, groups, flashSales, locale };
}

export default function ShopHome() {
  const { t } = useTranslation();
  const { categories, products, groups, flashSales, locale } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4 p-4">
      <h1 className="sr-only">
        {t("app.name")} · {t("shop.tagline")}
      </h1>
      <nav aria-label={t("shop.categories")}>
        <ul className="grid grid-cols-5 gap-2">
          {categories.map((c) => (
            <li key={c.id}>
              <Link to={`/categories?c=${c.slug}`} className="flex flex-col items-center gap-1 text-center text-xs">
                <span aria-hidden className="flex size-12 items-center justify-center rounded-full bg-brand-50 text-lg font-bold text-brand-700">
                  {c.name.slice(0, 1)}
                </span>
                <span>{c.name}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {flashSales.length ? <FlashStrip sales={flashSales} /> : null}
      {groups.length ? <OpenGroupsStrip groups={groups} locale={locale} /> : null}
      <section aria-labelledby="feed-title">
        <h2 id="feed-title" className="mb-2 text-lg font-bold">
          {t("shop.todayPicks")}
        </h2>
        {products.length === 0 ? <p className="card text-muted">{t("shop.empty")}</p> : <ProductGrid products={products} />}
      </section>
    </div>
  );
}
