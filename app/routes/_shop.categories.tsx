import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ProductGrid } from "~/components/shop/product-card";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { listShelfProducts, loadShelf } from "~/modules/catalog/queries.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "shop.categories")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = resolveLocale(request);
  const slug = new URL(request.url).searchParams.get("c");
  // One round trip when the category is named (every link names it); a bare /categories shows the first.
  const shelf = await loadShelf(context, locale, { limit: 60, categorySlug: slug ?? undefined });
  const { categories } = shelf;
  const current = slug ? categories.find((c) => c.slug === slug) : categories[0];
  if (slug && !current) throw new Response("Not Found", { status: 404 });
  if (!current) return { categories, current: null, products: [] };
  const products = slug ? shelf.products : await listShelfProducts(context, locale, { limit: 60, categoryId: current.id });
  return { categories, current, products };
}

/** A rail of categories on the left, the chosen category's products on the right. */
export default function Categories() {
  const { t } = useTranslation();
  const { categories, current, products } = useLoaderData<typeof loader>();
  return (
    <div className="flex min-h-[calc(100dvh-9rem)]">
      <nav aria-label={t("shop.categories")} className="w-24 shrink-0 bg-white">
        <ul>
          {categories.map((c) => (
            <li key={c.id}>
              <Link
                to={`?c=${c.slug}`}
                replace
                aria-current={c.id === current?.id ? "page" : undefined}
                className={`flex min-h-12 items-center justify-center px-2 text-center text-sm ${c.id === current?.id ? "border-l-4 border-brand-600 bg-surface font-semibold text-brand-800" : ""}`}
              >
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="flex-1 space-y-3 p-3" aria-labelledby="category-title">
        <h1 id="category-title" className="font-bold">
          {current?.name}
        </h1>
        {products.length === 0 ? <p className="text-muted">{t("shop.empty")}</p> : <ProductGrid products={products} />}
      </section>
    </div>
  );
}
