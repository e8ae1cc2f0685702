import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { SheetHeader } from "~/components/fulfilment/sheet-header";
import { translate } from "~/i18n/i18n";
import { getMerchantDay } from "~/modules/fulfilment/batches.server";
import { DateQuery } from "~/modules/fulfilment/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "fulfilment.picking.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const parsed = v.safeParse(DateQuery, new URL(request.url).searchParams.get("date") ?? "");
  if (!parsed.success) throw data({ error: "date_invalid" }, { status: 400 });
  return { merchantName: merchant.name, day: await getMerchantDay(context, merchant.id, parsed.output) };
}

/** The picking sheet: one pickup point per printed page, SKU × quantity, order count, a signature line. */
export default function PickingSheet() {
  const { t } = useTranslation();
  const { merchantName, day } = useLoaderData<typeof loader>();
  return (
    <div className="print-sheet max-w-4xl space-y-4">
      <SheetHeader sheet="picking" title={t("fulfilment.picking.title")} merchantName={merchantName} date={day.date} empty={day.batches.length === 0} />
      {day.batches.map((b) => (
        <section key={b.id} className="card print-page" aria-labelledby={`pick-${b.id}`}>
          <h2 id={`pick-${b.id}`} className="text-lg font-semibold">
            {b.pointName} <span className="text-sm font-normal text-muted">{b.area}</span>
          </h2>
          <p className="text-sm">{t("fulfilment.sheet.orderCount", { count: b.orders })}</p>
          <table className="mt-2 w-full text-left text-sm">
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className="py-2">{t("fulfilment.sheet.product")}</th>
                <th scope="col" className="py-2">{t("fulfilment.sheet.spec")}</th>
                <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.quantity")}</th>
                <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.checked")}</th>
              </tr>
            </thead>
            <tbody>
              {b.items.map((i) => (
                <tr key={i.skuId} className="border-b border-line">
                  <td className="py-2">{i.title}</td>
                  <td className="py-2">{i.spec}</td>
                  <td className="tabular print-count py-2 text-right text-lg font-semibold">{i.expectedQty}</td>
                  <td className="py-2 text-right">☐</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2} className="py-2">{t("fulfilment.sheet.total")}</th>
                <td className="tabular print-count py-2 text-right font-bold">{b.totalQty}</td>
                <td />
              </tr>
            </tfoot>
          </table>
          <p className="mt-6 text-sm">{t("fulfilment.sheet.pickedBy")} ____________________</p>
        </section>
      ))}
    </div>
  );
}
