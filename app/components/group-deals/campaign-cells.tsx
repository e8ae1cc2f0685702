import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import { formatPermille } from "~/modules/analytics/numbers";
import type { CampaignPhase, CampaignStats } from "~/modules/group-deals/campaign-schemas";
import type { GroupTier } from "~/modules/group-deals/tiers";

/** Cells of the campaign tables on /merchant/group-deals and /admin/group-deals (strings: groupDealsConsole). */
const PHASE_TONE: Record<CampaignPhase, string> = {
  pending_review: "bg-amber-50 text-amber-900",
  rejected: "bg-danger-50 text-danger",
  scheduled: "bg-surface text-ink",
  running: "bg-brand-50 text-brand-800",
  paused: "bg-surface text-ink",
  ended: "bg-surface text-muted",
};

export function PhaseBadge({ phase }: { phase: CampaignPhase }) {
  const { t } = useTranslation();
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${PHASE_TONE[phase]}`}>{t(`groupDealsConsole.phase.${phase}`)}</span>;
}

/** "2人 ¥35.90 → 5人 ¥29.90" */
export function useLadderText() {
  const { t } = useTranslation();
  return (tiers: readonly GroupTier[]) => tiers.map((tier) => t("groupDealsConsole.tier", { size: tier.size, price: formatFen(tier.unitPriceFen) })).join(" → ");
}

export function SuccessCell({ stats }: { stats: CampaignStats }) {
  const { t } = useTranslation();
  return (
    <div className="space-y-0.5">
      <p className="font-semibold">{stats.successPermille === null ? t("groupDealsConsole.noRate") : t("groupDealsConsole.rate", { rate: formatPermille(stats.successPermille) })}</p>
      <p className="text-xs text-muted">{t("groupDealsConsole.groups", { ...stats })}</p>
      <p className="text-xs text-muted">{t("groupDealsConsole.members", { count: stats.membersPaid })}</p>
    </div>
  );
}

export function RulesCell({ c }: { c: { durationMinutes: number; perUserLimit: number; leaderOnly: boolean } }) {
  const { t } = useTranslation();
  return (
    <ul className="space-y-0.5 text-xs">
      <li>{t("groupDealsConsole.duration", { hours: c.durationMinutes / 60 })}</li>
      <li>{t("groupDealsConsole.perUser", { count: c.perUserLimit })}</li>
      {c.leaderOnly ? <li>{t("groupDealsConsole.leaderOnly")}</li> : null}
    </ul>
  );
}
