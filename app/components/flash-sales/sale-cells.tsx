import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import { formatPermille } from "~/modules/analytics/numbers";
import type { FlashSalePhase, Reconciliation } from "~/modules/flash-sales/sale-schemas";

/** Cells of the flash-sale tables on /merchant/flash-sales and /admin/flash-sales (strings: flashSalesConsole). */
const PHASE_TONE: Record<FlashSalePhase, string> = {
  pending_review: "bg-amber-50 text-amber-900",
  rejected: "bg-danger-50 text-danger",
  paused: "bg-surface text-ink",
  scheduled: "bg-surface text-ink",
  live: "bg-brand-50 text-brand-800",
  ended: "bg-surface text-muted",
  reconciled: "bg-surface text-muted",
};

export function FlashPhaseBadge({ phase }: { phase: FlashSalePhase }) {
  const { t } = useTranslation();
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${PHASE_TONE[phase]}`}>{t(`flashSalesConsole.phase.${phase}`)}</span>;
}

/** Flash price over the regular one. */
export function PriceCell({ s }: { s: { flashPriceFen: number; listPriceFen: number } }) {
  const { t } = useTranslation();
  return (
    <div className="tabular">
      <p className="font-semibold text-price">{formatFen(s.flashPriceFen)}</p>
      <p className="text-xs text-muted">{t("flashSalesConsole.listPrice", { price: formatFen(s.listPriceFen) })}</p>
    </div>
  );
}

/** Units, per-shopper limit, time to pay and early access. */
export function StockCell({ s }: { s: { stock: number; shards: number; perUserLimit: number; paymentTimeoutSeconds: number; earlyAccess: { silver?: number; gold?: number } } }) {
  const { t } = useTranslation();
  const early = (s.earlyAccess.silver ?? 0) + (s.earlyAccess.gold ?? 0) > 0;
  return (
    <ul className="tabular space-y-0.5 text-xs">
      <li className="text-sm font-semibold">{t("flashSalesConsole.stockUnits", { count: s.stock })}</li>
      {s.shards > 1 ? <li>{t("flashSalesConsole.shards", { count: s.shards })}</li> : null}
      <li>{t("flashSalesConsole.perUser", { count: s.perUserLimit })}</li>
      <li>{t("flashSalesConsole.timeout", { minutes: Math.round(s.paymentTimeoutSeconds / 60) })}</li>
      <li>{early ? t("flashSalesConsole.early", { silver: s.earlyAccess.silver ?? 0, gold: s.earlyAccess.gold ?? 0 }) : t("flashSalesConsole.noEarly")}</li>
    </ul>
  );
}

/** After the reconciliation: sold and sell-through, whether the stock object and D1 agreed. */
export function ResultCell({ s, detail }: { s: { stock: number; reconciliation: Reconciliation | null; sellThroughPermille: number | null }; detail?: boolean }) {
  const { t } = useTranslation();
  const r = s.reconciliation;
  if (!r) return <p className="text-xs text-muted">{t("flashSalesConsole.notReconciled")}</p>;
  return (
    <div className="space-y-0.5">
      <p className="tabular font-semibold">{t("flashSalesConsole.sold", { sold: r.sold, stock: s.stock, rate: s.sellThroughPermille === null ? "—" : formatPermille(s.sellThroughPermille) })}</p>
      {r.differences.length ? (
        <p className="text-xs font-semibold text-danger">{t("flashSalesConsole.differences", { count: r.differences.length })}</p>
      ) : (
        <p className="text-xs text-muted">{t("flashSalesConsole.matched")}</p>
      )}
      {detail ? <p className="tabular text-xs text-muted">{t("flashSalesConsole.reconciliation", { ...r })}</p> : null}
      {detail && r.differences.length ? (
        <ul className="space-y-0.5 font-mono text-xs break-all text-danger">
          {r.differences.map((d, i) => (
            <li key={i}>
              {t(`flashSalesConsole.diff.${d.kind}`, { reservation: d.reservationId ?? "—", order: d.orderId ?? "—" })}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
