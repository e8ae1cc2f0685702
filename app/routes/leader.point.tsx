import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { Field, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { getOwnPickupPointView, updatePickupPoint } from "~/modules/pickup/pickup-points.server";
import { UpdatePickupPointInput } from "~/modules/pickup/schemas";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leader.point.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  return { point: await getOwnPickupPointView(context, point) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const submission = parseWithValibot(await request.formData(), { schema: UpdatePickupPointInput });
  if (submission.status !== "success") return data({ result: submission.reply(), saved: false }, { status: 400 });
  await updatePickupPoint(context, point.id, submission.value);
  return { result: submission.reply(), saved: true };
}

export default function LeaderPoint() {
  const { t } = useTranslation();
  const { point } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "pickup-point",
    lastResult: actionData?.result,
    defaultValue: {
      name: point.name,
      area: point.area,
      address: point.address,
      contactPhone: point.contactPhone,
      open: point.hours.open,
      close: point.hours.close,
    },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: UpdatePickupPointInput }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("leader.point.title")}</h1>
      <section className="card space-y-1" aria-label={t("leader.point.summary")}>
        <p className="text-lg font-semibold">{point.name}</p>
        <p className="text-muted">
          {point.area} · {point.address}
        </p>
        <p className="tabular">
          {t("leader.point.hours")}: {point.hours.open}–{point.hours.close}
        </p>
        <p>
          {t("leader.point.status")}: <strong>{t(`leader.point.statuses.${point.status}`)}</strong>
        </p>
      </section>
      <Form method="post" {...getFormProps(form)} className="card space-y-4">
        <h2 className="text-lg font-semibold">{t("leader.point.edit")}</h2>
        {actionData?.saved ? (
          <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
            {t("common.saved")}
          </p>
        ) : null}
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field meta={fields.name} label={t("leader.point.name")} />
        <Field meta={fields.area} label={t("leader.point.area")} />
        <Field meta={fields.address} label={t("leader.point.address")} autoComplete="street-address" />
        <Field meta={fields.contactPhone} label={t("leader.point.contactPhone")} type="tel" autoComplete="tel" />
        <div className="grid grid-cols-2 gap-3">
          <Field meta={fields.open} label={t("leader.point.open")} placeholder="08:00" inputMode="numeric" />
          <Field meta={fields.close} label={t("leader.point.close")} placeholder="21:00" inputMode="numeric" />
        </div>
        <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
          {t("common.save")}
        </button>
      </Form>
    </div>
  );
}
