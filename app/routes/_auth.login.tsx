import { getFormProps, useForm } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getOptionalUser, safeRedirectPath } from "~/auth/guards.server";
import { listConfiguredProviders } from "~/auth/oauth/index.server";
import { completeWebSignIn } from "~/auth/sign-in.server";
import { Field, FormErrors } from "~/components/ui/field";
import { isDevelopment } from "~/env.server";
import { translate } from "~/i18n/i18n";
import { maskEmail, maskPhone } from "~/lib/field-crypto.server";
import { resolveLocale } from "~/lib/preferences.server";
import { Email, OneTimeCode, Password, Phone } from "~/modules/identity/schemas";
import { requestSignInCode, verifySignInCode } from "~/modules/identity/sign-in-codes.server";
import { findOrCreateUserForTarget, signInWithPassword } from "~/modules/identity/users.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "auth.signIn")} · ${translate(locale, "app.name")}` }];
};

/** Document responses carry the action's Retry-After (429) so clients know when to try again. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retry = actionHeaders.get("Retry-After");
  if (retry) headers.set("Retry-After", retry);
  return headers;
};

const METHODS = ["phone", "email", "password"] as const;
type Method = (typeof METHODS)[number];

const PhoneCodeRequest = v.object({ intent: v.literal("request-code"), channel: v.literal("sms"), phone: Phone });
const EmailCodeRequest = v.object({ intent: v.literal("request-code"), channel: v.literal("email"), email: Email });
const PhoneCodeVerify = v.object({ intent: v.literal("verify-code"), channel: v.literal("sms"), phone: Phone, code: OneTimeCode });
const EmailCodeVerify = v.object({ intent: v.literal("verify-code"), channel: v.literal("email"), email: Email, code: OneTimeCode });
const PasswordSignIn = v.object({ intent: v.literal("password"), email: Email, password: Password });

function maskedTarget(channel: string, formData: FormData): string | null {
  const raw = String(formData.get(channel === "email" ? "email" : "phone") ?? "");
  if (channel === "email") return v.is(Email, raw) ? maskEmail(raw.trim()) : null;
  return v.is(Phone, raw) ? maskPhone(raw) : null;
}

function schemaFor(intent: string, channel: string) {
  if (intent === "password") return PasswordSignIn;
  if (intent === "verify-code") return channel === "email" ? EmailCodeVerify : PhoneCodeVerify;
  return channel === "email" ? EmailCodeRequest : PhoneCodeRequest;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirectPath(url.searchParams.get("redirectTo"), "");
  if (await getOptionalUser(context, request)) return redirect(redirectTo || "/me");
  return { providers: listConfiguredProviders(context.env), dev: isDevelopment(context.env), redirectTo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const channel = String(formData.get("channel") ?? "sms");
  if (!["request-code", "verify-code", "password"].includes(intent)) {
    const submission = parseWithValibot(formData, { schema: v.object({ intent: v.picklist(["request-code", "verify-code", "password"], "intent_invalid") }) });
    return data({ intent, channel, sentTo: null, result: submission.reply() }, { status: 400 });
  }
  const submission = parseWithValibot(formData, { schema: schemaFor(intent, channel) });
  if (submission.status !== "success") {
    // A bad code keeps the person on the code step (the target they typed is still valid).
    const sentTo = intent === "verify-code" ? maskedTarget(channel, formData) : null;
    return data({ intent, channel, sentTo, result: submission.reply() }, { status: 400 });
  }
  const input = submission.value;
  const ip = context.request!.ip;
  const locale = resolveLocale(request);
  const redirectTo = safeRedirectPath(String(formData.get("redirectTo") ?? ""), "") || null;

  if (input.intent === "request-code") {
    const target = input.channel === "sms" ? { channel: "sms" as const, phone: input.phone } : { channel: "email" as const, email: input.email };
    const sent = await requestSignInCode(context, target, { ip, locale });
    if (!sent.ok) {
      return data(
        { intent, channel, sentTo: null, result: submission.reply({ fieldErrors: { [sent.error.field ?? ""]: [sent.error.code] } }) },
        { status: 429, headers: { "Retry-After": String(Math.ceil((sent.error.retryAfterMs ?? 60_000) / 1000)) } },
      );
    }
    const sentTo = input.channel === "sms" ? maskPhone(input.phone) : maskEmail(input.email);
    return { intent, channel, sentTo, result: submission.reply() };
  }

  if (input.intent === "verify-code") {
    const target = input.channel === "sms" ? { channel: "sms" as const, phone: input.phone } : { channel: "email" as const, email: input.email };
    const verified = await verifySignInCode(context, target, input.code, { ip });
    if (!verified.ok) {
      const sentTo = input.channel === "sms" ? maskPhone(input.phone) : maskEmail(input.email);
      return data(
        { intent, channel, sentTo, result: submission.reply({ fieldErrors: { code: [verified.error.code] } }) },
        { status: verified.error.code === "rate_limited" ? 429 : 400 },
      );
    }
    const { userId } = await findOrCreateUserForTarget(context, verified.value.channel, verified.value.value, locale);
    throw await completeWebSignIn(context, request, userId, redirectTo);
  }

  const signedIn = await signInWithPassword(context, { email: input.email, password: input.password }, { ip });
  if (!signedIn.ok) {
    return data(
      {
        intent,
        channel,
        sentTo: null,
        result: submission.reply({ fieldErrors: { [signedIn.error.field ?? "password"]: [signedIn.error.code] }, hideFields: ["password"] }),
      },
      { status: signedIn.error.code === "rate_limited" ? 429 : 400 },
    );
  }
  throw await completeWebSignIn(context, request, signedIn.value.userId, redirectTo);
}

function MethodTabs({ method }: { method: Method }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  return (
    <nav aria-label={t("auth.methods")} className="mb-5 grid grid-cols-3 gap-1 rounded-full bg-white p-1 shadow-sm">
      {METHODS.map((m) => {
        const next = new URLSearchParams(params);
        next.set("method", m);
        return (
          <Link
            key={m}
            to={`?${next}`}
            replace
            aria-current={m === method ? "page" : undefined}
            className={`flex min-h-11 items-center justify-center rounded-full text-sm font-medium ${m === method ? "bg-brand-600 text-white" : "text-ink"}`}
          >
            {t(`auth.method.${m}`)}
          </Link>
        );
      })}
    </nav>
  );
}

function CodeForms({ channel, redirectTo, dev }: { channel: "sms" | "email"; redirectTo: string; dev: boolean }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const ours = actionData && (actionData.intent === "request-code" || actionData.intent === "verify-code") ? actionData : undefined;
  const requestSchema = channel === "sms" ? PhoneCodeRequest : EmailCodeRequest;
  const verifySchema = channel === "sms" ? PhoneCodeVerify : EmailCodeVerify;
  const targetField = channel === "sms" ? "phone" : "email";
  const [requestForm, requestFields] = useForm({
    id: `request-${channel}`,
    lastResult: ours?.intent === "request-code" ? ours.result : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: requestSchema }),
    shouldValidate: "onBlur",
  });
  const [verifyForm, verifyFields] = useForm({
    id: `verify-${channel}`,
    lastResult: ours?.intent === "verify-code" ? ours.result : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: verifySchema }),
    shouldValidate: "onBlur",
  });
  const sentTo = ours?.sentTo;
  const target = String((ours?.result.initialValue as Record<string, unknown> | undefined)?.[targetField] ?? "");

  if (sentTo) {
    return (
      <Form method="post" {...getFormProps(verifyForm)} className="space-y-4">
        <input type="hidden" name="intent" value="verify-code" />
        <input type="hidden" name="channel" value={channel} />
        <input type="hidden" name={targetField} value={target} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <p className="rounded-xl bg-brand-50 p-3 text-sm" role="status">
          {t("auth.codeSent", { to: sentTo })}
          {dev ? (
            <>
              {" "}
              <a href="/dev/outbox" target="_blank" rel="noreferrer" className="link">
                {t("auth.openOutbox")}
              </a>
            </>
          ) : null}
        </p>
        <FormErrors id={verifyForm.errorId} errors={verifyForm.errors} />
        <FieldErrors_ target={verifyFields[targetField as "phone"]?.errors} />
        <Field meta={verifyFields.code} label={t("auth.code")} inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
        <button type="submit" className="btn-primary w-full" disabled={busy}>
          {t("auth.signIn")}
        </button>
        <p className="text-center text-sm">
          <Link to={`?method=${channel === "sms" ? "phone" : "email"}`} className="link">
            {t("auth.changeTarget")}
          </Link>
        </p>
      </Form>
    );
  }
  return (
    <Form method="post" {...getFormProps(requestForm)} className="space-y-4">
      <input type="hidden" name="intent" value="request-code" />
      <input type="hidden" name="channel" value={channel} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <FormErrors id={requestForm.errorId} errors={requestForm.errors} />
      {channel === "sms" ? (
        <Field meta={requestFields.phone as never} label={t("auth.phone")} type="tel" inputMode="tel" autoComplete="tel" placeholder="138 0013 8000" />
      ) : (
        <Field meta={requestFields.email as never} label={t("auth.email")} type="email" autoComplete="email" />
      )}
      <button type="submit" className="btn-primary w-full" disabled={busy}>
        {t("auth.sendCode")}
      </button>
      <p className="text-sm text-muted">{t("auth.codeHint")}</p>
    </Form>
  );
}

/** Errors on the hidden target field (e.g. a tampered phone) are still shown. */
function FieldErrors_({ target }: { target?: string[] }) {
  const { t } = useTranslation();
  if (!target?.length) return null;
  return (
    <p role="alert" className="field-error">
      {target.map((e) => t(`validation.${e}`, { defaultValue: t("validation.invalid") })).join(" ")}
    </p>
  );
}

function PasswordForm({ redirectTo }: { redirectTo: string }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "password-sign-in",
    lastResult: actionData?.intent === "password" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: PasswordSignIn }),
    shouldValidate: "onBlur",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <input type="hidden" name="intent" value="password" />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <FormErrors id={form.errorId} errors={form.errors} />
      <Field meta={fields.email} label={t("auth.email")} type="email" autoComplete="username" />
      <Field meta={fields.password} label={t("auth.password")} type="password" autoComplete="current-password" />
      <button type="submit" className="btn-primary w-full" disabled={navigation.state === "submitting"}>
        {t("auth.signIn")}
      </button>
      <p className="text-center text-sm">
        {t("auth.noAccount")}{" "}
        <Link to={`/signup${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ""}`} className="link">
          {t("auth.signUp")}
        </Link>
      </p>
    </Form>
  );
}

export default function Login() {
  const { t } = useTranslation();
  const { providers, dev, redirectTo } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const actionData = useActionData<typeof action>();
  // The tab follows the last submission (a form may post to /login without ?method), then the URL.
  const fromAction: Method | undefined = actionData
    ? actionData.intent === "password"
      ? "password"
      : actionData.channel === "email"
        ? "email"
        : "phone"
    : undefined;
  const method = fromAction ?? ((METHODS as readonly string[]).includes(params.get("method") ?? "") ? (params.get("method") as Method) : "phone");
  return (
    <div className="card p-6">
      <h1 className="mb-1 text-2xl font-bold">{t("auth.signInTitle")}</h1>
      <p className="mb-5 text-muted">{t("auth.signInLead")}</p>
      <MethodTabs method={method} />
      {method === "password" ? (
        <PasswordForm redirectTo={redirectTo} />
      ) : (
        <CodeForms key={method} channel={method === "phone" ? "sms" : "email"} redirectTo={redirectTo} dev={dev} />
      )}
      {providers.length ? (
        <div className="mt-6 space-y-2 border-t border-line pt-4">
          <p className="text-center text-sm text-muted">{t("auth.orContinueWith")}</p>
          {providers.map((p) => (
            <a key={p} href={`/auth/${p}${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ""}`} className="btn-secondary w-full">
              {t(`auth.provider.${p}`)}
            </a>
          ))}
        </div>
      ) : null}
      {dev ? (
        <p className="mt-4 text-center text-sm">
          <a href="/dev/outbox" className="link">
            {t("auth.devOutbox")}
          </a>
        </p>
      ) : null}
    </div>
  );
}
