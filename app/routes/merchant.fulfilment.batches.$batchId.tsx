import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { getMerchantBatch } from "~/modules/fulfilment/batches.server";
import { BATCH_ID } from "~/modules/fulfilment/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "fulfilment.batch.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const batchId = params.batchId ?? "";
  // Another merchant's batch (or no batch) is simply not found.
  const batch = BATCH_ID.test(batchId) ? await getMerchantBatch(context, merchant.id, batchId) : null;
  if (!batch) throw new Response("Not Found", { status: 404 });
  return { batch, locale: resolveLocale(request) };
}

/** One batch: items with the leader's counts and shortage notes, and the order lines it carries. */
export default function MerchantBatch() {
  const { t } = useTranslation();
  const { batch, locale } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="max-w-4xl space-y-4">
      <Link className="link no-print" to={`/merchant/fulfilment?date=${batch.deliveryDate}`}>
        {t("fulfilment.sheet.back")}
      </Link>
      <h1 className="text-2xl font-bold">
        {t("fulfilment.batch.title")} · {batch.pointName}
      </h1>
      <dl className="card grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-muted">{t("fulfilment.sheet.date")}</dt>
        <dd>{batch.deliveryDate}</dd>
        <dt className="text-muted">{t("fulfilment.sheet.leader")}</dt>
        <dd>{batch.leaderName}</dd>
        <dt className="text-muted">{t("fulfilment.sheet.status")}</dt>
        <dd>{t(`fulfilment.status.${batch.status}`)}</dd>
        {batch.shippedAt ? (
          <>
            <dt className="text-muted">{t("fulfilment.batch.shippedAt")}</dt>
            <dd>{formatDateTime(batch.shippedAt, locale)}</dd>
          </>
        ) : null}
        {batch.arrivedAt ? (
          <>
            <dt className="text-muted">{t("fulfilment.batch.arrivedAt")}</dt>
            <dd>{formatDateTime(batch.arrivedAt, locale)}</dd>
          </>
        ) : null}
      </dl>
      {batch.status === "locked" ? (
        <Form method="post" action={`/merchant/fulfilment?index&date=${batch.deliveryDate}`} className="no-print">
          <input type="hidden" name="intent" value="ship" />
          <input type="hidden" name="batchId" value={batch.id} />
          <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
            {t("fulfilment.merchant.ship")}
          </button>
        </Form>
      ) : null}
      <section className="card overflow-x-auto" aria-labelledby="items-title">
        <h2 id="items-title" className="mb-2 font-semibold">{t("fulfilment.batch.items")}</h2>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-line">
              <th scope="col" className="py-2">{t("fulfilment.sheet.product")}</th>
              <th scope="col" className="py-2">{t("fulfilment.sheet.spec")}</th>
              <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.expected")}</th>
              <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.received")}</th>
              <th scope="col" className="py-2">{t("fulfilment.sheet.note")}</th>
            </tr>
          </thead>
          <tbody>
            {batch.items.map((i) => (
              <tr key={i.skuId} className="border-b border-line last:border-0">
                <td className="py-2">{i.title}</td>
                <td className="py-2">{i.spec}</td>
                <td className="tabular py-2 text-right">{i.expectedQty}</td>
                <td className={`tabular py-2 text-right ${i.receivedQty !== null && i.receivedQty < i.expectedQty ? "font-semibold text-danger" : ""}`}>{i.receivedQty ?? "—"}</td>
                <td className="py-2">
                  {i.shortageNote ?? ""}
                  {i.hasPhoto ? (
                    <a className="link no-print ml-2" href={`/merchant/fulfilment/batches/${batch.id}/photo/${i.skuId}`} target="_blank" rel="noreferrer">
                      {t("fulfilment.arrivals.viewPhoto")}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card overflow-x-auto" aria-labelledby="lines-title">
        <h2 id="lines-title" className="mb-2 font-semibold">{t("fulfilment.batch.lines")}</h2>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-line">
              <th scope="col" className="py-2">{t("fulfilment.sheet.order")}</th>
              <th scope="col" className="py-2">{t("fulfilment.sheet.product")}</th>
              <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.quantity")}</th>
              <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.short")}</th>
            </tr>
          </thead>
          <tbody>
            {batch.lines.map((l) => (
              <tr key={`${l.orderId}-${l.skuId}`} className="border-b border-line last:border-0">
                <td className="tabular py-2">{l.orderId}</td>
                <td className="py-2">
                  {l.title} <span className="text-muted">{l.spec}</span>
                </td>
                <td className="tabular py-2 text-right">{l.quantity}</td>
                <td className={`tabular py-2 text-right ${l.shortageQty ? "font-semibold text-danger" : ""}`}>{l.shortageQty || ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
