import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/**
 * The top of a printable fulfilment sheet: back link, CSV export and print (screen only), the title,
 * the merchant and delivery date, and the empty state.
 */
export function SheetHeader({ sheet, title, merchantName, date, empty }: { sheet: "picking" | "delivery"; title: string; merchantName: string; date: string; empty: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="no-print flex flex-wrap items-center gap-2">
        <Link className="link" to={`/merchant/fulfilment?date=${date}`}>
          {t("fulfilment.sheet.back")}
        </Link>
        <a className="btn-secondary" href={`/merchant/fulfilment/export?date=${date}&sheet=${sheet}`} download>
          {t("fulfilment.sheet.exportCsv")}
        </a>
        {/* Printing needs JavaScript; without it the browser's own print command still works. */}
        <button type="button" className="btn-primary" onClick={() => window.print()}>
          {t("fulfilment.sheet.print")}
        </button>
      </div>
      <h1 className="text-2xl font-bold">{title}</h1>
      <p className="text-sm">{t("fulfilment.sheet.heading", { merchant: merchantName, date })}</p>
      {empty ? <p className="card text-sm">{t("fulfilment.merchant.empty")}</p> : null}
    </>
  );
}
