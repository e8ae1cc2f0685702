import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import { aboveTheFold } from "~/lib/image-loading";

export interface HomeGroupItem {
  id: string;
  title: string;
  imageUrl: string | null;
  capacity: number;
  paidCount: number;
  deadlineAt: number;
  next: { tier: { size: number; unitPriceFen: number }; needed: number } | null;
  /** The lowest price the group can reach (its top tier). */
  bestFen: number;
  bestSize: number;
}

const deadlineFormats = new Map<string, Intl.DateTimeFormat>();

/** "11/26 14:00" in Asia/Shanghai: the same text for every visitor, so the edge-cached home stays right. */
function deadlineText(epochMs: number, locale: string): string {
  let f = deadlineFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
    deadlineFormats.set(locale, f);
  }
  return f.format(new Date(epochMs));
}

/**
 * "正在拼团" on the home page: open groups anyone may join, fullest first. The home page is
 * edge-cached for anonymous visitors, so the strip shows nothing personal and no clock-relative
 * text (an absolute deadline instead of a countdown), and it adds no script of its own.
 */
export function OpenGroupsStrip({ groups, locale }: { groups: HomeGroupItem[]; locale: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="home-groups-title">
      <h2 id="home-groups-title" className="mb-2 text-lg font-bold">
        {t("groupDeals.home.title")}
      </h2>
      <ul className="-mx-4 flex snap-x gap-3 overflow-x-auto px-4 pb-1" data-testid="home-groups">
        {groups.map((g, i) => (
          <li key={g.id} className="w-40 shrink-0 snap-start">
            <Link to={`/groups/${g.id}`} className="block overflow-hidden rounded-2xl bg-white shadow-sm">
              {g.imageUrl ? <img src={g.imageUrl} alt="" width={160} height={120} {...aboveTheFold(i)} decoding="async" className="h-28 w-full bg-brand-50 object-cover" /> : <div className="h-28 w-full bg-brand-50" />}
              <div className="space-y-0.5 p-2 text-sm">
                <h3 className="truncate font-medium">{g.title}</h3>
                <p className="tabular font-bold text-price">
                  {t("groupDeals.tierPrice", { size: g.bestSize, price: formatFen(g.bestFen) })}
                </p>
                <p className="text-xs text-muted">
                  <span className="tabular">{t("groupDeals.progress", { paid: g.paidCount, capacity: g.capacity })}</span>
                  {g.next ? ` · ${t("groupDeals.needed", { count: g.next.needed })}` : ""}
                </p>
                <p className="tabular text-xs text-muted">{t("groupDeals.deadline", { time: deadlineText(g.deadlineAt, locale) })}</p>
                <span className="mt-1 inline-flex min-h-8 items-center rounded-full bg-price px-3 text-xs font-semibold text-white">{t("groupDeals.home.join")}</span>
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
