import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import ChevronLeft from "lucide-react/icons/chevron-left";
import { useTranslation } from "react-i18next";
import { ReviewItem } from "~/components/reviews/review-item";
import { RatingOverview } from "~/components/reviews/review-summary";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { filterCount, parseListParams, PRODUCT_REVIEW_FILTERS, type ProductReviewFilter } from "~/modules/reviews/reviews";
import { listProductReviews } from "~/modules/reviews/reviews.server";

/**
 * /products/:id/reviews — every visible review of a product, newest first, filtered (all / with
 * photos / good / bad) and paged by plain links (`?filter=&page=`), so it works without JavaScript.
 * Not edge-cached (ADR 011 caches only the product page itself), so it is always current.
 */
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  if (!data) return [{ title: translate(locale, "errors.notFound.title") }];
  return [{ title: `${translate(locale, "reviews.list.title", { title: data.page.product.title })} · ${translate(locale, "app.name")}` }];
};

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  if (!/^prd_[0-9a-z]{20}$/.test(id)) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request);
  const { filter, page } = parseListParams(new URL(request.url).searchParams, PRODUCT_REVIEW_FILTERS);
  const result = await listProductReviews(context, id, { filter, page, locale });
  if (!result) throw new Response("Not Found", { status: 404 });
  return { page: result, locale };
}

const href = (filter: ProductReviewFilter, page = 1) => {
  const q = new URLSearchParams();
  if (filter !== "all") q.set("filter", filter);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : ".";
};

export default function ProductReviewsPage() {
  const { t } = useTranslation();
  const { page, locale } = useLoaderData<typeof loader>();
  const { product, summary, items, filter } = page;
  return (
    <div className="space-y-3 p-4">
      <Link to={`/products/${product.id}`} className="link flex min-h-11 items-center gap-1 text-sm">
        <ChevronLeft aria-hidden className="size-4" />
        {product.title}
      </Link>
      <h1 className="text-2xl font-bold">{t("reviews.list.heading")}</h1>
      <section className="card">{summary.count ? <RatingOverview summary={summary} /> : <p className="text-sm text-muted">{t("reviews.none")}</p>}</section>
      <nav aria-label={t("reviews.list.filters")}>
        <ul className="flex flex-wrap gap-2">
          {PRODUCT_REVIEW_FILTERS.map((f) => (
            <li key={f}>
              <Link
                to={href(f)}
                aria-current={f === filter ? "page" : undefined}
                className={`flex min-h-11 items-center rounded-full border px-3 text-sm ${f === filter ? "border-brand-600 bg-brand-50 font-semibold text-brand-800" : "border-line bg-white"}`}
              >
                {t(`reviews.filter.${f}`, { count: filterCount(summary, f) })}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="card" aria-label={t(`reviews.filter.${filter}`, { count: page.total })}>
        {items.length ? (
          <div className="divide-y divide-line">
            {items.map((r) => (
              <ReviewItem key={r.id} review={r} locale={locale} />
            ))}
          </div>
        ) : (
          <p className="text-sm text-muted">{t("reviews.list.empty")}</p>
        )}
      </section>
      {page.pages > 1 ? (
        <nav aria-label={t("reviews.list.pages")} className="flex items-center justify-between gap-2">
          {page.page > 1 ? (
            <Link to={href(filter, page.page - 1)} className="btn-secondary min-h-11 px-4" rel="prev">
              {t("reviews.list.prev")}
            </Link>
          ) : (
            <span />
          )}
          <span className="tabular text-sm text-muted">{t("reviews.list.pageOf", { page: page.page, pages: page.pages })}</span>
          {page.page < page.pages ? (
            <Link to={href(filter, page.page + 1)} className="btn-secondary min-h-11 px-4" rel="next">
              {t("reviews.list.next")}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
