import { useTranslation } from "react-i18next";
import { formatDate } from "~/lib/format";
import { Stars } from "./stars";

export interface ReviewItemData {
  id: string;
  rating: number;
  body: string;
  photos: string[];
  name: string;
  spec: string;
  createdAt: number;
  reply: string | null;
  repliedAt: number | null;
}

/** One review as the storefront shows it: masked name, stars, spec, date, text, photos, the merchant's reply. */
export function ReviewItem({ review, locale }: { review: ReviewItemData; locale: string }) {
  const { t } = useTranslation();
  return (
    <article className="space-y-2 py-3" aria-label={t("reviews.itemLabel", { name: review.name, count: review.rating })} data-testid="review-item">
      <div className="flex items-center justify-between gap-2 text-sm">
        <span className="font-medium">{review.name}</span>
        <time className="tabular text-xs text-muted" dateTime={new Date(review.createdAt).toISOString()}>
          {formatDate(review.createdAt, locale)}
        </time>
      </div>
      <div className="flex items-center gap-2">
        <Stars rating={review.rating} />
        <span className="text-xs text-muted">{review.spec}</span>
      </div>
      {review.body ? <p className="text-sm whitespace-pre-line">{review.body}</p> : <p className="text-sm text-muted">{t("reviews.noText")}</p>}
      {review.photos.length ? (
        <ul className="flex gap-2" aria-label={t("reviews.photos")}>
          {review.photos.map((url, i) => (
            <li key={url}>
              <a href={url} className="block" aria-label={t("reviews.photoOpen", { n: i + 1 })}>
                <img src={url} alt="" loading="lazy" decoding="async" width={80} height={80} className="size-20 rounded-lg object-cover" />
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {review.reply ? (
        <div className="rounded-lg bg-surface p-2 text-sm" data-testid="review-reply">
          <p className="text-xs font-semibold text-muted">{t("reviews.merchantReply")}</p>
          <p className="whitespace-pre-line">{review.reply}</p>
        </div>
      ) : null}
    </article>
  );
}
