import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { getMerchantDay, listMerchantDeliveryDates, shipBatch } from "~/modules/fulfilment/batches.server";
import { businessDateOf, deliveryDateFor } from "~/modules/fulfilment/business-date";
import { DateQuery, ShipBatchInput } from "~/modules/fulfilment/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "fulfilment.merchant.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const dates = await listMerchantDeliveryDates(context, merchant.id);
  const raw = new URL(request.url).searchParams.get("date");
  const parsed = raw ? v.safeParse(DateQuery, raw) : null;
  if (parsed && !parsed.success) throw data({ error: "date_invalid" }, { status: 400 });
  const date = parsed?.output ?? dates[0] ?? deliveryDateFor(businessDateOf(Date.now()));
  return { dates, day: await getMerchantDay(context, merchant.id, date), locale: resolveLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const submission = parseWithValibot(await request.formData(), { schema: ShipBatchInput });
  if (submission.status !== "success") return data({ result: submission.reply(), shipped: null, error: "batch_invalid" }, { status: 400 });
  const shipped = await shipBatch(context, { merchantId: merchant.id, batchId: submission.value.batchId, userId: user.id });
  if (!shipped.ok) {
    if (shipped.error.code === "batch_not_found") throw new Response("Not Found", { status: 404 });
    return data({ result: submission.reply({ formErrors: [shipped.error.code] }), shipped: null, error: shipped.error.code }, { status: 409 });
  }
  return { result: submission.reply(), shipped: { batchId: submission.value.batchId, orders: shipped.value.orders }, error: null };
}

export default function MerchantFulfilment() {
  const { t } = useTranslation();
  const { dates, day, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const q = `date=${day.date}`;
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-bold">{t("fulfilment.merchant.title")}</h1>
      <nav aria-label={t("fulfilment.merchant.dates")} className="no-print flex flex-wrap gap-2">
        {dates.length === 0 ? <p className="text-sm text-muted">{t("fulfilment.merchant.noDates")}</p> : null}
        {dates.map((d) => (
          <Link key={d} to={`?date=${d}`} aria-current={d === day.date ? "page" : undefined} className={`inline-flex min-h-11 items-center rounded-lg px-3 text-sm ${d === day.date ? "bg-brand-50 font-semibold text-brand-800" : "bg-white text-ink"}`}>
            {d}
          </Link>
        ))}
      </nav>
      {actionData?.shipped ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("fulfilment.merchant.shipped", { count: actionData.shipped.orders })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p role="alert" className="rounded-xl bg-red-50 p-3 text-sm text-danger">
          {t(`fulfilment.errors.${actionData.error}`, { defaultValue: t("fulfilment.errors.generic") })}
        </p>
      ) : null}
      <p className="text-sm text-muted">{t("fulfilment.merchant.deliveryDate", { date: day.date })}</p>
      {day.batches.length === 0 ? (
        <p className="card text-sm">{t("fulfilment.merchant.empty")}</p>
      ) : (
        <>
          <div className="no-print flex flex-wrap gap-2">
            <Link className="btn-secondary" to={`/merchant/fulfilment/picking?${q}`}>
              {t("fulfilment.merchant.pickingSheet")}
            </Link>
            <Link className="btn-secondary" to={`/merchant/fulfilment/delivery?${q}`}>
              {t("fulfilment.merchant.deliverySheet")}
            </Link>
            <a className="btn-secondary" href={`/merchant/fulfilment/export?${q}&sheet=procurement`} download>
              {t("fulfilment.merchant.exportProcurement")}
            </a>
          </div>
          <section className="card" aria-labelledby="procurement-title">
            <h2 id="procurement-title" className="mb-2 font-semibold">
              {t("fulfilment.merchant.procurement")}
            </h2>
            <table className="w-full text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="py-2">{t("fulfilment.sheet.product")}</th>
                  <th scope="col" className="py-2">{t("fulfilment.sheet.spec")}</th>
                  <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.quantity")}</th>
                </tr>
              </thead>
              <tbody>
                {day.procurement.map((p) => (
                  <tr key={p.skuId} className="border-b border-line last:border-0">
                    <td className="py-2">{p.title}</td>
                    <td className="py-2">{p.spec}</td>
                    <td className="tabular py-2 text-right font-semibold">{p.quantity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card overflow-x-auto" aria-labelledby="batches-title">
            <h2 id="batches-title" className="mb-2 font-semibold">
              {t("fulfilment.merchant.batches")}
            </h2>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-line">
                  <th scope="col" className="py-2">{t("fulfilment.sheet.point")}</th>
                  <th scope="col" className="py-2">{t("fulfilment.sheet.leader")}</th>
                  <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.orders")}</th>
                  <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.items")}</th>
                  <th scope="col" className="py-2">{t("fulfilment.sheet.status")}</th>
                  <th scope="col" className="py-2">
                    <span className="sr-only">{t("fulfilment.merchant.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {day.batches.map((b) => (
                  <tr key={b.id} className="border-b border-line last:border-0">
                    <td className="py-2">
                      <Link className="link" to={`/merchant/fulfilment/batches/${b.id}`}>
                        {b.pointName}
                      </Link>
                      <div className="text-xs text-muted">{b.area}</div>
                    </td>
                    <td className="py-2">{b.leaderName}</td>
                    <td className="tabular py-2 text-right">{b.orders}</td>
                    <td className="tabular py-2 text-right">{b.totalQty}</td>
                    <td className="py-2">
                      {t(`fulfilment.status.${b.status}`)}
                      {b.shippedAt ? <div className="text-xs text-muted">{t("fulfilment.merchant.shippedAt", { at: formatDateTime(b.shippedAt, locale) })}</div> : null}
                      {b.arrivedAt ? <div className="text-xs text-muted">{t("fulfilment.merchant.arrivedAt", { at: formatDateTime(b.arrivedAt, locale) })}</div> : null}
                      {b.status === "arrived" ? (
                        <div className={`text-xs ${b.shortageQty ? "text-danger" : "text-muted"}`}>{b.shortageQty ? t("fulfilment.merchant.shortage", { count: b.shortageQty }) : t("fulfilment.merchant.noShortage")}</div>
                      ) : null}
                    </td>
                    <td className="py-2 text-right">
                      {b.status === "locked" ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="ship" />
                          <input type="hidden" name="batchId" value={b.id} />
                          <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"} aria-label={t("fulfilment.merchant.shipLabel", { point: b.pointName })}>
                            {t("fulfilment.merchant.ship")}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
