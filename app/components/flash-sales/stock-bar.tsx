import { useTranslation } from "react-i18next";

/**
 * How much of a sale is gone: "已抢 83%" and a bar, from the stock object's counts (sold + held
 * by reservations waiting for payment, of the stock). Whole percent, rounded down, so it shows 100%
 * only when nothing is left.
 */
export function StockBar({ counts, compact = false }: { counts: { stock: number; sold: number; reserved: number; remaining: number }; compact?: boolean }) {
  const { t } = useTranslation();
  const taken = counts.sold + counts.reserved;
  const percent = counts.stock > 0 ? Math.min(100, Math.floor((100 * taken) / counts.stock)) : 100;
  const label = counts.remaining <= 0 ? t("flashSales.stock.gone") : t("flashSales.stock.taken", { percent });
  return (
    <div className="flex items-center gap-2" data-testid="flash-stock">
      <div
        className={`${compact ? "h-1.5" : "h-2.5"} flex-1 overflow-hidden rounded-full bg-price-50`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label={label}
      >
        <div className="h-full rounded-full bg-price" style={{ width: `${percent}%` }} />
      </div>
      <span className={`tabular shrink-0 font-medium text-price ${compact ? "text-xs" : "text-sm"}`}>{label}</span>
      {!compact && counts.remaining > 0 ? <span className="tabular shrink-0 text-sm text-muted">{t("flashSales.stock.left", { count: counts.remaining })}</span> : null}
    </div>
  );
}
