import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, requireOwnMerchant, requireRole } from "~/auth/guards.server";
import { OnbErrors, OnbField } from "~/components/merchant-onboarding/fields";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { StaffAction } from "~/modules/merchants/onboarding-schemas";
import { createInvitation, listInvitations, listStaff, removeStaff, revokeInvitation } from "~/modules/merchants/staff.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(locale, "merchantOnboarding.staff.title")} · ${translate(locale, "app.name")}`,
    },
  ];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant, staffRole } = await requireOwnMerchant(context, user);
  const isOwner = staffRole === "owner";
  const [staff, invitations] = await Promise.all([listStaff(context, merchant.id), isOwner ? listInvitations(context, merchant.id) : Promise.resolve([])]);
  return {
    staff,
    invitations,
    isOwner,
    userId: user.id,
    locale: resolveLocale(request),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  const { merchant, staffRole } = await requireOwnMerchant(context, user);
  if (staffRole !== "owner") throw forbidden();
  const submission = parseWithValibot(await request.formData(), {
    schema: StaffAction,
  });
  if (submission.status !== "success") return data({ result: submission.reply(), link: null, done: null }, { status: 400 });
  const input = submission.value;
  if (input.intent === "invite") {
    const created = await createInvitation(context, {
      merchantId: merchant.id,
      invitedBy: user.id,
      note: input.note,
    });
    const origin = context.request?.url.origin ?? new URL(request.url).origin;
    return {
      result: submission.reply({ resetForm: true }),
      link: {
        url: `${origin}/join/merchant/${created.token}`,
        expiresAt: created.expiresAt,
      },
      done: "invite" as const,
    };
  }
  const changed =
    input.intent === "revoke"
      ? await revokeInvitation(context, {
          merchantId: merchant.id,
          invitationId: input.invitationId,
          actorId: user.id,
        })
      : await removeStaff(context, {
          merchantId: merchant.id,
          userId: input.userId,
          actorId: user.id,
        });
  if (!changed.ok) {
    const status = changed.error.code === "invitation_not_found" || changed.error.code === "staff_not_found" ? 404 : 409;
    return data(
      {
        result: submission.reply({ formErrors: [changed.error.code] }),
        link: null,
        done: null,
      },
      { status },
    );
  }
  return { result: submission.reply(), link: null, done: input.intent };
}

export default function MerchantStaff() {
  const { t } = useTranslation();
  const { staff, invitations, isOwner, userId, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [form, fields] = useForm({
    id: "staff-invite",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: StaffAction }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="max-w-4xl space-y-4">
      <h1 className="text-2xl font-bold">{t("merchantOnboarding.staff.title")}</h1>
      {actionData?.done === "revoke" ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantOnboarding.staff.revoked")}
        </p>
      ) : null}
      {actionData?.done === "remove" ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("merchantOnboarding.staff.removed")}
        </p>
      ) : null}
      <OnbErrors id="staff-errors" errors={form.errors} summary />
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title" className="mb-2 font-semibold">
          {t("merchantOnboarding.staff.members")}
        </h2>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="sticky top-0 bg-white">
              <tr className="border-b border-line">
                <th scope="col" className="py-2">
                  {t("merchantOnboarding.staff.name")}
                </th>
                <th scope="col" className="py-2">
                  {t("merchantOnboarding.staff.role")}
                </th>
                <th scope="col" className="py-2">
                  {t("merchantOnboarding.staff.since")}
                </th>
                {isOwner ? (
                  <th scope="col" className="py-2">
                    <span className="sr-only">{t("merchantOnboarding.staff.remove")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.userId} className="border-b border-line last:border-0" data-user-id={s.userId}>
                  <td className="py-2">{s.displayName}</td>
                  <td className="py-2">{t(`merchantOnboarding.staff.roles.${s.staffRole}`)}</td>
                  <td className="py-2 tabular">{formatDateTime(s.since, locale)}</td>
                  {isOwner ? (
                    <td className="py-2 text-right">
                      {s.userId !== userId ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="userId" value={s.userId} />
                          <button
                            type="submit"
                            className="btn-secondary min-h-11 px-3 text-sm"
                            disabled={busy}
                            aria-label={t("merchantOnboarding.staff.removeLabel", { name: s.displayName })}
                          >
                            {t("merchantOnboarding.staff.remove")}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {isOwner ? (
        <section className="card space-y-4" aria-labelledby="invitations-title">
          <h2 id="invitations-title" className="font-semibold">
            {t("merchantOnboarding.staff.invitations")}
          </h2>
          <p className="text-sm text-muted">{t("merchantOnboarding.staff.inviteLead")}</p>
          {actionData?.link ? (
            <div role="status" className="space-y-2 rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
              <p className="font-semibold">{t("merchantOnboarding.staff.linkTitle")}</p>
              <p>{t("merchantOnboarding.staff.linkLead")}</p>
              <label htmlFor="invite-link" className="field-label">
                {t("merchantOnboarding.staff.linkLabel")}
              </label>
              <input
                id="invite-link"
                readOnly
                value={actionData.link.url}
                className="field-input tabular"
                data-testid="invitation-link"
                onFocus={(e) => e.currentTarget.select()}
              />
              <p>
                {t("merchantOnboarding.staff.expires")} {formatDateTime(actionData.link.expiresAt, locale)}
              </p>
            </div>
          ) : null}
          <Form method="post" {...getFormProps(form)} className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <input type="hidden" name="intent" value="invite" />
            <div className="flex-1">
              <OnbField meta={fields.note} label={t("merchantOnboarding.staff.note")} placeholder={t("merchantOnboarding.staff.noteHint")} maxLength={40} />
            </div>
            <button type="submit" className="btn-primary" disabled={busy}>
              {t("merchantOnboarding.staff.create")}
            </button>
          </Form>
          {invitations.length === 0 ? (
            <p className="text-sm text-muted">{t("merchantOnboarding.staff.noInvitations")}</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full min-w-[36rem] text-left text-sm">
                <thead className="sticky top-0 bg-white">
                  <tr className="border-b border-line">
                    <th scope="col" className="py-2">
                      {t("merchantOnboarding.staff.note")}
                    </th>
                    <th scope="col" className="py-2">
                      {t("merchantOnboarding.staff.status")}
                    </th>
                    <th scope="col" className="py-2">
                      {t("merchantOnboarding.staff.created")}
                    </th>
                    <th scope="col" className="py-2">
                      {t("merchantOnboarding.staff.expires")}
                    </th>
                    <th scope="col" className="py-2">
                      {t("merchantOnboarding.staff.acceptedBy")}
                    </th>
                    <th scope="col" className="py-2">
                      <span className="sr-only">{t("merchantOnboarding.staff.revoke")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {invitations.map((i) => (
                    <tr key={i.id} className="border-b border-line last:border-0" data-invitation-id={i.id}>
                      <td className="py-2">{i.note ?? "—"}</td>
                      <td className="py-2">{t(`merchantOnboarding.staff.statuses.${i.status}`)}</td>
                      <td className="py-2 tabular">{formatDateTime(i.createdAt, locale)}</td>
                      <td className="py-2 tabular">{formatDateTime(i.expiresAt, locale)}</td>
                      <td className="py-2">{i.acceptedByName ?? "—"}</td>
                      <td className="py-2 text-right">
                        {i.status === "pending" ? (
                          <Form method="post">
                            <input type="hidden" name="intent" value="revoke" />
                            <input type="hidden" name="invitationId" value={i.id} />
                            <button
                              type="submit"
                              className="btn-secondary min-h-11 px-3 text-sm"
                              disabled={busy}
                              aria-label={t("merchantOnboarding.staff.revokeLabel", {
                                note: i.note ?? formatDateTime(i.createdAt, locale),
                              })}
                            >
                              {t("merchantOnboarding.staff.revoke")}
                            </button>
                          </Form>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : (
        <p className="card text-sm text-muted">{t("merchantOnboarding.staff.ownerOnly")}</p>
      )}
    </div>
  );
}
