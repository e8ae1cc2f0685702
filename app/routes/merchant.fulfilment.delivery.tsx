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
  return [{ title: `${translate(locale, "fulfilment.delivery.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const parsed = v.safeParse(DateQuery, new URL(request.url).searchParams.get("date") ?? "");
  if (!parsed.success) throw data({ error: "date_invalid" }, { status: 400 });
  // The driver needs the full address: the merchant delivers to these points.
  return { merchantName: merchant.name, day: await getMerchantDay(context, merchant.id, parsed.output, { withAddresses: true }) };
}

/** The delivery sheet for the driver: stops by area (leader, address), item totals, a signature line per stop. */
export default function DeliverySheet() {
  const { t } = useTranslation();
  const { merchantName, day } = useLoaderData<typeof loader>();
  return (
    <div className="print-sheet max-w-4xl space-y-4">
      <SheetHeader sheet="delivery" title={t("fulfilment.delivery.title")} merchantName={merchantName} date={day.date} empty={day.batches.length === 0} />
      {day.batches.map((b, index) => (
        <section key={b.id} className="card print-page" aria-labelledby={`stop-${b.id}`}>
          <h2 id={`stop-${b.id}`} className="text-lg font-semibold">
            {t("fulfilment.delivery.stop", { n: index + 1 })} · {b.pointName}
          </h2>
          <dl className="grid grid-cols-[7rem_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted">{t("fulfilment.sheet.leader")}</dt>
            <dd>{b.leaderName}</dd>
            <dt className="text-muted">{t("fulfilment.sheet.area")}</dt>
            <dd>{b.area}</dd>
            <dt className="text-muted">{t("fulfilment.sheet.address")}</dt>
            <dd>{b.address}</dd>
            <dt className="text-muted">{t("fulfilment.sheet.orders")}</dt>
            <dd className="tabular">{b.orders}</dd>
          </dl>
          <table className="mt-2 w-full text-left text-sm">
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className="py-2">{t("fulfilment.sheet.product")}</th>
                <th scope="col" className="py-2">{t("fulfilment.sheet.spec")}</th>
                <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.quantity")}</th>
              </tr>
            </thead>
            <tbody>
              {b.items.map((i) => (
                <tr key={i.skuId} className="border-b border-line">
                  <td className="py-2">{i.title}</td>
                  <td className="py-2">{i.spec}</td>
                  <td className="tabular print-count py-2 text-right text-lg font-semibold">{i.expectedQty}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2} className="py-2">{t("fulfilment.sheet.total")}</th>
                <td className="tabular print-count py-2 text-right font-bold">{b.totalQty}</td>
              </tr>
            </tfoot>
          </table>
          <p className="mt-6 text-sm">{t("fulfilment.sheet.receivedBy")} ____________________</p>
        </section>
      ))}
    </div>
  );
}
