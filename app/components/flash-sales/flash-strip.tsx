import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatFen } from "~/lib/format";
import { aboveTheFold } from "~/lib/image-loading";
import { SaleTimer } from "./countdown";
import { StockBar } from "./stock-bar";

export interface FlashStripItem {
  id: string;
  title: string;
  imageUrl: string | null;
  listPriceFen: number;
  flashPriceFen: number;
  opensAt: number;
  endsAt: number;
  counts: { stock: number; sold: number; reserved: number; remaining: number };
  phase: string;
}

/**
 * "限时抢购" on the home page: the sales on now, then the next ones. The home is edge-cached for
 * anonymous visitors, so the strip is the same for everyone: an ordinary member's opening times,
 * absolute in the HTML, counted down by the device's clock once the page runs (no server time is
 * baked in: a cached copy would carry a stale one). Everything it needs is already in the page's
 * bundle (React, the router's Link), no library of its own.
 */
export function FlashStrip({ sales }: { sales: FlashStripItem[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="home-flash-title">
      <div className="mb-2 flex items-baseline justify-between">
        <h2 id="home-flash-title" className="text-lg font-bold">
          {t("flashSales.title")}
        </h2>
        <Link to="/flash-sales" className="link inline-flex min-h-11 items-center text-sm">
          {t("flashSales.home.all")}
        </Link>
      </div>
      <ul className="-mx-4 flex snap-x gap-3 overflow-x-auto px-4 pb-1" data-testid="home-flash">
        {sales.map((s, i) => (
          <li key={s.id} className="w-40 shrink-0 snap-start">
            <Link to={`/flash-sales/${s.id}`} className="block overflow-hidden rounded-2xl bg-white shadow-sm">
              {s.imageUrl ? <img src={s.imageUrl} alt="" width={160} height={120} {...aboveTheFold(i, true)} decoding="async" className="h-28 w-full bg-brand-50 object-cover" /> : <div className="h-28 w-full bg-brand-50" />}
              <div className="space-y-1 p-2 text-sm">
                <h3 className="truncate font-medium">{s.title}</h3>
                <p className="flex items-baseline gap-1.5">
                  <span className="tabular font-bold text-price">{formatFen(s.flashPriceFen)}</span>
                  <s className="tabular text-xs text-muted">{formatFen(s.listPriceFen)}</s>
                </p>
                <StockBar counts={s.counts} compact />
                <SaleTimer opensAt={s.opensAt} endsAt={s.endsAt} phase={s.phase} className="block text-xs text-price" />
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
