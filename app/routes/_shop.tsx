import { Link, Outlet } from "@remix-run/react";
import { House, User } from "lucide-react";
import { useTranslation } from "react-i18next";
import { TabBar } from "~/components/ui/tab-bar";

/** The storefront shell: a mobile column with the header and bottom tabs. Public: no guard here. */
export default function ShopLayout() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto min-h-dvh max-w-[30rem] bg-surface pb-20">
      <header className="sticky top-0 z-30 flex items-center justify-between bg-brand-600 px-4 py-3 text-white">
        <Link to="/" className="text-lg font-bold">
          {t("app.name")}
        </Link>
        <span className="text-sm opacity-90">{t("shop.tagline")}</span>
      </header>
      <main id="main">
        <Outlet />
      </main>
      <TabBar
        label={t("nav.shop")}
        tabs={[
          { to: "/", label: t("nav.home"), icon: House, end: true },
          { to: "/me", label: t("nav.me"), icon: User },
        ]}
      />
    </div>
  );
}
