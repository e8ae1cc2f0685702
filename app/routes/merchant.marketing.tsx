import { getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { OnbErrors, OnbField } from "~/components/merchant-onboarding/fields";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { CreateCouponInput, CreateDiscountInput, EndPromotionInput, epochToShanghaiLocal } from "~/modules/merchants/onboarding-schemas";
import { createCouponTemplate, createDiscount, endPromotion, listOwnSkus, listPromotions } from "~/modules/merchants/marketing.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(locale, "merchantOnboarding.marketing.title")} · ${translate(locale, "app.name")}`,
    },
  ];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const locale = resolveLocale(request);
  const now = Date.now();
  const [skus, promotions] = await Promise.all([listOwnSkus(context, merchant.id, locale), listPromotions(context, merchant.id, now)]);
  const minute = Math.ceil(now / 60_000) * 60_000;
  return {
    skus,
    ...promotions,
    locale,
    defaults: {
      startsAt: epochToShanghaiLocal(minute),
      endsAt: epochToShanghaiLocal(minute + 7 * 24 * 60 * 60_000),
    },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "create-discount") {
    const submission = parseWithValibot(formData, {
      schema: CreateDiscountInput,
    });
    if (submission.status !== "success") return data({ form: "discount" as const, result: submission.reply(), done: null }, { status: 400 });
    const created = await createDiscount(context, {
      merchantId: merchant.id,
      actorId: user.id,
      form: submission.value,
    });
    if (!created.ok) {
      const status = created.error.code === "sku_not_found" ? 404 : created.error.code === "discount_overlaps" ? 409 : 400;
      return data(
        {
          form: "discount" as const,
          result: submission.reply({
            fieldErrors: { [created.error.field ?? ""]: [created.error.code] },
          }),
          done: null,
        },
        { status },
      );
    }
    return {
      form: "discount" as const,
      result: submission.reply({ resetForm: true }),
      done: "created" as const,
    };
  }
  if (intent === "create-coupon") {
    const submission = parseWithValibot(formData, {
      schema: CreateCouponInput,
    });
    if (submission.status !== "success") return data({ form: "coupon" as const, result: submission.reply(), done: null }, { status: 400 });
    const created = await createCouponTemplate(context, {
      merchantId: merchant.id,
      actorId: user.id,
      form: submission.value,
    });
    if (!created.ok)
      return data(
        {
          form: "coupon" as const,
          result: submission.reply({
            fieldErrors: { [created.error.field ?? ""]: [created.error.code] },
          }),
          done: null,
        },
        { status: 400 },
      );
    return {
      form: "coupon" as const,
      result: submission.reply({ resetForm: true }),
      done: "created" as const,
    };
  }
  const submission = parseWithValibot(formData, { schema: EndPromotionInput });
  if (submission.status !== "success") return data({ form: "end" as const, result: submission.reply(), done: null }, { status: 400 });
  const { intent: endIntent, id } = submission.value;
  const ended = await endPromotion(context, {
    merchantId: merchant.id,
    actorId: user.id,
    kind: endIntent === "end-discount" ? "discount" : "coupon",
    id,
  });
  if (!ended.ok) {
    return data(
      {
        form: "end" as const,
        result: submission.reply({ formErrors: [ended.error.code] }),
        done: null,
      },
      { status: ended.error.code === "promotion_not_found" ? 404 : 409 },
    );
  }
  return {
    form: "end" as const,
    result: submission.reply(),
    done: "ended" as const,
  };
}

function StateBadge({ state }: { state: "scheduled" | "running" | "ended" }) {
  const { t } = useTranslation();
  const tone = state === "running" ? "bg-brand-50 text-brand-800" : state === "scheduled" ? "bg-surface text-ink" : "bg-surface text-muted";
  return <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${tone}`}>{t(`merchantOnboarding.marketing.states.${state}`)}</span>;
}

function DiscountForm() {
  const { t } = useTranslation();
  const { skus, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "new-discount",
    lastResult: actionData?.form === "discount" ? actionData.result : undefined,
    defaultValue: {
      kind: "fixed_price",
      startsAt: defaults.startsAt,
      endsAt: defaults.endsAt,
    },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: CreateDiscountInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-xl border border-line p-3">
      <h3 className="font-semibold">{t("merchantOnboarding.marketing.newDiscount")}</h3>
      <input type="hidden" name="intent" value="create-discount" />
      {actionData?.form === "discount" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantOnboarding.marketing.created")}
        </p>
      ) : null}
      <OnbErrors id={form.errorId} errors={form.errors} summary />
      <div className="grid gap-3 lg:grid-cols-2">
        <OnbField meta={fields.name} label={t("merchantOnboarding.marketing.name")} maxLength={40} />
        <div>
          <label htmlFor={fields.skuId.id} className="field-label">
            {t("merchantOnboarding.marketing.sku")}
          </label>
          <select {...getSelectProps(fields.skuId)} key={fields.skuId.key} className="field-input">
            <option value="">{t("merchantOnboarding.marketing.pickSku")}</option>
            {skus.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label} · {formatFen(s.priceFen)}
              </option>
            ))}
          </select>
          <OnbErrors id={fields.skuId.errorId} errors={fields.skuId.errors} />
        </div>
        <div>
          <label htmlFor={fields.kind.id} className="field-label">
            {t("merchantOnboarding.marketing.kind")}
          </label>
          <select {...getSelectProps(fields.kind)} key={fields.kind.key} className="field-input">
            <option value="fixed_price">{t("merchantOnboarding.marketing.kinds.fixed_price")}</option>
            <option value="percentage">{t("merchantOnboarding.marketing.kinds.percentage")}</option>
          </select>
          <OnbErrors id={fields.kind.errorId} errors={fields.kind.errors} />
        </div>
        {fields.kind.value === "percentage" ? (
          <OnbField meta={fields.percentOff} label={t("merchantOnboarding.marketing.percentOff")} inputMode="numeric" />
        ) : (
          <OnbField meta={fields.unitPrice} label={t("merchantOnboarding.marketing.unitPrice")} inputMode="decimal" />
        )}
        <OnbField
          meta={fields.startsAt}
          type="datetime-local"
          label={t("merchantOnboarding.marketing.startsAt")}
          hint={t("merchantOnboarding.marketing.timeHint")}
        />
        <OnbField
          meta={fields.endsAt}
          type="datetime-local"
          label={t("merchantOnboarding.marketing.endsAt")}
          hint={t("merchantOnboarding.marketing.timeHint")}
        />
      </div>
      <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
        {t("merchantOnboarding.marketing.create")}
      </button>
    </Form>
  );
}

function CouponForm() {
  const { t } = useTranslation();
  const { defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "new-coupon",
    lastResult: actionData?.form === "coupon" ? actionData.result : undefined,
    defaultValue: {
      kind: "threshold",
      perUserLimit: "1",
      startsAt: defaults.startsAt,
      endsAt: defaults.endsAt,
    },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: CreateCouponInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-3 rounded-xl border border-line p-3">
      <h3 className="font-semibold">{t("merchantOnboarding.marketing.newCoupon")}</h3>
      <input type="hidden" name="intent" value="create-coupon" />
      {actionData?.form === "coupon" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantOnboarding.marketing.created")}
        </p>
      ) : null}
      <OnbErrors id={form.errorId} errors={form.errors} summary />
      <div className="grid gap-3 lg:grid-cols-2">
        <OnbField meta={fields.nameZh} label={t("merchantOnboarding.marketing.nameZh")} maxLength={40} />
        <OnbField meta={fields.nameEn} label={t("merchantOnboarding.marketing.nameEn")} maxLength={60} />
        <div>
          <label htmlFor={fields.kind.id} className="field-label">
            {t("merchantOnboarding.marketing.couponKind")}
          </label>
          <select {...getSelectProps(fields.kind)} key={fields.kind.key} className="field-input">
            <option value="threshold">{t("merchantOnboarding.marketing.couponKinds.threshold")}</option>
            <option value="fixed">{t("merchantOnboarding.marketing.couponKinds.fixed")}</option>
          </select>
          <OnbErrors id={fields.kind.errorId} errors={fields.kind.errors} />
        </div>
        <OnbField meta={fields.amount} label={t("merchantOnboarding.marketing.amount")} inputMode="decimal" />
        {fields.kind.value === "fixed" ? null : <OnbField meta={fields.threshold} label={t("merchantOnboarding.marketing.threshold")} inputMode="decimal" />}
        <OnbField meta={fields.totalLimit} label={t("merchantOnboarding.marketing.totalLimit")} inputMode="numeric" />
        <OnbField meta={fields.perUserLimit} label={t("merchantOnboarding.marketing.perUserLimit")} inputMode="numeric" />
        <OnbField
          meta={fields.validDays}
          label={t("merchantOnboarding.marketing.validDays")}
          hint={t("merchantOnboarding.marketing.validDaysHint")}
          inputMode="numeric"
        />
        <OnbField
          meta={fields.startsAt}
          type="datetime-local"
          label={t("merchantOnboarding.marketing.startsAt")}
          hint={t("merchantOnboarding.marketing.timeHint")}
        />
        <OnbField
          meta={fields.endsAt}
          type="datetime-local"
          label={t("merchantOnboarding.marketing.endsAt")}
          hint={t("merchantOnboarding.marketing.timeHint")}
        />
      </div>
      <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
        {t("merchantOnboarding.marketing.create")}
      </button>
    </Form>
  );
}

function EndButton({ intent, id, name }: { intent: "end-discount" | "end-coupon"; id: string; name: string }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        className="btn-secondary min-h-11 px-3 text-sm"
        disabled={navigation.state === "submitting"}
        aria-label={t("merchantOnboarding.marketing.endLabel", { name })}
      >
        {t("merchantOnboarding.marketing.end")}
      </button>
    </Form>
  );
}

export default function MerchantMarketing() {
  const { t } = useTranslation();
  const { discounts, coupons, skus, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const skuLabel = new Map(skus.map((s) => [s.id, s]));
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-bold">{t("merchantOnboarding.marketing.title")}</h1>
      {actionData?.form === "end" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantOnboarding.marketing.ended")}
        </p>
      ) : null}
      {actionData?.form === "end" ? <OnbErrors id="end-errors" errors={actionData.result.error?.[""] ?? undefined} summary /> : null}
      <section className="card space-y-3" aria-labelledby="discounts-title">
        <h2 id="discounts-title" className="text-lg font-semibold">
          {t("merchantOnboarding.marketing.discounts")}
        </h2>
        <p className="text-sm text-muted">{t("merchantOnboarding.marketing.discountsLead")}</p>
        {discounts.length === 0 ? (
          <p className="text-sm text-muted">{t("merchantOnboarding.marketing.noDiscounts")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.name")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.sku")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.price")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.window")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.state")}
                  </th>
                  <th scope="col" className="py-2">
                    <span className="sr-only">{t("merchantOnboarding.marketing.end")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {discounts.map((d) => (
                  <tr key={d.id} className="border-b border-line last:border-0" data-discount-id={d.id}>
                    <td className="py-2">{d.name}</td>
                    <td className="py-2">
                      {d.skuIds.map((id) => {
                        const s = skuLabel.get(id);
                        return <div key={id}>{s ? `${s.label} · ${formatFen(s.priceFen)}` : id}</div>;
                      })}
                    </td>
                    <td className="py-2 tabular text-price">
                      {d.kind === "fixed_price"
                        ? formatFen(d.unitPriceFen ?? 0)
                        : t("merchantOnboarding.marketing.percentRule", {
                            percent: (d.discountBp ?? 0) / 100,
                          })}
                    </td>
                    <td className="py-2 tabular">
                      {formatDateTime(d.startsAt, locale)} – {formatDateTime(d.endsAt, locale)}
                    </td>
                    <td className="py-2">
                      <StateBadge state={d.state} />
                    </td>
                    <td className="py-2 text-right">{d.state !== "ended" ? <EndButton intent="end-discount" id={d.id} name={d.name} /> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <DiscountForm />
      </section>
      <section className="card space-y-3" aria-labelledby="coupons-title">
        <h2 id="coupons-title" className="text-lg font-semibold">
          {t("merchantOnboarding.marketing.coupons")}
        </h2>
        <p className="text-sm text-muted">{t("merchantOnboarding.marketing.couponsLead")}</p>
        {coupons.length === 0 ? (
          <p className="text-sm text-muted">{t("merchantOnboarding.marketing.noCoupons")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.nameZh")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.rule")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.totalLimit")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.window")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("merchantOnboarding.marketing.state")}
                  </th>
                  <th scope="col" className="py-2">
                    <span className="sr-only">{t("merchantOnboarding.marketing.end")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {coupons.map((c) => {
                  const name = locale === "en" ? c.nameEn : c.nameZh;
                  return (
                    <tr key={c.id} className="border-b border-line last:border-0" data-coupon-id={c.id}>
                      <td className="py-2">{name}</td>
                      <td className="py-2 tabular">
                        {c.kind === "threshold"
                          ? t("merchantOnboarding.marketing.thresholdRule", {
                              threshold: formatFen(c.thresholdFen ?? 0),
                              amount: formatFen(c.amountFen ?? 0),
                            })
                          : t("merchantOnboarding.marketing.fixedRule", {
                              amount: formatFen(c.amountFen ?? 0),
                            })}
                      </td>
                      <td className="py-2 tabular">
                        {t("merchantOnboarding.marketing.issued", {
                          issued: c.issuedCount,
                          total: c.totalLimit ?? "∞",
                        })}
                      </td>
                      <td className="py-2 tabular">
                        {formatDateTime(c.startsAt, locale)} – {formatDateTime(c.endsAt, locale)}
                      </td>
                      <td className="py-2">
                        <StateBadge state={c.state} />
                      </td>
                      <td className="py-2 text-right">{c.state !== "ended" ? <EndButton intent="end-coupon" id={c.id} name={name} /> : null}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <CouponForm />
      </section>
    </div>
  );
}
