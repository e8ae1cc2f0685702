import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { ProductGrid } from "~/components/shop/product-card";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { searchProducts } from "~/modules/catalog/search.server";

export const meta: MetaFunction = ({ matches, location }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  const q = new URLSearchParams(location.search).get("q") ?? "";
  return [{ title: `${q ? `${q} · ` : ""}${translate(locale, "search.title")} · ${translate(locale, "app.name")}` }, { name: "robots", content: "noindex" }];
};

export const SearchQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, "query_too_long")), ""),
  page: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,3}$/, "page_invalid")), "1"),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = v.safeParse(SearchQuery, { q: url.searchParams.get("q") ?? undefined, page: url.searchParams.get("page") ?? undefined });
  if (!parsed.success) return data({ q: "", results: null, error: parsed.issues[0].message }, { status: 400 });
  const locale = resolveLocale(request);
  if (!parsed.output.q) return { q: "", results: null, error: null };
  const results = await searchProducts(context, parsed.output.q, locale, Number(parsed.output.page));
  return { q: parsed.output.q, results, error: null };
}

export default function SearchPage() {
  const { t } = useTranslation();
  const { q, results, error } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const pageLink = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    return `?${next}`;
  };
  return (
    <div className="space-y-4 p-4">
      <h1 className="text-xl font-bold">{q ? t("search.resultsFor", { q }) : t("search.title")}</h1>
      {error ? <p className="field-error">{t(`validation.${error}`)}</p> : null}
      {results === null ? (
        <p className="text-muted">{t("search.hint")}</p>
      ) : results.total === 0 ? (
        <div className="card space-y-2">
          <p>{t("search.none", { q })}</p>
          <Link to="/" className="link">
            {t("search.browse")}
          </Link>
        </div>
      ) : (
        <>
          <p className="text-sm text-muted" role="status">
            {results.capped ? t("search.countCapped", { count: results.total }) : t("search.count", { count: results.total })}
          </p>
          <ProductGrid products={results.rows} />
          {results.pageCount > 1 ? (
            <nav aria-label={t("common.pagination")} className="flex items-center justify-between">
              {results.page > 1 ? <Link to={pageLink(results.page - 1)} className="btn-secondary">{t("common.previous")}</Link> : <span />}
              <span className="tabular text-sm">{t("common.pageOf", { page: results.page, count: results.pageCount })}</span>
              {results.page < results.pageCount ? <Link to={pageLink(results.page + 1)} className="btn-secondary">{t("common.next")}</Link> : <span />}
            </nav>
          ) : null}
        </>
      )}
    </div>
  );
}
