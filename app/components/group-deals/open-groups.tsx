import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TimeLeft } from "./time-left";

export interface OpenGroupItem {
  id: string;
  capacity: number;
  paidCount: number;
  deadlineAt: number;
  starterName: string;
  starterAvatar: string | null;
  next: { tier: { size: number; unitPriceFen: number }; needed: number } | null;
}

/** Open groups of a product, fullest first: starter, progress, what is still needed, time left and a way in. */
export function OpenGroupList({ groups, serverNow }: { groups: OpenGroupItem[]; serverNow: number }) {
  const { t } = useTranslation();
  return (
    <ul className="divide-y divide-line" data-testid="open-groups">
      {groups.map((g) => (
        <li key={g.id} className="flex items-center gap-3 py-2">
          {g.starterAvatar ? (
            <img src={g.starterAvatar} alt="" width={40} height={40} className="size-10 shrink-0 rounded-full object-cover" />
          ) : (
            <span aria-hidden className="flex size-10 shrink-0 items-center justify-center rounded-full bg-brand-600 font-bold text-white">
              {[...g.starterName][0] ?? "?"}
            </span>
          )}
          <div className="min-w-0 flex-1 text-sm">
            <p className="truncate font-medium">{t("groupDeals.product.starterOf", { name: g.starterName })}</p>
            <p className="text-muted">
              <span className="tabular">{t("groupDeals.progress", { paid: g.paidCount, capacity: g.capacity })}</span>
              {g.next ? ` · ${t("groupDeals.needed", { count: g.next.needed })}` : ""}
              {` · ${t("groupDeals.timeLeft")} `}
              <TimeLeft deadlineAt={g.deadlineAt} serverNow={serverNow} />
            </p>
          </div>
          <Link to={`/groups/${g.id}`} aria-label={t("groupDeals.product.joinLabel", { name: g.starterName })} className="btn-primary min-h-11 shrink-0 px-4 text-sm">
            {t("groupDeals.product.join")}
          </Link>
        </li>
      ))}
    </ul>
  );
}
