import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useRevalidator, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { withMessagesInUse } from "~/i18n/i18n";
import { isDevelopment } from "~/env.server";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { listOutbox } from "~/modules/notifications/outbox.server";

// This area's translations travel in its own chunk, never in the storefront's (~/i18n/console-messages).
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction = () => [{ title: "Dev outbox · 开发发件箱" }];

/** Development only: the SMS and emails the app "sent". In production this page does not exist. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!isDevelopment(context.env)) throw new Response("Not Found", { status: 404 });
  return { messages: await listOutbox(context), locale: resolveLocale(request) };
}

export default function DevOutbox() {
  const { t } = useTranslation();
  const { messages, locale } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") revalidator.revalidate();
    }, 3000);
    return () => clearInterval(timer);
  }, [revalidator]);
  return (
    <main id="main" className="mx-auto max-w-2xl space-y-4 p-4">
      <h1 className="text-2xl font-bold">{t("outbox.title")}</h1>
      <p className="text-muted">{t("outbox.lead")}</p>
      <p>
        <Link to="/login" className="link">
          {t("outbox.backToSignIn")}
        </Link>
      </p>
      {messages.length === 0 ? <p className="card text-muted">{t("outbox.empty")}</p> : null}
      <ol className="space-y-3">
        {messages.map((m) => (
          <li key={m.id} className="card" data-testid="outbox-message" data-recipient={m.recipient}>
            <p className="flex justify-between text-sm text-muted">
              <span>
                {m.channel === "sms" ? t("outbox.sms") : t("outbox.email")} → <span className="tabular">{m.recipient}</span>
              </span>
              <time dateTime={new Date(m.createdAt).toISOString()}>{formatDateTime(m.createdAt, locale)}</time>
            </p>
            {m.subject ? <p className="font-semibold">{m.subject}</p> : null}
            <p className="mt-1 whitespace-pre-wrap">{m.body}</p>
          </li>
        ))}
      </ol>
    </main>
  );
}
