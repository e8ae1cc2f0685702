import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getOptionalUser, safeRedirectPath } from "~/auth/guards.server";
import { completeWebSignIn } from "~/auth/sign-in.server";
import { Field, FormErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { resolveLocale } from "~/lib/preferences.server";
import { SignUpInput } from "~/modules/identity/schemas";
import { signUpWithPassword } from "~/modules/identity/users.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "auth.signUp")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getOptionalUser(context, request)) return redirect("/me");
  return { redirectTo: safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithValibot(formData, { schema: SignUpInput });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const created = await signUpWithPassword(context, submission.value, { ip: context.request!.ip, locale: resolveLocale(request) });
  if (!created.ok) {
    return data(submission.reply({ fieldErrors: { [created.error.field ?? "email"]: [created.error.code] }, hideFields: ["password"] }), {
      status: created.error.code === "rate_limited" ? 429 : 409,
    });
  }
  throw await completeWebSignIn(context, request, created.value.userId, safeRedirectPath(String(formData.get("redirectTo") ?? ""), "") || null);
}

export default function SignUp() {
  const { t } = useTranslation();
  const { redirectTo } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "sign-up",
    lastResult,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: SignUpInput }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="card p-6">
      <h1 className="mb-1 text-2xl font-bold">{t("auth.signUpTitle")}</h1>
      <p className="mb-5 text-muted">{t("auth.signUpLead")}</p>
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field meta={fields.displayName} label={t("auth.displayName")} autoComplete="nickname" />
        <Field meta={fields.email} label={t("auth.email")} type="email" autoComplete="email" />
        <Field meta={fields.password} label={t("auth.password")} type="password" autoComplete="new-password" hint={t("auth.passwordHint")} />
        <button type="submit" className="btn-primary w-full" disabled={navigation.state === "submitting"}>
          {t("auth.signUp")}
        </button>
      </Form>
      <p className="mt-4 text-center text-sm">
        {t("auth.haveAccount")}{" "}
        <Link to="/login?method=password" className="link">
          {t("auth.signIn")}
        </Link>
      </p>
    </div>
  );
}
