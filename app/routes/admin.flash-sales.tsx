import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { ReviewDecision } from "~/components/admin/review-decision";
import { FlashPhaseBadge, PriceCell, ResultCell, StockCell } from "~/components/flash-sales/sale-cells";
import { FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listAllFlashSales, listFlashSaleReviewQueue, reviewFlashSale } from "~/modules/flash-sales/admin.server";
import { FLASH_SALE_STATUS_FILTERS, parseFlashStatusFilter, ReviewFlashSaleInput } from "~/modules/flash-sales/sale-schemas";

/**
 * /admin/flash-sales: the flash-sale review queue (pending, oldest first) with approve — which
 * sets the sale's units aside from the SKU's stock — or reject-with-a-reason, then every sale with
 * its end-of-window reconciliation (sold, sell-through, differences), filtered by status in the URL
 * (`?status=`). Reviewing a sale is reviewing what a product is sold at, so the page and its
 * decisions need `review:product:any`, like the product and group-deal review queues.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "flashSalesConsole.admin.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "flashSalesConsole.errors";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:product:any");
  const status = parseFlashStatusFilter(new URL(request.url).searchParams.get("status"));
  const now = Date.now();
  const [queue, all] = await Promise.all([listFlashSaleReviewQueue(context, now), listAllFlashSales(context, status, now)]);
  return data({ queue, all, status, locale: resolveLocale(request) }, { headers: { "Cache-Control": "private, no-store" } });
}

type FieldErrorMap = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "review:product:any");
  const form = Object.fromEntries(await request.formData());
  const saleId = typeof form.saleId === "string" ? form.saleId : null;
  const parsed = v.safeParse(ReviewFlashSaleInput, form);
  if (!parsed.success) {
    const flat = v.flatten<typeof ReviewFlashSaleInput>(parsed.issues);
    return data({ saleId, errors: { ...flat.nested, "": flat.root } as FieldErrorMap, done: null }, { status: 400 });
  }
  const input = parsed.output;
  const reviewed = await reviewFlashSale(context, {
    saleId: input.saleId,
    actorId: admin.id,
    decision: input.intent,
    reason: input.intent === "reject" ? input.reason : undefined,
  });
  if (!reviewed.ok) {
    const { code, field } = reviewed.error;
    const errors: FieldErrorMap = field === "reason" ? { reason: [code] } : { "": [code] };
    return data({ saleId, errors, done: null }, { status: code === "sale_not_found" ? 404 : code === "reject_reason_required" ? 400 : 409 });
  }
  return { saleId, errors: null as FieldErrorMap | null, done: input.intent === "approve" ? ("approved" as const) : ("rejected" as const) };
}

export default function AdminFlashSales() {
  const { t } = useTranslation();
  const { queue, all, status, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const en = locale === "en";
  const nameOf = (s: { titleZh: string; titleEn: string; specZh: string; specEn: string }) => (en ? `${s.titleEn} · ${s.specEn}` : `${s.titleZh} · ${s.specZh}`);
  return (
    <div className="max-w-6xl space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("flashSalesConsole.admin.title")}</h1>
        <p className="text-sm text-muted">{t("flashSalesConsole.admin.lead")}</p>
      </header>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`flashSalesConsole.admin.${actionData.done}`)}
        </p>
      ) : null}

      <section aria-labelledby="queue-title" className="space-y-3">
        <h2 id="queue-title" className="text-lg font-semibold">
          {t("flashSalesConsole.admin.queue")}
        </h2>
        <p className="text-muted">{queue.length ? t("flashSalesConsole.admin.queueCount", { count: queue.length }) : t("flashSalesConsole.admin.queueEmpty")}</p>
        <ol className="space-y-4">
          {queue.map((s) => {
            const mine = actionData?.saleId === s.id;
            const reasonErrors = mine ? actionData?.errors?.reason : undefined;
            const otherErrors = mine ? actionData?.errors?.[""] : undefined;
            const name = nameOf(s);
            return (
              <li key={s.id}>
                <article className="card space-y-3" aria-labelledby={`fs-${s.id}`} data-sale-id={s.id}>
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <h3 id={`fs-${s.id}`} className="text-lg font-semibold">
                      {name}
                    </h3>
                    <span className="tabular text-sm text-muted">{t("flashSalesConsole.admin.submittedAt", { time: formatDateTime(s.createdAt, locale) })}</span>
                  </div>
                  <dl className="grid grid-cols-[7rem_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt className="text-muted">{t("flashSalesConsole.col.merchant")}</dt>
                    <dd>{s.merchantName}</dd>
                    <dt className="text-muted">{t("flashSalesConsole.col.price")}</dt>
                    <dd>
                      <PriceCell s={s} />
                      <span className="tabular block text-xs text-muted">{t("flashSalesConsole.admin.discount", { amount: formatFen(s.listPriceFen - s.flashPriceFen) })}</span>
                    </dd>
                    <dt className="text-muted">{t("flashSalesConsole.col.stock")}</dt>
                    <dd>
                      <StockCell s={s} />
                    </dd>
                    <dt className="text-muted">{t("flashSalesConsole.col.window")}</dt>
                    <dd className="tabular">{t("flashSalesConsole.window", { from: formatDateTime(s.startsAt, locale), to: formatDateTime(s.endsAt, locale) })}</dd>
                  </dl>
                  <FormErrors id={`fs-${s.id}-errors`} errors={otherErrors} errorScope={SCOPE} />
                  <div className="border-t border-line pt-3">
                    <ReviewDecision
                      idField="saleId"
                      id={s.id}
                      busy={busy}
                      reasonInvalid={Boolean(reasonErrors?.length)}
                      reasonError={<FieldErrors id={`reason-${s.id}-error`} errors={reasonErrors} errorScope={SCOPE} />}
                      text={{
                        approve: t("flashSalesConsole.admin.approve"),
                        approveLabel: t("flashSalesConsole.admin.approveLabel", { name }),
                        reason: t("flashSalesConsole.admin.reason"),
                        reasonHint: t("flashSalesConsole.admin.reasonHint"),
                        reject: t("flashSalesConsole.admin.reject"),
                      }}
                    />
                  </div>
                </article>
              </li>
            );
          })}
        </ol>
        {actionData?.errors?.[""] && !queue.some((s) => s.id === actionData.saleId) ? <FormErrors id="review-errors" errors={actionData.errors[""]} errorScope={SCOPE} /> : null}
      </section>

      <section aria-labelledby="all-title" className="card space-y-3">
        <h2 id="all-title" className="text-lg font-semibold">
          {t("flashSalesConsole.admin.all")}
        </h2>
        <Form method="get" className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="fs-status" className="field-label">
              {t("flashSalesConsole.admin.filter")}
            </label>
            <select id="fs-status" name="status" defaultValue={status} className="field-input">
              {FLASH_SALE_STATUS_FILTERS.map((s) => (
                <option key={s} value={s}>
                  {t(`flashSalesConsole.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn-secondary">
            {t("flashSalesConsole.admin.apply")}
          </button>
        </Form>
        {all.length === 0 ? (
          <p className="text-sm text-muted">{t("flashSalesConsole.admin.allEmpty")}</p>
        ) : (
          <>
            <p className="text-sm text-muted">{t("flashSalesConsole.admin.shown", { count: all.length })}</p>
            <div className="max-h-[40rem] overflow-auto rounded-xl border border-line" tabIndex={0} role="region" aria-labelledby="all-title">
              <table className="w-full min-w-[64rem] text-left text-sm">
                <thead className="sticky top-0 z-10 bg-white">
                  <tr className="border-b border-line">
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.product")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.merchant")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.price")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.stock")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.window")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.status")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("flashSalesConsole.col.result")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {all.map((s) => (
                    <tr key={s.id} id={s.id} className="border-b border-line align-top last:border-0" data-sale-id={s.id}>
                      <th scope="row" className="p-2 text-left font-medium">
                        {nameOf(s)}
                        {s.status === "rejected" && s.reviewNote ? <span className="block text-xs font-normal text-danger">{t("flashSalesConsole.merchant.reviewNote", { reason: s.reviewNote })}</span> : null}
                      </th>
                      <td className="p-2 whitespace-nowrap">{s.merchantName}</td>
                      <td className="p-2">
                        <PriceCell s={s} />
                      </td>
                      <td className="p-2">
                        <StockCell s={s} />
                      </td>
                      <td className="tabular p-2 text-xs">{t("flashSalesConsole.window", { from: formatDateTime(s.startsAt, locale), to: formatDateTime(s.endsAt, locale) })}</td>
                      <td className="p-2">
                        <FlashPhaseBadge phase={s.phase} />
                      </td>
                      <td className="max-w-xs p-2">
                        <ResultCell s={s} detail />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
