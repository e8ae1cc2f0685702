import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { getSession } from "./auth/session.server";
import { PageBeacon } from "./components/analytics/page-beacon";
import { ErrorPage } from "./components/ui/error-page";
import { ProgressBar } from "./components/ui/progress-bar";
import { isDevelopment } from "./env.server";
import { isLocale, loadLocale } from "./i18n/i18n";
import { useNonce } from "./lib/nonce";
import { resolveLocale, resolveTextSize } from "./lib/preferences.server";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
  { rel: "icon", href: "/icons/icon.svg", type: "image/svg+xml" },
  { rel: "apple-touch-icon", href: "/icons/apple-touch-icon.png" },
];

export const meta: MetaFunction = () => [{ title: "邻里团 · Neighbourly" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSession(context, request);
  return {
    locale: resolveLocale(request),
    textSize: resolveTextSize(request),
    dev: isDevelopment(context.env),
    user: session ? { id: session.user.id, displayName: session.user.displayName, roles: session.user.roles } : null,
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

function Document({ children, locale, textSize }: { children: React.ReactNode; locale: string; textSize: string }) {
  const nonce = useNonce();
  const { pathname } = useLocation();
  const { t, i18n } = useTranslation();
  useEffect(() => {
    if (i18n.language === locale || !isLocale(locale)) return;
    loadLocale(locale).then(
      () => i18n.changeLanguage(locale),
      () => undefined, // offline: the text stays in the previous language until the next load
    );
  }, [i18n, locale]);
  const leader = pathname === "/leader" || pathname.startsWith("/leader/");
  return (
    <html lang={locale} className={textSize === "large" ? "text-large" : undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#16803c" />
        <meta name="description" content={t("app.description")} />
        <link rel="manifest" href={leader ? "/leader.webmanifest" : "/manifest.webmanifest"} />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
          {t("app.skipToContent")}
        </a>
        <ProgressBar />
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useLoaderData<typeof loader>();
  return (
    <Document locale={data.locale} textSize={data.textSize}>
      <Outlet />
      <PageBeacon />
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRootData();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <Document locale={data?.locale ?? "zh-CN"} textSize={data?.textSize ?? "normal"}>
      <ErrorPage status={status} />
    </Document>
  );
}
