import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { Field, FieldErrors, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { getMerchantProfile, updateMerchantProfile } from "~/modules/merchants/merchants.server";
import { UpdateMerchantProfileInput } from "~/modules/merchants/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "merchant.profile.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  return { profile: await getMerchantProfile(context, merchant) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant } = await requireOwnMerchant(context, user);
  const submission = parseWithValibot(await request.formData(), { schema: UpdateMerchantProfileInput });
  if (submission.status !== "success") return data({ result: submission.reply(), saved: false }, { status: 400 });
  await updateMerchantProfile(context, merchant.id, submission.value);
  return { result: submission.reply(), saved: true };
}

export default function MerchantProfile() {
  const { t } = useTranslation();
  const { profile } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "merchant-profile",
    lastResult: actionData?.result,
    defaultValue: { contactName: profile.contactName, contactPhone: profile.contactPhone, description: profile.description },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: UpdateMerchantProfileInput }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-2xl font-bold">{t("merchant.profile.title")}</h1>
      <section className="card">
        <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-muted">{t("merchant.profile.name")}</dt>
          <dd className="font-semibold">{profile.name}</dd>
          <dt className="text-muted">{t("merchant.profile.company")}</dt>
          <dd>{profile.companyName}</dd>
          <dt className="text-muted">{t("merchant.profile.licence")}</dt>
          <dd className="tabular">{profile.licenceNoMasked}</dd>
          <dt className="text-muted">{t("merchant.profile.status")}</dt>
          <dd>{t(`merchant.profile.statuses.${profile.status}`)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="staff-title">
        <h2 id="staff-title" className="mb-2 font-semibold">
          {t("merchant.profile.staff")}
        </h2>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-line">
              <th scope="col" className="py-2">
                {t("merchant.profile.staffName")}
              </th>
              <th scope="col" className="py-2">
                {t("merchant.profile.staffRole")}
              </th>
            </tr>
          </thead>
          <tbody>
            {profile.staff.map((s) => (
              <tr key={s.userId} className="border-b border-line last:border-0">
                <td className="py-2">{s.displayName}</td>
                <td className="py-2">{t(`merchant.profile.staffRoles.${s.staffRole}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Form method="post" {...getFormProps(form)} className="card space-y-4">
        <h2 className="text-lg font-semibold">{t("merchant.profile.edit")}</h2>
        {actionData?.saved ? (
          <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
            {t("common.saved")}
          </p>
        ) : null}
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field meta={fields.contactName} label={t("merchant.profile.contactName")} autoComplete="name" />
        <Field meta={fields.contactPhone} label={t("merchant.profile.contactPhone")} type="tel" autoComplete="tel" />
        <div>
          <label htmlFor={fields.description.id} className="field-label">
            {t("merchant.profile.description")}
          </label>
          <textarea {...getTextareaProps(fields.description)} rows={4} className="field-input py-2" />
          <FieldErrors id={fields.description.errorId} errors={fields.description.errors} />
        </div>
        <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
          {t("common.save")}
        </button>
      </Form>
    </div>
  );
}
