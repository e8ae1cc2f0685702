import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { OnbErrors, OnbField } from "~/components/merchant-onboarding/fields";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate, withMessagesInUse } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { ApplyMerchantInput, LICENCE_IMAGE_MAX_BYTES, LICENCE_IMAGE_TYPES } from "~/modules/merchants/onboarding-schemas";
import { applyAsMerchant, getMyApplication, listApplicableCategories } from "~/modules/merchants/onboarding.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

// The onboarding strings live with the console's; this page brings them along.
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(locale, "merchantOnboarding.apply.title")} · ${translate(locale, "app.name")}`,
    },
  ];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const locale = resolveLocale(request);
  const [application, categories, open] = await Promise.all([
    getMyApplication(context, user.id),
    listApplicableCategories(context, locale),
    isFeatureOn(context, "feature.merchant_applications"),
  ]);
  return { application, categories, paused: !open, locale };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const formData = await request.formData();
  const submission = parseWithValibot(formData, { schema: ApplyMerchantInput });
  // Applications paused by the platform (admin settings): nothing is taken; pending ones are still reviewed.
  if (!(await isFeatureOn(context, "feature.merchant_applications"))) {
    return data({ result: submission.reply({ formErrors: ["applications_paused"] }) }, { status: 409 });
  }
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const image = formData.get("licenceImage");
  const applied = await applyAsMerchant(context, {
    userId: user.id,
    form: submission.value,
    licenceImage: typeof image === "object" && image !== null && "arrayBuffer" in image ? image : null,
  });
  if (!applied.ok) {
    const status =
      applied.error.code === "application_pending" || applied.error.code === "already_merchant" || applied.error.code === "licence_taken" ? 409 : 400;
    return data(
      {
        result: submission.reply({
          fieldErrors: {
            [applied.error.field ?? "storeName"]: [applied.error.code],
          },
        }),
      },
      { status },
    );
  }
  throw redirect("/me/merchant-apply?submitted=1");
}

function StatusCard() {
  const { t } = useTranslation();
  const { application, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  if (!application) return null;
  const tone =
    application.status === "approved" ? "bg-brand-50 text-brand-800" : application.status === "pending" ? "bg-surface text-ink" : "bg-danger-50 text-danger";
  return (
    <section className="card space-y-2" aria-labelledby="apply-status-title">
      {params.get("submitted") === "1" && application.status === "pending" ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantOnboarding.apply.submitted")}
        </p>
      ) : null}
      <h2 id="apply-status-title" className="font-semibold">
        {t("merchantOnboarding.status.title")}
      </h2>
      <p>
        <span className={`inline-block rounded-full px-3 py-1 text-sm font-semibold ${tone}`} data-testid="merchant-application-status">
          {t(`merchantOnboarding.status.${application.status}`)}
        </span>
      </p>
      <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-muted">{t("merchantOnboarding.status.store")}</dt>
        <dd>{application.storeName}</dd>
        <dt className="text-muted">{t("merchantOnboarding.status.submittedAt")}</dt>
        <dd className="tabular">{formatDateTime(application.submittedAt, locale)}</dd>
      </dl>
      <p className="text-sm">{t(`merchantOnboarding.status.${application.status}Lead`)}</p>
      {application.status === "rejected" && application.rejectReason ? (
        <p className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
          {t("merchantOnboarding.status.reason", {
            reason: application.rejectReason,
          })}
        </p>
      ) : null}
      {application.status === "approved" ? (
        <Link to="/merchant" className="btn-primary w-full">
          {t("merchantOnboarding.status.openConsole")}
        </Link>
      ) : null}
    </section>
  );
}

function ApplyForm() {
  const { t } = useTranslation();
  const { application, categories } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "merchant-apply",
    lastResult: actionData?.result,
    defaultValue: application
      ? {
          storeName: application.storeName,
          companyName: application.companyName,
          licenceNo: application.licenceNo,
          contactName: application.contactName,
          contactPhone: application.contactPhone,
          categoryIds: application.categoryIds,
        }
      : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: ApplyMerchantInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const chosen = new Set([fields.categoryIds.initialValue ?? []].flat());
  const imageErrors = actionData?.result.error?.licenceImage;
  return (
    <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="card space-y-4">
      <OnbErrors id={form.errorId} errors={form.errors} summary />
      <OnbField meta={fields.storeName} label={t("merchantOnboarding.apply.storeName")} autoComplete="organization" />
      <OnbField meta={fields.companyName} label={t("merchantOnboarding.apply.companyName")} />
      <OnbField
        meta={fields.licenceNo}
        label={t("merchantOnboarding.apply.licenceNo")}
        hint={t("merchantOnboarding.apply.licenceNoHint")}
        autoCapitalize="characters"
        spellCheck={false}
      />
      <div>
        <label htmlFor="licence-image" className="field-label">
          {t("merchantOnboarding.apply.licenceImage")}
        </label>
        <input
          id="licence-image"
          name="licenceImage"
          type="file"
          accept={LICENCE_IMAGE_TYPES}
          required
          data-max-bytes={LICENCE_IMAGE_MAX_BYTES}
          aria-invalid={imageErrors?.length ? true : undefined}
          aria-describedby={["licence-image-hint", imageErrors?.length ? "licence-image-error" : ""].filter(Boolean).join(" ")}
          className="block min-h-11 w-full text-sm"
        />
        <p id="licence-image-hint" className="mt-1 text-sm text-muted">
          {t("merchantOnboarding.apply.licenceImageHint")}
        </p>
        <OnbErrors id="licence-image-error" errors={imageErrors} />
      </div>
      <OnbField meta={fields.contactName} label={t("merchantOnboarding.apply.contactName")} autoComplete="name" />
      <OnbField meta={fields.contactPhone} label={t("merchantOnboarding.apply.contactPhone")} type="tel" autoComplete="tel" inputMode="tel" />
      <fieldset aria-describedby={fields.categoryIds.errors?.length ? fields.categoryIds.errorId : undefined}>
        <legend className="field-label">{t("merchantOnboarding.apply.categories")}</legend>
        <div className="grid grid-cols-2 gap-2">
          {categories.map((c) => (
            <label key={c.id} className="flex min-h-11 items-center gap-2 rounded-xl border border-line px-3 text-sm">
              <input type="checkbox" name={fields.categoryIds.name} value={c.id} defaultChecked={chosen.has(c.id)} className="size-5" />
              {c.name}
            </label>
          ))}
        </div>
        <OnbErrors id={fields.categoryIds.errorId} errors={fields.categoryIds.errors} />
      </fieldset>
      <button type="submit" className="btn-primary w-full" disabled={navigation.state === "submitting"}>
        {application?.status === "rejected" ? t("merchantOnboarding.apply.resubmit") : t("merchantOnboarding.apply.submit")}
      </button>
    </Form>
  );
}

export default function MerchantApply() {
  const { t } = useTranslation();
  const { application, paused } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const eligible = !application || application.status === "rejected";
  const canApply = eligible && !paused;
  return (
    <div className="space-y-4 p-4">
      <div className="flex items-center gap-2">
        <Link to="/me" className="flex min-h-11 items-center text-sm text-muted underline">
          {t("merchantOnboarding.apply.back")}
        </Link>
      </div>
      <h1 className="text-xl font-bold">{t("merchantOnboarding.apply.title")}</h1>
      {canApply ? <p className="text-sm text-muted">{t("merchantOnboarding.apply.lead")}</p> : null}
      {paused && eligible ? (
        <p role={actionData ? "alert" : "status"} className="rounded-xl bg-surface p-3 text-sm" data-testid="applications-paused">
          {t("merchantOnboarding.applicationsPaused")}
        </p>
      ) : null}
      <StatusCard />
      {canApply ? <ApplyForm /> : null}
    </div>
  );
}
