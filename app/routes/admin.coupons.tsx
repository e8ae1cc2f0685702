import { getFormProps, getSelectProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { Field, FieldErrors, FormErrors } from "~/components/ui/field";
import { CouponRule } from "~/components/coupons/coupon-face";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import {
  changeTemplateStatus,
  createPlatformTemplate,
  getAdminCouponOptions,
  issueToSegment,
  listTemplatesForAdmin,
  previewSegmentIssue,
  type AdminTemplate,
} from "~/modules/coupons/admin.server";
import { CreateTemplateInput, IssueId, SEGMENT_KINDS, SegmentInput, TemplateActionInput, templateFromForm } from "~/modules/coupons/schemas";
import { termsOf } from "~/modules/coupons/terms";
import { MEMBER_LEVELS } from "~/modules/membership/levels";
import { epochToShanghaiLocal } from "~/modules/merchants/onboarding-schemas";

/**
 * /admin/coupons (`manage:coupons:any`): every coupon template with issued / used / claimable /
 * state; pause, resume, end; a platform-funded template created (three kinds, window, validity,
 * limits, categories and products, claimable); and coupons issued to a segment of shoppers — a
 * preview with the segment's size first, then the issue (issue id carried by the confirm form, so
 * a double submit gives nobody a second coupon). Plain forms: everything works without JavaScript.
 */
export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminCoupons.title")} · ${translate(locale, "app.name")}` }];
};

const SCOPE = "adminCoupons.errors";
type Errors = Record<string, string[] | undefined>;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "manage:coupons:any");
  const locale = resolveLocale(request);
  const now = Date.now();
  const [templates, options] = await Promise.all([listTemplatesForAdmin(context, now), getAdminCouponOptions(context, locale)]);
  const minute = Math.ceil(now / 60_000) * 60_000;
  return data(
    {
      templates,
      options,
      locale,
      defaults: { startsAt: epochToShanghaiLocal(minute), endsAt: epochToShanghaiLocal(minute + 30 * 24 * 60 * 60_000) },
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

const flat = (issues: Parameters<typeof v.flatten>[0]): Errors => {
  const f = v.flatten(issues);
  return { ...(f.nested as Errors), "": f.root };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "manage:coupons:any");
  const formData = await request.formData();
  const intent = formData.get("intent");

  if (intent === "create") {
    const submission = parseWithValibot(formData, { schema: CreateTemplateInput });
    if (submission.status !== "success") return data({ form: "create" as const, result: submission.reply() }, { status: 400 });
    const created = await createPlatformTemplate(context, { actorId: admin.id, form: templateFromForm(submission.value) });
    if (!created.ok)
      return data(
        { form: "create" as const, result: submission.reply({ fieldErrors: { [created.error.field ?? ""]: [created.error.code] } }) },
        { status: 400 },
      );
    return redirect("/admin/coupons?done=created");
  }

  if (intent === "pause" || intent === "resume" || intent === "end") {
    const parsed = v.safeParse(TemplateActionInput, Object.fromEntries(formData));
    if (!parsed.success) return data({ form: "status" as const, templateId: null, errors: flat(parsed.issues) }, { status: 400 });
    const changed = await changeTemplateStatus(context, { actorId: admin.id, templateId: parsed.output.templateId, intent: parsed.output.intent });
    if (!changed.ok)
      return data(
        { form: "status" as const, templateId: parsed.output.templateId, errors: { "": [changed.error.code] } as Errors },
        { status: changed.error.code === "template_not_found" ? 404 : 409 },
      );
    return redirect(`/admin/coupons?done=${parsed.output.intent}`);
  }

  if (intent === "preview" || intent === "issue") {
    const raw = Object.fromEntries(formData);
    const values = {
      templateId: String(raw.templateId ?? ""),
      segment: String(raw.segment ?? ""),
      level: String(raw.level ?? ""),
      pickupPointId: String(raw.pickupPointId ?? ""),
      days: String(raw.days ?? ""),
    };
    const parsed = v.safeParse(SegmentInput, values);
    if (!parsed.success) return data({ form: "segment" as const, values, errors: flat(parsed.issues), preview: null }, { status: 400 });
    if (intent === "preview") {
      const preview = await previewSegmentIssue(context, parsed.output);
      if (!preview.ok)
        return data({ form: "segment" as const, values, errors: { templateId: [preview.error.code] } as Errors, preview: null }, { status: 409 });
      return { form: "segment" as const, values, errors: null, preview: preview.value };
    }
    const issueId = v.safeParse(IssueId, raw.issueId);
    if (!issueId.success) return data({ form: "segment" as const, values, errors: { "": ["issue_invalid"] } as Errors, preview: null }, { status: 400 });
    const issued = await issueToSegment(context, { actorId: admin.id, issueId: issueId.output, ...parsed.output });
    if (!issued.ok) return data({ form: "segment" as const, values, errors: { templateId: [issued.error.code] } as Errors, preview: null }, { status: 409 });
    return redirect(`/admin/coupons?issued=${issued.value.issued}`);
  }
  return data({ form: "status" as const, templateId: null, errors: { "": ["intent_invalid"] } as Errors }, { status: 400 });
}

function Terms({ c, locale }: { c: AdminTemplate; locale: string }) {
  const { t } = useTranslation();
  const terms = termsOf(c);
  return (
    <>
      <span className="font-semibold text-price">
        {terms.key === "percentage" ? t("coupons.terms.percentage", { value: locale === "en" ? terms.percentOff : terms.zhe }) : formatFen(terms.amountFen)}
      </span>{" "}
      <span className="text-muted">
        <CouponRule coupon={c} />
      </span>
    </>
  );
}

function StatusButton({ c, intent }: { c: AdminTemplate; intent: "pause" | "resume" | "end" }) {
  const { t } = useTranslation();
  const { locale } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const name = locale === "en" ? c.nameEn : c.nameZh;
  const action = t(`adminCoupons.actions.${intent}`);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="templateId" value={c.id} />
      <button
        type="submit"
        className="btn-secondary min-h-11 px-3 text-sm"
        disabled={navigation.state === "submitting"}
        aria-label={t("adminCoupons.actionLabel", { action, name })}
        title={intent === "end" ? t("adminCoupons.endConfirmHint") : undefined}
      >
        {action}
      </button>
    </Form>
  );
}

function TemplateTable() {
  const { t } = useTranslation();
  const { templates, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!templates.length) return <p className="text-muted">{t("adminCoupons.none")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[56rem] text-left text-sm">
        <thead className="sticky top-0 bg-white">
          <tr className="border-b border-line">
            {(["name", "terms", "funding", "issued", "used", "claimable", "window", "state"] as const).map((k) => (
              <th key={k} scope="col" className="py-2 pr-3">
                {t(`adminCoupons.col.${k}`)}
              </th>
            ))}
            <th scope="col" className="py-2">
              <span className="sr-only">{t("adminCoupons.col.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {templates.map((c) => {
            const errors = actionData?.form === "status" && actionData.templateId === c.id ? actionData.errors[""] : undefined;
            return (
              <tr key={c.id} className="border-b border-line align-top last:border-0" data-template-id={c.id}>
                <td className="py-2 pr-3">{locale === "en" ? c.nameEn : c.nameZh}</td>
                <td className="py-2 pr-3">
                  <Terms c={c} locale={locale} />
                </td>
                <td className="py-2 pr-3">
                  {c.funding === "platform" ? t("adminCoupons.funding.platform") : t("adminCoupons.funding.merchant", { merchant: c.merchantName ?? "" })}
                </td>
                <td className="tabular py-2 pr-3" data-testid="issued">
                  {t("adminCoupons.issuedOf", { issued: c.issuedCount, total: c.totalLimit ?? t("adminCoupons.unlimited") })}
                </td>
                <td className="tabular py-2 pr-3">{c.usedCount}</td>
                <td className="py-2 pr-3">{c.claimable ? t("adminCoupons.claimableYes") : t("adminCoupons.claimableNo")}</td>
                <td className="tabular py-2 pr-3">
                  {formatDateTime(c.startsAt, locale)} – {formatDateTime(c.endsAt, locale)}
                </td>
                <td className="py-2 pr-3" data-testid="state">
                  {t(`adminCoupons.states.${c.state}`)}
                </td>
                <td className="py-2">
                  <div className="flex justify-end gap-2">
                    {c.state === "running" || c.state === "scheduled" ? <StatusButton c={c} intent="pause" /> : null}
                    {c.state === "paused" ? <StatusButton c={c} intent="resume" /> : null}
                    {c.state !== "ended" ? <StatusButton c={c} intent="end" /> : null}
                  </div>
                  <FormErrors id={`status-${c.id}-errors`} errors={errors} errorScope={SCOPE} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AField({ meta, ...rest }: { meta: FieldMetadata<unknown> } & Omit<React.ComponentProps<typeof Field>, "meta" | "errorScope">) {
  return <Field meta={meta as FieldMetadata<string | number | undefined>} errorScope={SCOPE} {...rest} />;
}

function CreateForm() {
  const { t } = useTranslation();
  const { defaults, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "new-coupon",
    lastResult: actionData?.form === "create" ? actionData.result : undefined,
    defaultValue: { kind: "threshold", perUserLimit: "1", startsAt: defaults.startsAt, endsAt: defaults.endsAt, claimable: "on" },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: CreateTemplateInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const chosenCategories = new Set([fields.categoryIds.value ?? []].flat() as string[]);
  return (
    <Form method="post" {...getFormProps(form)} className="card space-y-3" aria-labelledby="create-title">
      <h2 id="create-title" className="text-lg font-semibold">
        {t("adminCoupons.create.title")}
      </h2>
      <p className="text-sm text-muted">{t("adminCoupons.create.lead")}</p>
      <input type="hidden" name="intent" value="create" />
      <FormErrors id={form.errorId} errors={form.errors} errorScope={SCOPE} />
      <div className="grid gap-3 lg:grid-cols-2">
        <AField meta={fields.nameZh} label={t("adminCoupons.create.nameZh")} maxLength={40} />
        <AField meta={fields.nameEn} label={t("adminCoupons.create.nameEn")} maxLength={60} />
        <div>
          <label htmlFor={fields.kind.id} className="field-label">
            {t("adminCoupons.create.kind")}
          </label>
          <select {...getSelectProps(fields.kind)} key={fields.kind.key} className="field-input">
            {(["threshold", "fixed", "percentage"] as const).map((k) => (
              <option key={k} value={k}>
                {t(`adminCoupons.create.kinds.${k}`)}
              </option>
            ))}
          </select>
          <FieldErrors id={fields.kind.errorId} errors={fields.kind.errors} errorScope={SCOPE} />
        </div>
        {/* Every field shows (the page works without JavaScript); the kind decides which are read. */}
        <AField meta={fields.amount} label={t("adminCoupons.create.amount")} hint={t("adminCoupons.create.amountHint")} inputMode="decimal" />
        <AField meta={fields.threshold} label={t("adminCoupons.create.threshold")} hint={t("adminCoupons.create.thresholdHint")} inputMode="decimal" />
        <AField meta={fields.percentOff} label={t("adminCoupons.create.percentOff")} hint={t("adminCoupons.create.percentOffHint")} inputMode="numeric" />
        <AField meta={fields.maxDiscount} label={t("adminCoupons.create.maxDiscount")} hint={t("adminCoupons.create.maxDiscountHint")} inputMode="decimal" />
        <AField meta={fields.totalLimit} label={t("adminCoupons.create.totalLimit")} hint={t("adminCoupons.create.totalLimitHint")} inputMode="numeric" />
        <AField meta={fields.perUserLimit} label={t("adminCoupons.create.perUserLimit")} inputMode="numeric" />
        <AField meta={fields.validDays} label={t("adminCoupons.create.validDays")} hint={t("adminCoupons.create.validDaysHint")} inputMode="numeric" />
        <AField meta={fields.startsAt} type="datetime-local" label={t("adminCoupons.create.startsAt")} hint={t("adminCoupons.create.timeHint")} />
        <AField meta={fields.endsAt} type="datetime-local" label={t("adminCoupons.create.endsAt")} hint={t("adminCoupons.create.timeHint")} />
      </div>
      <label className="flex min-h-11 items-center gap-2">
        <input
          type="checkbox"
          name={fields.claimable.name}
          defaultChecked={fields.claimable.initialValue === "on"}
          key={fields.claimable.key}
          className="size-5"
        />
        {t("adminCoupons.create.claimable")}
      </label>
      <fieldset className="space-y-2" aria-describedby={fields.categoryIds.errors?.length ? fields.categoryIds.errorId : undefined}>
        <legend className="field-label">{t("adminCoupons.create.categories")}</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {options.categories.map((c) => (
            <label key={c.id} className="flex min-h-11 items-center gap-2 text-sm">
              <input type="checkbox" name={fields.categoryIds.name} value={c.id} defaultChecked={chosenCategories.has(c.id)} className="size-5" />
              {c.name}
            </label>
          ))}
        </div>
        <FieldErrors id={fields.categoryIds.errorId} errors={fields.categoryIds.errors} errorScope={SCOPE} />
      </fieldset>
      <div>
        <label htmlFor={fields.productIds.id} className="field-label">
          {t("adminCoupons.create.products")}
        </label>
        <select
          id={fields.productIds.id}
          name={fields.productIds.name}
          multiple
          size={6}
          className="field-input"
          aria-describedby={`${fields.productIds.id}-hint`}
        >
          {options.products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <p id={`${fields.productIds.id}-hint`} className="mt-1 text-sm text-muted">
          {t("adminCoupons.create.productsHint")}
        </p>
        <FieldErrors id={fields.productIds.errorId} errors={fields.productIds.errors} errorScope={SCOPE} />
      </div>
      <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
        {t("adminCoupons.create.submit")}
      </button>
    </Form>
  );
}

function SegmentForm() {
  const { t } = useTranslation();
  const { templates, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const mine = actionData?.form === "segment" ? actionData : null;
  const values = mine?.values;
  const errors = mine?.errors ?? null;
  const preview = mine?.preview ?? null;
  const issuable = templates.filter((c) => c.funding === "platform" && c.state === "running");
  const selectClass = "field-input";
  const err = (k: string) => errors?.[k];
  const described = (k: string) => (err(k)?.length ? `segment-${k}-error` : undefined);
  return (
    <section className="card space-y-3" aria-labelledby="segment-title">
      <h2 id="segment-title" className="text-lg font-semibold">
        {t("adminCoupons.segment.title")}
      </h2>
      <p className="text-sm text-muted">{t("adminCoupons.segment.lead")}</p>
      <Form method="post" className="space-y-3">
        <input type="hidden" name="intent" value="preview" />
        <FormErrors id="segment-errors" errors={err("")} errorScope={SCOPE} />
        <div className="grid gap-3 lg:grid-cols-2">
          <div>
            <label htmlFor="segment-template" className="field-label">
              {t("adminCoupons.segment.template")}
            </label>
            <select
              id="segment-template"
              name="templateId"
              defaultValue={values?.templateId ?? ""}
              className={selectClass}
              aria-invalid={err("templateId") ? true : undefined}
              aria-describedby={described("templateId")}
            >
              <option value="">{t("adminCoupons.segment.pickTemplate")}</option>
              {issuable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.nameZh} · {t("adminCoupons.issuedOf", { issued: c.issuedCount, total: c.totalLimit ?? t("adminCoupons.unlimited") })}
                </option>
              ))}
            </select>
            <FieldErrors id="segment-templateId-error" errors={err("templateId")} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="segment-kind" className="field-label">
              {t("adminCoupons.segment.segment")}
            </label>
            <select
              id="segment-kind"
              name="segment"
              defaultValue={values?.segment ?? "all"}
              className={selectClass}
              aria-invalid={err("segment") ? true : undefined}
              aria-describedby={described("segment")}
            >
              {SEGMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`adminCoupons.segment.segments.${k}`)}
                </option>
              ))}
            </select>
            <FieldErrors id="segment-segment-error" errors={err("segment")} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="segment-level" className="field-label">
              {t("adminCoupons.segment.level")}
            </label>
            <select
              id="segment-level"
              name="level"
              defaultValue={values?.level ?? ""}
              className={selectClass}
              aria-invalid={err("level") ? true : undefined}
              aria-describedby={described("level")}
            >
              <option value="" />
              {MEMBER_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`adminCoupons.segment.levels.${l}`)}
                </option>
              ))}
            </select>
            <FieldErrors id="segment-level-error" errors={err("level")} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="segment-point" className="field-label">
              {t("adminCoupons.segment.pickupPoint")}
            </label>
            <select
              id="segment-point"
              name="pickupPointId"
              defaultValue={values?.pickupPointId ?? ""}
              className={selectClass}
              aria-invalid={err("pickupPointId") ? true : undefined}
              aria-describedby={described("pickupPointId")}
            >
              <option value="">{t("adminCoupons.segment.pickPoint")}</option>
              {options.pickupPoints.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <FieldErrors id="segment-pickupPointId-error" errors={err("pickupPointId")} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="segment-days" className="field-label">
              {t("adminCoupons.segment.days")}
            </label>
            <input
              id="segment-days"
              name="days"
              inputMode="numeric"
              defaultValue={values?.days ?? "90"}
              className="field-input"
              aria-invalid={err("days") ? true : undefined}
              aria-describedby={described("days")}
            />
            <FieldErrors id="segment-days-error" errors={err("days")} errorScope={SCOPE} />
          </div>
        </div>
        <button type="submit" className="btn-secondary" disabled={navigation.state === "submitting"}>
          {t("adminCoupons.segment.preview")}
        </button>
      </Form>
      {preview && values ? (
        <div className="space-y-2 rounded-xl border border-line p-3" role="status" aria-labelledby="preview-title" data-testid="segment-preview">
          <h3 id="preview-title" className="font-semibold">
            {t("adminCoupons.segment.previewTitle")}
          </h3>
          <ul className="tabular list-inside list-disc text-sm">
            <li>{t("adminCoupons.segment.size", { count: preview.size })}</li>
            <li>{t("adminCoupons.segment.eligible", { count: preview.eligible })}</li>
            {preview.remaining !== null ? <li>{t("adminCoupons.segment.remaining", { count: preview.remaining })}</li> : null}
            <li className="font-semibold">{t("adminCoupons.segment.willIssue", { count: preview.willIssue })}</li>
          </ul>
          {preview.willIssue > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="issue" />
              <input type="hidden" name="issueId" value={preview.issueId} />
              {Object.entries(values).map(([k, val]) => (
                <input key={k} type="hidden" name={k} value={val} />
              ))}
              <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
                {t("adminCoupons.segment.confirm", { count: preview.willIssue })}
              </button>
            </Form>
          ) : (
            <p className="text-sm text-muted">{t("adminCoupons.segment.nothingToIssue")}</p>
          )}
        </div>
      ) : null}
    </section>
  );
}

export default function AdminCoupons() {
  const { t } = useTranslation();
  const { templates } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const issued = params.get("issued");
  return (
    <div className="max-w-6xl space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">{t("adminCoupons.title")}</h1>
        <p className="text-sm text-muted">{t("adminCoupons.lead")}</p>
      </header>
      {done && ["pause", "resume", "end", "created"].includes(done) ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`adminCoupons.done.${done}`)}
        </p>
      ) : null}
      {issued !== null && /^\d+$/.test(issued) ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800" data-testid="issued-result">
          {Number(issued) > 0 ? t("adminCoupons.segment.issued", { count: Number(issued) }) : t("adminCoupons.segment.issuedNone")}
        </p>
      ) : null}
      <section className="card space-y-3" aria-labelledby="list-title">
        <h2 id="list-title" className="text-lg font-semibold">
          {t("adminCoupons.list")}
        </h2>
        <p className="text-sm text-muted">{t("adminCoupons.shown", { count: templates.length })}</p>
        <TemplateTable />
      </section>
      <SegmentForm />
      <CreateForm />
    </div>
  );
}
