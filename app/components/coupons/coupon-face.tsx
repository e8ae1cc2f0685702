import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import { termsOf, type CouponTermsRow } from "~/modules/coupons/terms";

/** The big figure on a coupon: ¥5.00, or 9 折 / 10% off. */
export function CouponFigure({ coupon, locale }: { coupon: CouponTermsRow; locale: string }) {
  const { t } = useTranslation();
  const terms = termsOf(coupon);
  return (
    <span className="tabular text-2xl font-bold text-price">
      {terms.key === "percentage" ? t("coupons.terms.percentage", { value: locale === "en" ? terms.percentOff : terms.zhe }) : formatFen(terms.amountFen)}
    </span>
  );
}

/** The rule in words, beside the figure: 无门槛 / 满 50 可用 / 满 X 可用 · 最高减 Y. */
export function CouponRule({ coupon }: { coupon: CouponTermsRow }) {
  const { t } = useTranslation();
  const terms = termsOf(coupon);
  const parts: string[] = [];
  if (terms.key === "threshold") parts.push(t("coupons.terms.minimum", { amount: formatFen(terms.thresholdFen ?? 0) }));
  else if (terms.key === "fixed") parts.push(t("coupons.terms.fixedRule", { amount: formatFen(terms.amountFen) }));
  else {
    parts.push(terms.thresholdFen ? t("coupons.terms.minimum", { amount: formatFen(terms.thresholdFen) }) : t("coupons.terms.noMinimum"));
    if (terms.capFen) parts.push(t("coupons.terms.cap", { amount: formatFen(terms.capFen) }));
  }
  return <>{parts.join(" · ")}</>;
}
