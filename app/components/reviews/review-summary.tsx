import { Link } from "@remix-run/react";
import ChevronRight from "lucide-react/icons/chevron-right";
import { useTranslation } from "react-i18next";
import { ReviewItem, type ReviewItemData } from "./review-item";
import { Stars } from "./stars";

export interface ReviewSummaryData {
  count: number;
  average: number | null;
  distribution: Array<{ stars: number; count: number; percent: number }>;
  withPhotos: number;
  good: number;
  bad: number;
}

/** The average (one decimal), count and distribution 5 → 1 as bars, with exact numbers beside them. */
export function RatingOverview({ summary }: { summary: ReviewSummaryData }) {
  const { t } = useTranslation();
  return (
    <div className="flex items-center gap-4">
      <div className="text-center">
        <p className="tabular text-4xl font-bold" data-testid="review-average">
          {summary.average === null ? "—" : summary.average.toFixed(1)}
        </p>
        {summary.average !== null ? <Stars rating={summary.average} /> : null}
        <p className="text-xs text-muted" data-testid="review-count">
          {t("reviews.count", { count: summary.count })}
        </p>
      </div>
      <table className="flex-1 text-xs" aria-label={t("reviews.distribution")}>
        <tbody>
          {summary.distribution.map((d) => (
            <tr key={d.stars} data-testid={`review-dist-${d.stars}`}>
              <th scope="row" className="tabular w-10 py-0.5 pr-2 text-left font-normal whitespace-nowrap">
                {t("reviews.starsShort", { count: d.stars })}
              </th>
              <td className="w-full py-0.5">
                <div className="h-2 rounded-full bg-line" aria-hidden>
                  <div className="h-2 rounded-full bg-price" style={{ width: `${d.percent}%` }} />
                </div>
              </td>
              <td className="tabular py-0.5 pl-2 text-right">{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The product page's block: the overview, the best recent reviews, and the way to all of them. */
export function ProductReviews({ productId, summary, highlights, locale }: { productId: string; summary: ReviewSummaryData; highlights: ReviewItemData[]; locale: string }) {
  const { t } = useTranslation();
  return (
    <section className="card mx-4 space-y-3" aria-labelledby="reviews-title" data-testid="product-reviews">
      <h2 id="reviews-title" className="flex items-center justify-between font-semibold">
        {t("reviews.title")}
        {summary.count > 0 ? (
          <Link to={`/products/${productId}/reviews`} className="link flex min-h-11 items-center text-sm font-normal">
            {t("reviews.all", { count: summary.count })}
            <ChevronRight aria-hidden className="size-4" />
          </Link>
        ) : null}
      </h2>
      {summary.count === 0 ? (
        <p className="text-sm text-muted">{t("reviews.none")}</p>
      ) : (
        <>
          <RatingOverview summary={summary} />
          {highlights.length ? (
            <div className="divide-y divide-line border-t border-line">
              {highlights.map((r) => (
                <ReviewItem key={r.id} review={r} locale={locale} />
              ))}
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
