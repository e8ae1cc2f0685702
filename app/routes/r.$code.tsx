import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getOptionalUser, safeRedirectPath } from "~/auth/guards.server";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate, withMessagesInUse } from "~/i18n/i18n";
import { attributionCookie } from "~/lib/attribution-cookie.server";
import { pickupCookie, readPickupCookie } from "~/lib/pickup-cookie.server";
import { arriveThroughShareLink } from "~/modules/leaders/promote.server";

// The not-found text lives with the console's strings; this page brings them along.
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leaderApply.notFound.title")} · ${translate(locale, "app.name")}` }, { name: "robots", content: "noindex" }];
};

/**
 * A leader's share link, /r/<invite code>?to=<path on this site>. Sets the attribution cookie (the
 * point, 7 days), makes the point the visitor's pickup point if they had none, and sends them on
 * with a 303. `to` must be a path on this site: anything else (another host, //host, \host, a
 * scheme) is never followed, the visitor lands on the home page instead. The page they land on is
 * an ordinary catalogue page, so it stays edge-cacheable (the cookie is set on this redirect only).
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const raw = url.searchParams.get("to");
  const to = raw && raw.length <= 2000 ? safeRedirectPath(raw, "/") : "/";
  const user = await getOptionalUser(context, request);
  const arrived = await arriveThroughShareLink(context, { code: params.code, userId: user?.id ?? null, guestPointId: readPickupCookie(request) });
  if (!arrived.ok) return data({ problem: arrived.error.code }, { status: 404 });
  const secure = context.request!.secure;
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", attributionCookie(arrived.value.pointId, secure));
  if (arrived.value.bound) headers.append("Set-Cookie", pickupCookie(arrived.value.pointId, secure));
  return redirect(to, { status: 303, headers });
}

/** Rendered only for an unknown or closed code (a valid one redirects). */
export default function ShareLinkNotFound() {
  const { t } = useTranslation();
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-4 p-6 text-center">
      <p className="text-5xl font-bold text-brand-600 tabular">404</p>
      <h1 className="text-2xl font-semibold">{t("leaderApply.notFound.title")}</h1>
      <p className="text-muted">{t("leaderApply.notFound.body")}</p>
      <div className="flex flex-wrap justify-center gap-3">
        <Link to="/pickup" className="btn-primary">
          {t("leaderApply.join.choosePoint")}
        </Link>
        <Link to="/" className="btn-secondary">
          {t("leaderApply.join.backHome")}
        </Link>
      </div>
    </main>
  );
}
