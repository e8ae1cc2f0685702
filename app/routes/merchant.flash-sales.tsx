import { getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { FlashPhaseBadge, PriceCell, ResultCell, StockCell } from "~/components/flash-sales/sale-cells";
import { Field, FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { createFlashSale, listFlashSaleSkus, listMerchantFlashSales, pauseFlashSale } from "~/modules/flash-sales/admin.server";
import { CreateFlashSaleInput, FLASH_SALE_INTENTS, PauseFlashSaleInput } from "~/modules/flash-sales/sale-schemas";
import { epochToShanghaiLocal } from "~/modules/merchants/onboarding-schemas";

/**
 * /merchant/flash-sales: the merchant's flash sales (限时抢购) with their status and, once
 * reconciled, what sold; pause (before anyone can buy); and the create form, a plain form that
 * works before JavaScript loads, every error answered on its field.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "flashSalesConsole.merchant.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "flashSalesConsole.errors";
const NO_STORE = { "Cache-Control": "private, no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const locale = resolveLocale(request);
  const now = Date.now();
  const [skus, sales] = await Promise.all([listFlashSaleSkus(context, merchant.id, locale), listMerchantFlashSales(context, merchant.id, now)]);
  // Tomorrow 20:00–22:00 Shanghai time: the usual evening flash-sale slot.
  const tomorrow = epochToShanghaiLocal(now + 24 * 60 * 60_000).slice(0, 10);
  return data({ skus, sales, locale, defaults: { startsAt: `${tomorrow}T20:00`, endsAt: `${tomorrow}T22:00` } }, { headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const formData = await request.formData();
  if (formData.get("intent") === FLASH_SALE_INTENTS.create) {
    const submission = parseWithValibot(formData, { schema: CreateFlashSaleInput });
    if (submission.status !== "success") return data({ form: "create" as const, result: submission.reply(), done: null }, { status: 400 });
    const created = await createFlashSale(context, { merchantId: merchant.id, actorId: user.id, form: submission.value });
    if (!created.ok) {
      const { code, field } = created.error;
      const status = code === "sku_not_found" ? 404 : code === "sale_overlaps" ? 409 : 400;
      return data({ form: "create" as const, result: submission.reply({ fieldErrors: { [field ?? ""]: [code] } }), done: null }, { status });
    }
    return { form: "create" as const, result: submission.reply({ resetForm: true }), done: "created" as const };
  }
  const submission = parseWithValibot(formData, { schema: PauseFlashSaleInput });
  if (submission.status !== "success") return data({ form: "state" as const, result: submission.reply(), done: null }, { status: 400 });
  const paused = await pauseFlashSale(context, { merchantId: merchant.id, actorId: user.id, saleId: submission.value.saleId });
  if (!paused.ok) {
    return data(
      { form: "state" as const, result: submission.reply({ formErrors: [paused.error.code] }), done: null },
      { status: paused.error.code === "sale_not_found" ? 404 : 409 },
    );
  }
  return { form: "state" as const, result: submission.reply(), done: "paused" as const };
}

// ---------------------------------------------------------------------------------------------

function PauseButton({ id, name }: { id: string; name: string }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={FLASH_SALE_INTENTS.pause} />
      <input type="hidden" name="saleId" value={id} />
      <button type="submit" className="btn-secondary min-h-11 px-3 text-sm" disabled={navigation.state === "submitting"} aria-label={t("flashSalesConsole.merchant.pauseLabel", { name })}>
        {t("flashSalesConsole.merchant.pause")}
      </button>
    </Form>
  );
}

function CreateForm() {
  const { t } = useTranslation();
  const { skus, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  // Typed by what the form posts (text fields), not by the parsed output (fen, seconds).
  const [form, fields] = useForm<v.InferInput<typeof CreateFlashSaleInput>, v.InferOutput<typeof CreateFlashSaleInput>>({
    id: "new-flash-sale",
    lastResult: actionData?.form === "create" ? actionData.result : undefined,
    defaultValue: { perUserLimit: "1", paymentTimeoutMinutes: "15", startsAt: defaults.startsAt, endsAt: defaults.endsAt, earlySilver: "", earlyGold: "" },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: CreateFlashSaleInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4" aria-labelledby="new-flash-sale-title">
      <h2 id="new-flash-sale-title" className="text-lg font-semibold">
        {t("flashSalesConsole.merchant.form.title")}
      </h2>
      <input type="hidden" name="intent" value={FLASH_SALE_INTENTS.create} />
      {actionData?.form === "create" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("flashSalesConsole.merchant.created")}
        </p>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} errorScope={SCOPE} />
      <div>
        <label htmlFor={fields.skuId.id} className="field-label">
          {t("flashSalesConsole.merchant.form.sku")}
        </label>
        <select
          {...getSelectProps(fields.skuId)}
          key={fields.skuId.key}
          className="field-input"
          aria-describedby={fields.skuId.errors?.length ? fields.skuId.errorId : skus.length === 0 ? "no-skus" : undefined}
        >
          <option value="">{t("flashSalesConsole.merchant.form.pickSku")}</option>
          {skus.map((s) => (
            <option key={s.id} value={s.id}>
              {t("flashSalesConsole.merchant.form.skuOption", { label: s.label, price: formatFen(s.priceFen), stock: s.stock })}
            </option>
          ))}
        </select>
        {skus.length === 0 ? (
          <p id="no-skus" className="mt-1 text-sm text-muted">
            {t("flashSalesConsole.merchant.form.noSkus")}
          </p>
        ) : null}
        <FieldErrors id={fields.skuId.errorId} errors={fields.skuId.errors} errorScope={SCOPE} />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <Field meta={fields.flashPrice} label={t("flashSalesConsole.merchant.form.flashPrice")} hint={t("flashSalesConsole.merchant.form.flashPriceHint")} inputMode="decimal" errorScope={SCOPE} />
        <Field meta={fields.stock} label={t("flashSalesConsole.merchant.form.stock")} hint={t("flashSalesConsole.merchant.form.stockHint")} inputMode="numeric" errorScope={SCOPE} />
        <Field meta={fields.perUserLimit} label={t("flashSalesConsole.merchant.form.perUserLimit")} hint={t("flashSalesConsole.merchant.form.perUserHint")} inputMode="numeric" errorScope={SCOPE} />
        <Field
          meta={fields.paymentTimeoutMinutes}
          label={t("flashSalesConsole.merchant.form.paymentTimeout")}
          hint={t("flashSalesConsole.merchant.form.paymentTimeoutHint")}
          inputMode="numeric"
          errorScope={SCOPE}
        />
        <Field meta={fields.startsAt} type="datetime-local" label={t("flashSalesConsole.merchant.form.startsAt")} hint={t("flashSalesConsole.merchant.form.timeHint")} errorScope={SCOPE} />
        <Field meta={fields.endsAt} type="datetime-local" label={t("flashSalesConsole.merchant.form.endsAt")} hint={t("flashSalesConsole.merchant.form.timeHint")} errorScope={SCOPE} />
      </div>
      <fieldset className="space-y-2">
        <legend className="field-label">{t("flashSalesConsole.merchant.form.early")}</legend>
        <p className="text-sm text-muted">{t("flashSalesConsole.merchant.form.earlyHint")}</p>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field meta={fields.earlySilver} label={t("flashSalesConsole.merchant.form.earlySilver")} inputMode="numeric" errorScope={SCOPE} />
          <Field meta={fields.earlyGold} label={t("flashSalesConsole.merchant.form.earlyGold")} inputMode="numeric" errorScope={SCOPE} />
        </div>
      </fieldset>
      <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
        {t("flashSalesConsole.merchant.form.submit")}
      </button>
    </Form>
  );
}

export default function MerchantFlashSales() {
  const { t } = useTranslation();
  const { sales, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const en = locale === "en";
  return (
    <div className="max-w-6xl space-y-4">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("flashSalesConsole.merchant.title")}</h1>
        <p className="text-sm text-muted">{t("flashSalesConsole.merchant.lead")}</p>
      </header>
      {actionData?.form === "state" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`flashSalesConsole.merchant.${actionData.done}`)}
        </p>
      ) : null}
      {actionData?.form === "state" ? <FormErrors id="state-errors" errors={actionData.result.error?.[""] ?? undefined} errorScope={SCOPE} /> : null}
      <section className="card space-y-3" aria-labelledby="sales-title">
        <h2 id="sales-title" className="text-lg font-semibold">
          {t("flashSalesConsole.merchant.list")}
        </h2>
        {sales.length === 0 ? (
          <p className="text-sm text-muted">{t("flashSalesConsole.merchant.empty")}</p>
        ) : (
          <div className="max-h-[36rem] overflow-auto rounded-xl border border-line" tabIndex={0} role="region" aria-labelledby="sales-title">
            <table className="w-full min-w-[56rem] text-left text-sm">
              <thead className="sticky top-0 z-10 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="p-2">
                    {t("flashSalesConsole.col.product")}
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
                  <th scope="col" className="p-2">
                    <span className="sr-only">{t("flashSalesConsole.col.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sales.map((s) => {
                  const name = en ? `${s.titleEn} · ${s.specEn}` : `${s.titleZh} · ${s.specZh}`;
                  return (
                    <tr key={s.id} className="border-b border-line align-top last:border-0" data-sale-id={s.id}>
                      <td className="p-2">
                        <p className="font-medium">{name}</p>
                        {s.status === "rejected" && s.reviewNote ? <p className="mt-1 text-xs text-danger">{t("flashSalesConsole.merchant.reviewNote", { reason: s.reviewNote })}</p> : null}
                      </td>
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
                      <td className="p-2">
                        <ResultCell s={s} />
                      </td>
                      <td className="p-2 text-right">{s.pausable ? <PauseButton id={s.id} name={name} /> : null}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card">
        <CreateForm />
      </section>
    </div>
  );
}
