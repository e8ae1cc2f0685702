import Star from "lucide-react/icons/star";
import { useTranslation } from "react-i18next";

/** A 1–5 rating as five stars; the text for screen readers says the number. */
export function Stars({ rating, size = "size-4" }: { rating: number; size?: string }) {
  const { t } = useTranslation();
  return (
    <span role="img" aria-label={t("reviews.starsLabel", { count: rating })} className="inline-flex items-center gap-0.5">
      {[1, 2, 3, 4, 5].map((n) => (
        <Star key={n} aria-hidden className={`${size} ${n <= Math.round(rating) ? "fill-price text-price" : "text-line"}`} />
      ))}
    </span>
  );
}

/**
 * The rating input: five radio buttons in a fieldset, each with its label (works without
 * JavaScript, keyboard arrows move between them).
 */
export function StarInput({ name, defaultValue, invalid, describedBy }: { name: string; defaultValue?: number; invalid?: boolean; describedBy?: string }) {
  const { t } = useTranslation();
  return (
    <fieldset aria-invalid={invalid || undefined} aria-describedby={describedBy}>
      <legend className="field-label">{t("reviews.form.rating")}</legend>
      <div className="grid grid-cols-5 gap-1">
        {[1, 2, 3, 4, 5].map((n) => (
          <label
            key={n}
            className="flex min-h-16 cursor-pointer flex-col items-center justify-center gap-1 rounded-xl border border-line bg-white px-1 text-center text-xs has-[:checked]:border-price has-[:checked]:bg-price-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-3 has-[:focus-visible]:outline-brand-600"
          >
            <input type="radio" name={name} value={n} defaultChecked={defaultValue === n} required className="sr-only" />
            <Star aria-hidden className="size-6 fill-price text-price" />
            <span className="tabular font-semibold">{t("reviews.starsShort", { count: n })}</span>
            <span>{t(`reviews.ratingWord.${n}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
