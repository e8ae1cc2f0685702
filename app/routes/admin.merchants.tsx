import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ReviewDecision } from "~/components/admin/review-decision";
import * as v from "valibot";
import { getAdminAccess, requirePermission } from "~/auth/guards.server";
import { OnbErrors } from "~/components/merchant-onboarding/fields";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { MERCHANT_REVIEW_STATUSES as REVIEW_STATUSES, ReviewMerchantInput } from "~/modules/merchants/onboarding-schemas";
import { approveApplication, listApplications, rejectApplication } from "~/modules/merchants/onboarding.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(locale, "adminMerchants.title")} · ${translate(locale, "app.name")}`,
    },
  ];
};

const StatusQuery = v.optional(v.picklist(REVIEW_STATUSES), "pending");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:merchant:any");
  const parsed = v.safeParse(StatusQuery, new URL(request.url).searchParams.get("status") || undefined);
  if (!parsed.success) throw data({ error: "invalid_query" }, { status: 400 });
  const locale = resolveLocale(request);
  // Admins who may only read merchants see the queue without the licence details or the decisions.
  const canReview = (await getAdminAccess(context, admin)).permissions.has("review:merchant:any");
  const rows = await listApplications(context, {
    status: parsed.output,
    revealLicence: canReview,
    locale,
  });
  return { rows, status: parsed.output, canReview, locale };
}

type FieldErrors = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "review:merchant:any");
  const form = Object.fromEntries(await request.formData());
  const parsed = v.safeParse(ReviewMerchantInput, form);
  if (!parsed.success) {
    const errors = v.flatten<typeof ReviewMerchantInput>(parsed.issues);
    return data(
      {
        merchantId: typeof form.merchantId === "string" ? form.merchantId : null,
        errors: { ...errors.nested, "": errors.root } as FieldErrors,
        done: null,
      },
      { status: 400 },
    );
  }
  const input = parsed.output;
  const reviewed =
    input.intent === "approve"
      ? await approveApplication(context, admin.id, input.merchantId)
      : await rejectApplication(context, admin.id, input.merchantId, input.reason);
  if (!reviewed.ok) {
    return data(
      {
        merchantId: input.merchantId,
        errors: { "": [reviewed.error.code] } as FieldErrors,
        done: null,
      },
      { status: reviewed.error.code === "merchant_not_found" ? 404 : 409 },
    );
  }
  return {
    merchantId: input.merchantId,
    errors: null,
    done: input.intent,
    storeName: reviewed.value.storeName,
  };
}

export default function AdminMerchants() {
  const { t } = useTranslation();
  const { rows, status, canReview, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("adminMerchants.title")}</h1>
      <nav aria-label={t("adminMerchants.filter")} className="flex flex-wrap gap-2">
        {REVIEW_STATUSES.map((s) => (
          <Link
            key={s}
            to={s === "pending" ? "/admin/merchants" : `/admin/merchants?status=${s}`}
            aria-current={s === status ? "page" : undefined}
            className={`flex min-h-11 items-center rounded-full border px-4 text-sm ${
              s === status ? "border-brand-600 bg-brand-50 font-semibold text-brand-800" : "border-line"
            }`}
          >
            {t(`adminMerchants.tabs.${s}`)}
          </Link>
        ))}
      </nav>
      {actionData?.done && "storeName" in actionData ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(actionData.done === "approve" ? "adminMerchants.approved" : "adminMerchants.rejected", { store: actionData.storeName })}
        </p>
      ) : null}
      {actionData?.errors && !rows.some((r) => r.id === actionData.merchantId) ? (
        <OnbErrors
          id="review-errors"
          errors={Object.values(actionData.errors)
            .flat()
            .filter((e): e is string => !!e)}
          summary
        />
      ) : null}
      {rows.length === 0 ? <p className="card text-muted">{status === "pending" ? t("adminMerchants.empty") : t("adminMerchants.emptyOther")}</p> : null}
      <ul className="space-y-4">
        {rows.map((m) => {
          const errors = actionData?.merchantId === m.id ? actionData.errors : null;
          const reasonErrors = errors?.reason;
          const otherErrors = errors
            ? Object.entries(errors)
                .filter(([k]) => k !== "reason")
                .flatMap(([, list]) => list ?? [])
            : [];
          return (
            <li key={m.id} className="card space-y-3" data-merchant-id={m.id} aria-labelledby={`m-${m.id}`}>
              <h2 id={`m-${m.id}`} className="text-lg font-semibold">
                {m.storeName}
              </h2>
              <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[9rem_1fr]">
                <dt className="text-muted">{t("adminMerchants.company")}</dt>
                <dd>{m.companyName}</dd>
                <dt className="text-muted">{t("adminMerchants.licenceNo")}</dt>
                <dd className="tabular">{m.licenceNo}</dd>
                <dt className="text-muted">{t("adminMerchants.licenceImage")}</dt>
                <dd>
                  {m.hasLicenceImage && canReview ? (
                    <a href={`/admin/merchants/${m.id}/licence`} target="_blank" rel="noreferrer" className="text-brand-700 underline">
                      {t("adminMerchants.viewImage")}
                    </a>
                  ) : (
                    "—"
                  )}
                </dd>
                <dt className="text-muted">{t("adminMerchants.contact")}</dt>
                <dd className="tabular">
                  {m.contactName} · {m.contactPhone}
                </dd>
                <dt className="text-muted">{t("adminMerchants.applicant")}</dt>
                <dd>{m.applicantName}</dd>
                <dt className="text-muted">{t("adminMerchants.categories")}</dt>
                <dd>{m.categories.join("、")}</dd>
                <dt className="text-muted">{t("adminMerchants.submitted")}</dt>
                <dd className="tabular">{formatDateTime(m.submittedAt, locale)}</dd>
                {m.reviewedAt ? (
                  <>
                    <dt className="text-muted">{t("adminMerchants.reviewed")}</dt>
                    <dd className="tabular">{formatDateTime(m.reviewedAt, locale)}</dd>
                  </>
                ) : null}
              </dl>
              {m.status === "rejected" && m.rejectReason ? (
                <p className="text-sm text-danger">{t("adminMerchants.rejectReason", { reason: m.rejectReason })}</p>
              ) : null}
              <OnbErrors id={`m-${m.id}-errors`} errors={otherErrors} summary />
              {m.status === "pending" && canReview ? (
                <ReviewDecision
                  idField="merchantId"
                  id={m.id}
                  busy={busy}
                  reasonInvalid={Boolean(reasonErrors?.length)}
                  reasonError={<OnbErrors id={`reason-${m.id}-error`} errors={reasonErrors} />}
                  text={{
                    approve: t("adminMerchants.approve"),
                    approveLabel: t("adminMerchants.approveLabel", { store: m.storeName }),
                    reason: t("adminMerchants.reason"),
                    reasonHint: t("adminMerchants.reasonHint"),
                    reject: t("adminMerchants.reject"),
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
