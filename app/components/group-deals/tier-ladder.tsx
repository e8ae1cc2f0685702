import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import type { GroupTier } from "~/modules/group-deals/tiers";

/**
 * The tier ladder (阶梯价: 3人团 ¥25.90 → 5人团 ¥22.90), with the tier the paid members reach now
 * and the next one marked, and beneath it what the next tier needs ("再邀 2 人，每人 ¥22.90").
 * Without `paid` (a product page with no group yet) it shows the ladder alone. Pure rendering of
 * the tiers the server sent; the money rule itself lives in app/modules/group-deals/tiers.ts.
 */
export function TierLadder({ tiers, paid, listPriceFen, closed = false }: { tiers: GroupTier[]; paid?: number; listPriceFen?: number; closed?: boolean }) {
  const { t } = useTranslation();
  let current: GroupTier | null = null;
  if (paid !== undefined) for (const tier of tiers) if (paid >= tier.size) current = tier;
  const next = paid !== undefined && !closed ? tiers.find((tier) => tier.size > paid) : undefined;
  const needed = next && paid !== undefined ? next.size - paid : 0;
  return (
    <div className="space-y-2">
      <ol className="flex items-stretch gap-2" aria-label={t("groupDeals.ladder.title")}>
        {listPriceFen !== undefined ? (
          <li className="flex min-w-0 flex-1 flex-col items-center justify-center rounded-xl border border-line px-2 py-2 text-center">
            <span className="text-xs text-muted">{t("groupDeals.ladder.listPrice", { price: formatFen(listPriceFen) })}</span>
          </li>
        ) : null}
        {tiers.map((tier) => {
          const isCurrent = current?.size === tier.size;
          const isNext = next?.size === tier.size;
          return (
            <li
              key={tier.size}
              aria-current={isCurrent ? "step" : undefined}
              className={`flex min-w-0 flex-1 flex-col items-center justify-center rounded-xl border-2 px-2 py-2 text-center ${
                isCurrent ? "border-price bg-white" : isNext ? "border-dashed border-price" : "border-line"
              }`}
            >
              <span className="text-sm font-medium">{t("groupDeals.tier", { size: tier.size })}</span>
              <span className="tabular text-lg font-bold text-price">{formatFen(tier.unitPriceFen)}</span>
              {isCurrent ? <span className="rounded-full bg-price px-2 text-xs leading-5 font-semibold text-white">{t("groupDeals.ladder.current")}</span> : null}
              {isNext ? <span className="text-xs text-muted">{t("groupDeals.ladder.next")}</span> : null}
            </li>
          );
        })}
      </ol>
      {next ? (
        <p className="text-sm font-semibold text-price">
          {t(current ? "groupDeals.next.more" : "groupDeals.next.first", { count: needed, price: formatFen(next.unitPriceFen) })}
        </p>
      ) : paid !== undefined && current && !closed ? (
        <p className="text-sm font-semibold text-price">{t("groupDeals.next.top", { price: formatFen(current.unitPriceFen) })}</p>
      ) : null}
    </div>
  );
}
