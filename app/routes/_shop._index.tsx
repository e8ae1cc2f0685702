import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { translate } from "~/i18n/i18n";
import { formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listShelfProducts, listTopCategories } from "~/modules/catalog/queries.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "app.name")} · ${translate(locale, "shop.tagline")}` }];
};

/** The storefront is public: browsing needs no account. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = resolveLocale(request);
  const [categories, products] = await Promise.all([listTopCategories(context, locale), listShelfProducts(context, locale, { limit: 40 })]);
  return { categories, products };
}

export default function ShopHome() {
  const { t } = useTranslation();
  const { categories, products } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4 p-4">
      <section aria-labelledby="categories-title">
        <h2 id="categories-title" className="sr-only">
          {t("shop.categories")}
        </h2>
        <ul className="grid grid-cols-5 gap-2">
          {categories.map((c) => (
            <li key={c.id} className="flex flex-col items-center gap-1 text-center text-xs">
              <span aria-hidden className="flex size-12 items-center justify-center rounded-full bg-brand-50 text-lg font-bold text-brand-700">
                {c.name.slice(0, 1)}
              </span>
              <span>{c.name}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="feed-title">
        <h2 id="feed-title" className="mb-2 text-lg font-bold">
          {t("shop.todayPicks")}
        </h2>
        {products.length === 0 ? (
          <p className="card text-muted">{t("shop.empty")}</p>
        ) : (
          <ul className="grid grid-cols-2 gap-3">
            {products.map((p) => (
              <li key={p.id} className="overflow-hidden rounded-2xl bg-white shadow-sm">
                {p.imageUrl ? (
                  <img src={p.imageUrl} alt="" width={240} height={240} loading="lazy" decoding="async" className="aspect-square w-full object-cover" />
                ) : (
                  <div className="aspect-square w-full bg-brand-50" />
                )}
                <div className="space-y-1 p-3">
                  <h3 className="line-clamp-2 min-h-[2.5rem] text-sm font-medium">{p.title}</h3>
                  <p className="flex items-baseline justify-between">
                    <span className="tabular text-lg font-bold text-price">{formatFen(p.priceFen)}</span>
                    <span className="text-xs text-muted">{t("shop.sold", { count: p.soldCount })}</span>
                  </p>
                  {!p.inStock ? <p className="text-xs text-danger">{t("shop.soldOut")}</p> : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p className="text-center text-sm">
        <Link to="/me" className="link">
          {t("shop.account")}
        </Link>
      </p>
    </div>
  );
}
