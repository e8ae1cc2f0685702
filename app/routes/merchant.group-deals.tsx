import { getFormProps, getInputProps, getSelectProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type * as v from "valibot";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { Field, FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { PhaseBadge, RulesCell, SuccessCell, useLadderText } from "~/components/group-deals/campaign-cells";
import { CAMPAIGN_INTENTS, CampaignStateInput, CreateCampaignInput } from "~/modules/group-deals/campaign-schemas";
import { createCampaign, listCampaignSkus, listMerchantCampaigns, pauseCampaign, resumeCampaign } from "~/modules/group-deals/campaigns.server";
import { MAX_TIERS } from "~/modules/group-deals/tiers";
import { epochToShanghaiLocal } from "~/modules/merchants/onboarding-schemas";

/**
 * /merchant/group-deals: the merchant's group-deal campaigns (拼团活动) with their success figures,
 * pause/resume, and the create form. The form has MAX_TIERS fixed tier rows (empty ones are
 * ignored), so it works before JavaScript loads; every error is answered on its field, tier errors
 * on their row.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "groupDealsConsole.merchant.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "groupDealsConsole.errors";
const NO_STORE = { "Cache-Control": "private, no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const locale = resolveLocale(request);
  const now = Date.now();
  const [skus, campaigns] = await Promise.all([listCampaignSkus(context, merchant.id, locale), listMerchantCampaigns(context, merchant.id, now)]);
  const minute = Math.ceil(now / 60_000) * 60_000;
  return data(
    {
      skus,
      campaigns,
      locale,
      defaults: { startsAt: epochToShanghaiLocal(minute), endsAt: epochToShanghaiLocal(minute + 7 * 24 * 60 * 60_000) },
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const formData = await request.formData();
  if (formData.get("intent") === CAMPAIGN_INTENTS.create) {
    const submission = parseWithValibot(formData, { schema: CreateCampaignInput });
    if (submission.status !== "success") return data({ form: "create" as const, result: submission.reply(), done: null }, { status: 400 });
    const created = await createCampaign(context, { merchantId: merchant.id, actorId: user.id, form: submission.value });
    if (!created.ok) {
      const { code, field } = created.error;
      const status = code === "sku_not_found" ? 404 : code === "campaign_overlaps" ? 409 : 400;
      return data({ form: "create" as const, result: submission.reply({ fieldErrors: { [field ?? ""]: [code] } }), done: null }, { status });
    }
    return { form: "create" as const, result: submission.reply({ resetForm: true }), done: "created" as const };
  }
  const submission = parseWithValibot(formData, { schema: CampaignStateInput });
  if (submission.status !== "success") return data({ form: "state" as const, result: submission.reply(), done: null }, { status: 400 });
  const { intent, campaignId } = submission.value;
  const input = { merchantId: merchant.id, actorId: user.id, campaignId };
  const changed = intent === CAMPAIGN_INTENTS.pause ? await pauseCampaign(context, input) : await resumeCampaign(context, input);
  if (!changed.ok) {
    return data(
      { form: "state" as const, result: submission.reply({ formErrors: [changed.error.code] }), done: null },
      { status: changed.error.code === "campaign_not_found" ? 404 : 409 },
    );
  }
  return { form: "state" as const, result: submission.reply(), done: intent === CAMPAIGN_INTENTS.pause ? ("paused" as const) : ("resumed" as const) };
}

// ---------------------------------------------------------------------------------------------

function StateButton({ intent, id, name }: { intent: "pause-campaign" | "resume-campaign"; id: string; name: string }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const pause = intent === CAMPAIGN_INTENTS.pause;
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="campaignId" value={id} />
      <button
        type="submit"
        className="btn-secondary min-h-11 px-3 text-sm"
        disabled={navigation.state === "submitting"}
        aria-label={t(pause ? "groupDealsConsole.merchant.pauseLabel" : "groupDealsConsole.merchant.resumeLabel", { name })}
      >
        {t(pause ? "groupDealsConsole.merchant.pause" : "groupDealsConsole.merchant.resume")}
      </button>
    </Form>
  );
}

function TierInput({ meta, label }: { meta: FieldMetadata<string | undefined>; label: string }) {
  const props = getInputProps(meta, { type: "text", ariaAttributes: true });
  return (
    <div>
      <label htmlFor={meta.id} className="sr-only">
        {label}
      </label>
      <input
        {...props}
        key={props.key}
        inputMode="decimal"
        className="field-input"
        aria-describedby={meta.errors?.length ? meta.errorId : undefined}
      />
      <FieldErrors id={meta.errorId} errors={meta.errors} errorScope={SCOPE} />
    </div>
  );
}

function CreateForm() {
  const { t } = useTranslation();
  const { skus, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  // Typed by what the form posts (text fields), not by the parsed output (fen, minutes).
  const [form, fields] = useForm<v.InferInput<typeof CreateCampaignInput>, v.InferOutput<typeof CreateCampaignInput>>({
    id: "new-group-deal",
    lastResult: actionData?.form === "create" ? actionData.result : undefined,
    defaultValue: {
      tiers: Array.from({ length: MAX_TIERS }, () => ({ size: "", price: "" })),
      durationHours: "24",
      perUserLimit: "1",
      startsAt: defaults.startsAt,
      endsAt: defaults.endsAt,
    },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: CreateCampaignInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const rows = fields.tiers.getFieldList();
  const leaderOnly = getInputProps(fields.leaderOnly, { type: "checkbox" });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4" aria-labelledby="new-group-deal-title">
      <h2 id="new-group-deal-title" className="text-lg font-semibold">
        {t("groupDealsConsole.merchant.form.title")}
      </h2>
      <input type="hidden" name="intent" value={CAMPAIGN_INTENTS.create} />
      {actionData?.form === "create" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("groupDealsConsole.merchant.created")}
        </p>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} errorScope={SCOPE} />
      <div>
        <label htmlFor={fields.skuId.id} className="field-label">
          {t("groupDealsConsole.merchant.form.sku")}
        </label>
        <select
          {...getSelectProps(fields.skuId)}
          key={fields.skuId.key}
          className="field-input"
          aria-describedby={fields.skuId.errors?.length ? fields.skuId.errorId : skus.length === 0 ? "no-skus" : undefined}
        >
          <option value="">{t("groupDealsConsole.merchant.form.pickSku")}</option>
          {skus.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label} · {formatFen(s.priceFen)}
            </option>
          ))}
        </select>
        {skus.length === 0 ? (
          <p id="no-skus" className="mt-1 text-sm text-muted">
            {t("groupDealsConsole.merchant.form.noSkus")}
          </p>
        ) : null}
        <FieldErrors id={fields.skuId.errorId} errors={fields.skuId.errors} errorScope={SCOPE} />
      </div>
      <fieldset className="space-y-2" aria-describedby={`tiers-hint${fields.tiers.errors?.length ? ` ${fields.tiers.errorId}` : ""}`}>
        <legend className="field-label">{t("groupDealsConsole.merchant.form.tiers")}</legend>
        <p id="tiers-hint" className="text-sm text-muted">
          {t("groupDealsConsole.merchant.form.tiersHint")}
        </p>
        <FieldErrors id={fields.tiers.errorId} errors={fields.tiers.errors} errorScope={SCOPE} />
        <div className="grid grid-cols-[4.5rem_1fr_1fr] items-start gap-x-3 gap-y-2 sm:max-w-lg">
          <span aria-hidden />
          <span aria-hidden className="text-sm font-semibold">
            {t("groupDealsConsole.merchant.form.size")}
          </span>
          <span aria-hidden className="text-sm font-semibold">
            {t("groupDealsConsole.merchant.form.price")}
          </span>
          {rows.slice(0, MAX_TIERS).map((row, i) => {
            const cells = row.getFieldset();
            return (
              <div key={row.key} className="contents" data-tier-row={i}>
                <span className="flex min-h-11 items-center text-sm text-muted">{t("groupDealsConsole.merchant.form.tierRow", { n: i + 1 })}</span>
                <TierInput meta={cells.size} label={t("groupDealsConsole.merchant.form.sizeLabel", { n: i + 1 })} />
                <TierInput meta={cells.price} label={t("groupDealsConsole.merchant.form.priceLabel", { n: i + 1 })} />
              </div>
            );
          })}
        </div>
        <p className="text-sm text-muted">{t("groupDealsConsole.merchant.form.payNote")}</p>
      </fieldset>
      <div className="grid gap-3 lg:grid-cols-2">
        <Field meta={fields.durationHours} label={t("groupDealsConsole.merchant.form.durationHours")} hint={t("groupDealsConsole.merchant.form.durationHint")} inputMode="numeric" errorScope={SCOPE} />
        <Field meta={fields.perUserLimit} label={t("groupDealsConsole.merchant.form.perUserLimit")} hint={t("groupDealsConsole.merchant.form.perUserHint")} inputMode="numeric" errorScope={SCOPE} />
        <Field meta={fields.startsAt} type="datetime-local" label={t("groupDealsConsole.merchant.form.startsAt")} hint={t("groupDealsConsole.merchant.form.timeHint")} errorScope={SCOPE} />
        <Field meta={fields.endsAt} type="datetime-local" label={t("groupDealsConsole.merchant.form.endsAt")} hint={t("groupDealsConsole.merchant.form.timeHint")} errorScope={SCOPE} />
      </div>
      <div className="flex items-start gap-3">
        <input {...leaderOnly} key={leaderOnly.key} className="mt-1 size-5 shrink-0" aria-describedby="leader-only-hint" />
        <div>
          <label htmlFor={fields.leaderOnly.id} className="font-medium">
            {t("groupDealsConsole.merchant.form.leaderOnly")}
          </label>
          <p id="leader-only-hint" className="text-sm text-muted">
            {t("groupDealsConsole.merchant.form.leaderOnlyHint")}
          </p>
        </div>
      </div>
      <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
        {t("groupDealsConsole.merchant.form.submit")}
      </button>
    </Form>
  );
}

export default function MerchantGroupDeals() {
  const { t } = useTranslation();
  const { campaigns, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const ladder = useLadderText();
  const en = locale === "en";
  return (
    <div className="max-w-6xl space-y-4">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("groupDealsConsole.merchant.title")}</h1>
        <p className="text-sm text-muted">{t("groupDealsConsole.merchant.lead")}</p>
      </header>
      {actionData?.form === "state" && actionData.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`groupDealsConsole.merchant.${actionData.done}`)}
        </p>
      ) : null}
      {actionData?.form === "state" ? <FormErrors id="state-errors" errors={actionData.result.error?.[""] ?? undefined} errorScope={SCOPE} /> : null}
      <section className="card space-y-3" aria-labelledby="campaigns-title">
        <h2 id="campaigns-title" className="text-lg font-semibold">
          {t("groupDealsConsole.merchant.list")}
        </h2>
        {campaigns.length === 0 ? (
          <p className="text-sm text-muted">{t("groupDealsConsole.merchant.empty")}</p>
        ) : (
          <div className="max-h-[36rem] overflow-auto rounded-xl border border-line">
            <table className="w-full min-w-[56rem] text-left text-sm">
              <thead className="sticky top-0 z-10 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="p-2">
                    {t("groupDealsConsole.col.product")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("groupDealsConsole.col.ladder")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("groupDealsConsole.col.rules")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("groupDealsConsole.col.window")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("groupDealsConsole.col.status")}
                  </th>
                  <th scope="col" className="p-2">
                    {t("groupDealsConsole.col.success")}
                  </th>
                  <th scope="col" className="p-2">
                    <span className="sr-only">{t("groupDealsConsole.col.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {campaigns.map((c) => {
                  const name = en ? `${c.titleEn} · ${c.specEn}` : `${c.titleZh} · ${c.specZh}`;
                  return (
                    <tr key={c.id} className="border-b border-line align-top last:border-0" data-campaign-id={c.id}>
                      <td className="p-2">
                        <p className="font-medium">{name}</p>
                        <p className="tabular text-xs text-muted">{t("groupDealsConsole.listPrice", { price: formatFen(c.listPriceFen) })}</p>
                        {c.status === "rejected" && c.reviewNote ? <p className="mt-1 text-xs text-danger">{t("groupDealsConsole.merchant.reviewNote", { reason: c.reviewNote })}</p> : null}
                      </td>
                      <td className="tabular p-2 text-price">{ladder(c.tiers)}</td>
                      <td className="p-2">
                        <RulesCell c={c} />
                      </td>
                      <td className="tabular p-2 text-xs">{t("groupDealsConsole.window", { from: formatDateTime(c.startsAt, locale), to: formatDateTime(c.endsAt, locale) })}</td>
                      <td className="p-2">
                        <PhaseBadge phase={c.phase} />
                      </td>
                      <td className="tabular p-2">
                        <SuccessCell stats={c.stats} />
                      </td>
                      <td className="p-2 text-right">
                        {c.phase === "running" || c.phase === "scheduled" ? <StateButton intent={CAMPAIGN_INTENTS.pause} id={c.id} name={name} /> : null}
                        {c.phase === "paused" ? <StateButton intent={CAMPAIGN_INTENTS.resume} id={c.id} name={name} /> : null}
                      </td>
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
