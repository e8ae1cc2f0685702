import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { blankSessionCookie, startSession } from "~/auth/session.server";
import { BirthdayForm } from "~/components/coupons/birthday-form";
import { Field, FormErrors } from "~/components/ui/field";
import { LanguageSwitch, TextSizeSwitch } from "~/components/ui/preferences";
import { RoleSwitcher } from "~/components/ui/role-switcher";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { ChangePasswordInput } from "~/modules/identity/schemas";
import { changePassword, getUserProfile, signOutEverywhere } from "~/modules/identity/users.server";
import { getMembershipCard } from "~/modules/membership/points.server";
import { getBirthday, setBirthday } from "~/modules/coupons/birthday.server";
import { BirthdayInput } from "~/modules/coupons/schemas";
import * as v from "valibot";
import { countUnread } from "~/modules/notifications/inbox.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "me.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const [profile, unreadNotices, groupDeals, membership, birthday] = await Promise.all([
    getUserProfile(context, user.id),
    countUnread(context, user.id),
    isFeatureOn(context, "feature.group_deals"),
    getMembershipCard(context, user.id),
    getBirthday(context, user.id),
  ]);
  if (!profile) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request);
  // The onboarding and notices strings travel with the console's, so the link texts are translated here.
  return {
    profile,
    groupDeals,
    membership,
    birthday,
    merchantApplyLabel: translate(locale, "merchantOnboarding.link"),
    leaderApplyLabel: translate(locale, "leaderApply.link"),
    notices: { label: translate(locale, "notices.meLink"), unread: unreadNotices, unreadLabel: translate(locale, "notices.unread", { count: unreadNotices }) },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "sign-out-everywhere") {
    await signOutEverywhere(context, user.id);
    return redirect("/login", { headers: { "Set-Cookie": blankSessionCookie(context), "Clear-Site-Data": '"cache", "storage"' } });
  }
  if (intent === "set-birthday") {
    const parsed = v.safeParse(BirthdayInput, Object.fromEntries(formData));
    if (!parsed.success) {
      const flat = v.flatten<typeof BirthdayInput>(parsed.issues);
      return data({ birthdayErrors: { ...flat.nested, "": flat.root } as Record<string, string[] | undefined> }, { status: 400 });
    }
    const { month, day } = parsed.output;
    await setBirthday(context, user.id, `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`);
    return redirect("/me?birthday=saved");
  }
  const submission = parseWithValibot(formData, { schema: ChangePasswordInput });
  if (submission.status !== "success") return data({ result: submission.reply({ hideFields: ["currentPassword", "newPassword"] }) }, { status: 400 });
  const changed = await changePassword(context, user.id, submission.value, { ip: context.request!.ip });
  if (!changed.ok) {
    return data(
      { result: submission.reply({ fieldErrors: { [changed.error.field ?? "currentPassword"]: [changed.error.code] }, hideFields: ["currentPassword", "newPassword"] }) },
      { status: changed.error.code === "rate_limited" ? 429 : 400 },
    );
  }
  // Every other device is signed out; this one continues on a fresh session.
  const { cookie } = await startSession(context, user.id, "cookie");
  return redirect("/me?password=changed", { headers: { "Set-Cookie": cookie } });
}

function SecuritySection({ hasPassword, hasEmail }: { hasPassword: boolean; hasEmail: boolean }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "change-password",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: ChangePasswordInput }),
    shouldValidate: "onBlur",
  });
  return (
    <section className="card space-y-4" aria-labelledby="security-title">
      <h2 id="security-title" className="font-semibold">
        {t("me.security")}
      </h2>
      {hasEmail ? (
        <Form method="post" {...getFormProps(form)} className="space-y-3">
          <input type="hidden" name="intent" value="change-password" />
          <FormErrors id={form.errorId} errors={form.errors} />
          {hasPassword ? <Field meta={fields.currentPassword} label={t("me.currentPassword")} type="password" autoComplete="current-password" /> : null}
          <Field meta={fields.newPassword} label={t("me.newPassword")} type="password" autoComplete="new-password" hint={t("me.passwordChangeHint")} />
          <button type="submit" className="btn-secondary w-full" disabled={navigation.state === "submitting"}>
            {hasPassword ? t("me.changePassword") : t("me.setPassword")}
          </button>
        </Form>
      ) : (
        <p className="text-sm text-muted">{t("me.passwordNeedsEmail")}</p>
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="sign-out-everywhere" />
        <button type="submit" className="btn-secondary w-full">
          {t("me.signOutEverywhere")}
        </button>
      </Form>
    </section>
  );
}

export default function Me() {
  const { t } = useTranslation();
  const { profile, groupDeals, membership, birthday, merchantApplyLabel, leaderApplyLabel, notices } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="space-y-4 p-4">
      <section className="card flex items-center gap-4" aria-labelledby="me-name">
        <span aria-hidden className="flex size-14 items-center justify-center rounded-full bg-brand-600 text-xl font-bold text-white">
          {profile.displayName.slice(0, 1)}
        </span>
        <div>
          <h1 id="me-name" className="text-xl font-bold">
            {profile.displayName}
          </h1>
          <p className="text-sm text-muted tabular">{profile.phoneMasked ?? profile.emailMasked}</p>
        </div>
      </section>
      <section className="card" aria-label={t("me.membership")}>
        <Link to="/me/points" className="flex min-h-12 items-center justify-between gap-3" aria-label={t("membership.open")}>
          <div>
            <p className="font-semibold" data-testid="me-level">
              {t(`me.level.${membership.level}`)}
            </p>
            <p className="tabular text-sm text-muted" data-testid="me-points">
              {t("me.points", { count: membership.points })}
            </p>
          </div>
          <p className="text-sm text-muted">{t("me.levelHint")}</p>
        </Link>
      </section>
      <nav aria-label={t("me.sections")} className="card grid grid-cols-2 gap-2">
        <Link to="/me/notifications" className="col-span-2 flex min-h-12 items-center justify-center gap-2 rounded-xl border border-line text-sm font-medium">
          {notices.label}
          {notices.unread ? (
            <span className="tabular rounded-full bg-price px-2 text-xs leading-5 font-bold text-white">
              <span aria-hidden>{notices.unread > 99 ? "99+" : notices.unread}</span>
              <span className="sr-only">{notices.unreadLabel}</span>
            </span>
          ) : null}
        </Link>
        {[
          ["/orders", "me.links.orders"],
          ...(groupDeals ? [["/me/groups", "groupDeals.me.link"]] : []),
          ["/me/coupons", "me.links.coupons"],
          ["/me/shares", "share.me.link"],
          ["/coupons", "coupons.centre.title"],
          ["/me/favourites", "me.links.favourites"],
          ["/me/addresses", "me.links.addresses"],
          ["/pickup", "me.links.pickup"],
        ].map(([to, key]) => (
          <Link key={to} to={to!} className="flex min-h-12 items-center justify-center rounded-xl border border-line text-sm font-medium">
            {t(key!)}
          </Link>
        ))}
        <Link to="/me/merchant-apply" className="flex min-h-12 items-center justify-center rounded-xl border border-line text-sm font-medium">
          {merchantApplyLabel}
        </Link>
        <Link to="/me/leader-apply" className="flex min-h-12 items-center justify-center rounded-xl border border-line text-sm font-medium">
          {leaderApplyLabel}
        </Link>
      </nav>
      <RoleSwitcher roles={profile.roles} current="shopper" />
      <section className="card space-y-3" aria-labelledby="prefs-title">
        <h2 id="prefs-title" className="font-semibold">
          {t("prefs.title")}
        </h2>
        <div className="flex items-center justify-between">
          <span>{t("prefs.language")}</span>
          <LanguageSwitch />
        </div>
        <TextSizeSwitch />
      </section>
      <BirthdayForm
        birthday={birthday}
        errors={actionData && "birthdayErrors" in actionData ? actionData.birthdayErrors : null}
        saved={params.get("birthday") === "saved"}
      />
      {params.get("password") === "changed" ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("me.passwordChanged")}
        </p>
      ) : null}
      <SecuritySection hasPassword={profile.hasPassword} hasEmail={profile.email !== null} />
      <Form method="post" action="/logout">
        <button type="submit" className="btn-secondary w-full">
          {t("auth.signOut")}
        </button>
      </Form>
    </div>
  );
}
