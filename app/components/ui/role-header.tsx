import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "./preferences";

/**
 * The title bar of the leader, merchant and admin areas: where you are, and the way to your account
 * (`accountHref`, the store's /me unless the area has its own). `actions` go before the name (e.g. a
 * notices bell).
 */
export function RoleHeader({
  area,
  userName,
  accountHref = "/me",
  actions,
}: {
  area: "leader" | "merchant" | "admin";
  userName: string;
  accountHref?: string;
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <header className="no-print sticky top-0 z-30 flex items-center justify-between gap-3 bg-brand-700 px-4 py-2 text-white">
      <p className="font-bold">
        {t("app.name")} · {t(`roles.${area}`)}
      </p>
      <div className="flex items-center gap-2">
        <LanguageSwitch className="text-ink" />
        {actions}
        <Link to={accountHref} className="flex min-h-11 items-center rounded-full px-3 text-sm underline-offset-2 hover:underline">
          {userName}
        </Link>
      </div>
    </header>
  );
}
