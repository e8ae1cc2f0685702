import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "./preferences";

/** The title bar of the leader, merchant and admin areas: where you are, and the way to your account. */
export function RoleHeader({ area, userName }: { area: "leader" | "merchant" | "admin"; userName: string }) {
  const { t } = useTranslation();
  return (
    <header className="no-print sticky top-0 z-30 flex items-center justify-between gap-3 bg-brand-700 px-4 py-2 text-white">
      <p className="font-bold">
        {t("app.name")} · {t(`roles.${area}`)}
      </p>
      <div className="flex items-center gap-2">
        <LanguageSwitch className="text-ink" />
        <Link to="/me" className="flex min-h-11 items-center rounded-full px-3 text-sm underline-offset-2 hover:underline">
          {userName}
        </Link>
      </div>
    </header>
  );
}
