import { Link, Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "~/components/ui/preferences";

export default function AuthLayout() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex min-h-dvh max-w-md flex-col px-4 py-6">
      <header className="mb-6 flex items-center justify-between">
        <Link to="/" className="text-xl font-bold text-brand-700">
          {t("app.name")}
        </Link>
        <LanguageSwitch />
      </header>
      <main id="main" className="flex-1">
        <Outlet />
      </main>
    </div>
  );
}
