import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { auditStatement } from "~/modules/audit/audit.server";
import { addDays, businessDateOf, isBusinessDate } from "~/modules/fulfilment/business-date";
import { listCutoffRuns, runCutoff } from "~/modules/fulfilment/cutoff.server";
import { RunCutoffInput } from "~/modules/fulfilment/schemas";
import { getSettings } from "~/modules/settings/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "fulfilment.admin.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "run:cutoff:any");
  const [runs, settings] = await Promise.all([listCutoffRuns(context, 30), getSettings(context, ["order.cutoff_time"])]);
  return { runs, today: businessDateOf(Date.now()), cutoffTime: settings["order.cutoff_time"], locale: resolveLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "run:cutoff:any");
  const submission = parseWithValibot(await request.formData(), { schema: RunCutoffInput });
  if (submission.status !== "success") return data({ result: submission.reply(), run: null }, { status: 400 });
  const { businessDate } = submission.value;
  const today = businessDateOf(Date.now());
  // Today's cut-off (early, if need be) or a past day's missed one; never a future day.
  if (!isBusinessDate(businessDate) || businessDate > today || businessDate < addDays(today, -7)) {
    return data({ result: submission.reply({ fieldErrors: { businessDate: ["date_out_of_range"] } }), run: null }, { status: 400 });
  }
  const run = await runCutoff(context, { businessDate, trigger: "manual", actorId: admin.id });
  if (run.ran) {
    await auditStatement(context, { actorUserId: admin.id, action: "fulfilment.cutoff.run", entityType: "cutoff_run", entityId: run.deliveryDate, data: { businessDate, batches: run.batches, orders: run.orders } });
  }
  return { result: submission.reply(), run };
}

export default function AdminFulfilment() {
  const { t } = useTranslation();
  const { runs, today, cutoffTime, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const dateError = actionData?.result?.error?.businessDate?.[0];
  return (
    <div className="max-w-4xl space-y-4">
      <h1 className="text-2xl font-bold">{t("fulfilment.admin.title")}</h1>
      <p className="text-sm text-muted">{t("fulfilment.admin.explain", { time: cutoffTime })}</p>
      {actionData?.run ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {actionData.run.ran
            ? t("fulfilment.admin.ran", { date: actionData.run.deliveryDate, batches: actionData.run.batches, orders: actionData.run.orders })
            : t("fulfilment.admin.already", { date: actionData.run.deliveryDate })}
        </p>
      ) : null}
      <Form method="post" className="card flex flex-wrap items-end gap-3">
        <input type="hidden" name="intent" value="run-cutoff" />
        <div>
          <label htmlFor="businessDate" className="field-label">
            {t("fulfilment.admin.businessDate")}
          </label>
          <input
            id="businessDate"
            name="businessDate"
            type="date"
            defaultValue={today}
            max={today}
            required
            className="field-input"
            aria-invalid={dateError ? true : undefined}
            aria-describedby={dateError ? "businessDate-error" : undefined}
          />
          {dateError ? (
            <p id="businessDate-error" className="field-error" role="alert">
              {t(`fulfilment.errors.${dateError}`, { defaultValue: t("fulfilment.errors.generic") })}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn-primary" disabled={navigation.state === "submitting"}>
          {t("fulfilment.admin.run")}
        </button>
      </Form>
      <section className="card overflow-x-auto" aria-labelledby="runs-title">
        <h2 id="runs-title" className="mb-2 font-semibold">{t("fulfilment.admin.runs")}</h2>
        {runs.length === 0 ? (
          <p className="text-sm text-muted">{t("fulfilment.admin.noRuns")}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className="py-2">{t("fulfilment.sheet.date")}</th>
                <th scope="col" className="py-2">{t("fulfilment.admin.cutoffAt")}</th>
                <th scope="col" className="py-2">{t("fulfilment.admin.trigger")}</th>
                <th scope="col" className="py-2 text-right">{t("fulfilment.admin.batches")}</th>
                <th scope="col" className="py-2 text-right">{t("fulfilment.sheet.orders")}</th>
                <th scope="col" className="py-2">{t("fulfilment.admin.finishedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.deliveryDate} className="border-b border-line last:border-0">
                  <td className="py-2">{r.deliveryDate}</td>
                  <td className="tabular py-2">{formatDateTime(r.cutoffAt, locale)}</td>
                  <td className="py-2">{t(`fulfilment.admin.triggers.${r.trigger}`)}</td>
                  <td className="tabular py-2 text-right">{r.batches}</td>
                  <td className="tabular py-2 text-right">{r.orders}</td>
                  <td className="tabular py-2">{formatDateTime(r.finishedAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
