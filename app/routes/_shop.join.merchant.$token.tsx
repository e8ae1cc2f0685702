import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { useOnboardingErrorText } from "~/components/merchant-onboarding/fields";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate, withMessagesInUse } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { acceptInvitation, findInvitation, type AcceptError } from "~/modules/merchants/staff.server";

// The onboarding strings live with the console's; this page brings them along.
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(locale, "merchantOnboarding.join.title")} · ${translate(locale, "app.name")}`,
    },
    { name: "robots", content: "noindex" },
  ];
};

function statusOf(code: AcceptError): number {
  if (code === "invitation_not_found") return 404;
  if (code === "already_staff") return 409;
  return 410; // expired, used or revoked: the link is gone for good
}

/** Opening the link only shows the invitation; joining takes the button (a POST), so link previews never accept it. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const found = await findInvitation(context, params.token ?? "");
  const locale = resolveLocale(request);
  if (!found.ok) return data({ invitation: null, problem: found.error.code as AcceptError, locale }, { status: statusOf(found.error.code) });
  return {
    invitation: {
      storeName: found.value.storeName,
      expiresAt: found.value.expiresAt,
    },
    problem: null,
    locale,
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const accepted = await acceptInvitation(context, {
    token: params.token ?? "",
    userId: user.id,
  });
  if (!accepted.ok) return data({ problem: accepted.error.code }, { status: statusOf(accepted.error.code) });
  throw redirect("/merchant");
}

export default function JoinMerchant() {
  const { t } = useTranslation();
  const errorText = useOnboardingErrorText();
  const { invitation, problem: loadProblem, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const problem = actionData?.problem ?? loadProblem;
  return (
    <div className="space-y-4 p-4">
      <h1 className="text-xl font-bold">{t("merchantOnboarding.join.title")}</h1>
      {problem ? (
        <section className="card space-y-3" aria-labelledby="join-problem">
          <h2 id="join-problem" className="font-semibold">
            {t("merchantOnboarding.join.problem")}
          </h2>
          <p role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
            {errorText(problem)}
          </p>
          <Link to="/" className="btn-secondary w-full">
            {t("merchantOnboarding.join.backHome")}
          </Link>
        </section>
      ) : invitation ? (
        <section className="card space-y-3">
          <p>{t("merchantOnboarding.join.lead", { store: invitation.storeName })}</p>
          <p className="text-sm text-muted tabular">
            {t("merchantOnboarding.join.expires", {
              time: formatDateTime(invitation.expiresAt, locale),
            })}
          </p>
          <Form method="post">
            <button type="submit" className="btn-primary w-full" disabled={navigation.state === "submitting"}>
              {t("merchantOnboarding.join.accept")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
