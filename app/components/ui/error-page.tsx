import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** 401/403/404/500 pages in the user's language, with a way onward. */
export function ErrorPage({ status }: { status: number }) {
  const { t } = useTranslation();
  const kind = status === 403 ? "forbidden" : status === 404 ? "notFound" : status === 401 ? "unauthorized" : status === 429 ? "tooMany" : "server";
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-4 p-6 text-center">
      <p className="text-5xl font-bold text-brand-600 tabular">{status}</p>
      <h1 className="text-2xl font-semibold">{t(`errors.${kind}.title`)}</h1>
      <p className="text-muted">{t(`errors.${kind}.body`)}</p>
      <div className="flex gap-3">
        <Link to="/" className="btn-primary">
          {t("errors.home")}
        </Link>
        {status === 403 || status === 401 ? (
          <Link to="/login" className="btn-secondary">
            {t("errors.switchAccount")}
          </Link>
        ) : null}
      </div>
    </main>
  );
}
