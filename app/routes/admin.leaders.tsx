import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ReviewDecision } from "~/components/admin/review-decision";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { formatHours, LeaderErrors } from "~/components/leader-apply/fields";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { LEADER_REVIEW_STATUSES, ReviewLeaderInput } from "~/modules/leaders/apply-schemas";
import { approveLeaderApplication, listLeaderApplications, rejectLeaderApplication } from "~/modules/leaders/apply.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leaderApply.admin.title")} · ${translate(locale, "app.name")}` }];
};

const StatusQuery = v.optional(v.picklist(LEADER_REVIEW_STATUSES), "pending");

/** The leader application queue: the applicant's full address, phone and photo, so reviewers only. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "review:leader:any");
  const parsed = v.safeParse(StatusQuery, new URL(request.url).searchParams.get("status") || undefined);
  if (!parsed.success) throw data({ error: "invalid_query" }, { status: 400 });
  const rows = await listLeaderApplications(context, parsed.output);
  return { rows, status: parsed.output, locale: resolveLocale(request) };
}

type FieldErrors = Record<string, string[] | undefined>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "review:leader:any");
  const form = Object.fromEntries(await request.formData());
  const parsed = v.safeParse(ReviewLeaderInput, form);
  if (!parsed.success) {
    const errors = v.flatten<typeof ReviewLeaderInput>(parsed.issues);
    return data(
      { pointId: typeof form.pointId === "string" ? form.pointId : null, errors: { ...errors.nested, "": errors.root } as FieldErrors, done: null },
      { status: 400 },
    );
  }
  const input = parsed.output;
  if (input.intent === "approve") {
    const approved = await approveLeaderApplication(context, admin.id, input.pointId);
    if (!approved.ok) {
      return data(
        { pointId: input.pointId, errors: { "": [approved.error.code] } as FieldErrors, done: null },
        { status: approved.error.code === "point_not_found" ? 404 : 409 },
      );
    }
    return { pointId: input.pointId, errors: null, done: { intent: "approve" as const, name: approved.value.name, code: approved.value.inviteCode } };
  }
  const rejected = await rejectLeaderApplication(context, admin.id, input.pointId, input.reason);
  if (!rejected.ok) {
    return data(
      { pointId: input.pointId, errors: { "": [rejected.error.code] } as FieldErrors, done: null },
      { status: rejected.error.code === "point_not_found" ? 404 : 409 },
    );
  }
  return { pointId: input.pointId, errors: null, done: { intent: "reject" as const, name: rejected.value.name, code: "" } };
}

export default function AdminLeaders() {
  const { t } = useTranslation();
  const { rows, status, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("leaderApply.admin.title")}</h1>
      <nav aria-label={t("leaderApply.admin.filter")} className="flex flex-wrap gap-2">
        {LEADER_REVIEW_STATUSES.map((s) => (
          <Link
            key={s}
            to={s === "pending" ? "/admin/leaders" : `/admin/leaders?status=${s}`}
            aria-current={s === status ? "page" : undefined}
            className={`flex min-h-11 items-center rounded-full border px-4 text-sm ${s === status ? "border-brand-600 bg-brand-50 font-semibold text-brand-800" : "border-line"}`}
          >
            {t(`leaderApply.admin.tabs.${s}`)}
          </Link>
        ))}
      </nav>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {actionData.done.intent === "approve"
            ? t("leaderApply.admin.approved", { point: actionData.done.name, code: actionData.done.code })
            : t("leaderApply.admin.rejected", { point: actionData.done.name })}
        </p>
      ) : null}
      {actionData?.errors && !rows.some((r) => r.id === actionData.pointId) ? (
        <LeaderErrors
          id="review-errors"
          errors={Object.values(actionData.errors)
            .flat()
            .filter((e): e is string => !!e)}
          summary
        />
      ) : null}
      {rows.length === 0 ? <p className="card text-muted">{status === "pending" ? t("leaderApply.admin.empty") : t("leaderApply.admin.emptyOther")}</p> : null}
      <ul className="space-y-4">
        {rows.map((p) => {
          const errors = actionData?.pointId === p.id ? actionData.errors : null;
          const reasonErrors = errors?.reason;
          const otherErrors = errors
            ? Object.entries(errors)
                .filter(([k]) => k !== "reason")
                .flatMap(([, list]) => list ?? [])
            : [];
          return (
            <li key={p.id} className="card space-y-3" data-point-id={p.id} aria-labelledby={`p-${p.id}`}>
              <h2 id={`p-${p.id}`} className="text-lg font-semibold">
                {p.name}
              </h2>
              <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="text-muted">{t("leaderApply.admin.applicant")}</dt>
                <dd>{p.applicantName}</dd>
                <dt className="text-muted">{t("leaderApply.admin.area")}</dt>
                <dd>{p.area}</dd>
                <dt className="text-muted">{t("leaderApply.admin.address")}</dt>
                <dd>{p.address}</dd>
                <dt className="text-muted">{t("leaderApply.admin.location")}</dt>
                <dd className="tabular">{`${p.lat}, ${p.lng}`}</dd>
                <dt className="text-muted">{t("leaderApply.admin.hours")}</dt>
                <dd className="tabular">{formatHours(p.hours, t)}</dd>
                <dt className="text-muted">{t("leaderApply.admin.contactPhone")}</dt>
                <dd className="tabular">
                  <a href={`tel:${p.contactPhone}`} className="link">
                    {p.contactPhone}
                  </a>
                </dd>
                <dt className="text-muted">{t("leaderApply.admin.doorDelivery")}</dt>
                <dd>{p.doorDelivery ? t("leaderApply.admin.yes") : t("leaderApply.admin.no")}</dd>
                <dt className="text-muted">{t("leaderApply.admin.photo")}</dt>
                <dd>
                  {p.hasPhoto ? (
                    <a href={`/admin/leaders/${p.id}/photo`} target="_blank" rel="noreferrer" className="link">
                      {t("leaderApply.admin.viewPhoto")}
                    </a>
                  ) : (
                    t("leaderApply.admin.noPhoto")
                  )}
                </dd>
                <dt className="text-muted">{t("leaderApply.admin.submitted")}</dt>
                <dd className="tabular">{formatDateTime(p.submittedAt, locale)}</dd>
                {p.reviewedAt ? (
                  <>
                    <dt className="text-muted">{t("leaderApply.admin.reviewed")}</dt>
                    <dd className="tabular">{formatDateTime(p.reviewedAt, locale)}</dd>
                  </>
                ) : null}
                {p.inviteCode && p.status === "active" ? (
                  <>
                    <dt className="text-muted">{t("leaderApply.admin.inviteCode")}</dt>
                    <dd className="font-mono">{p.inviteCode}</dd>
                  </>
                ) : null}
              </dl>
              {p.status === "rejected" && p.rejectReason ? <p className="text-sm text-danger">{t("leaderApply.admin.rejectReason", { reason: p.rejectReason })}</p> : null}
              <LeaderErrors id={`p-${p.id}-errors`} errors={otherErrors} summary />
              {p.status === "pending" ? (
                <ReviewDecision
                  idField="pointId"
                  id={p.id}
                  busy={busy}
                  reasonInvalid={Boolean(reasonErrors?.length)}
                  reasonError={<LeaderErrors id={`reason-${p.id}-error`} errors={reasonErrors} />}
                  text={{
                    approve: t("leaderApply.admin.approve"),
                    approveLabel: t("leaderApply.admin.approveLabel", { point: p.name }),
                    reason: t("leaderApply.admin.reason"),
                    reasonHint: t("leaderApply.admin.reasonHint"),
                    reject: t("leaderApply.admin.reject"),
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
