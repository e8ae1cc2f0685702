import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { LayoutDashboard, MapPinHouse, PackageCheck, Store, Truck, Users } from "lucide-react";
import { useTranslation } from "react-i18next";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { requireRole } from "~/auth/guards.server";
import { RoleHeader } from "~/components/ui/role-header";

// This area's translations travel in its own chunk, never in the storefront's (~/i18n/console-messages).
registerConsoleMessages();

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "admin");
  return { userName: user.displayName };
}

const NAV = [
  { to: "/admin", key: "admin.nav.dashboard", icon: LayoutDashboard, end: true },
  { to: "/admin/users", key: "admin.nav.users", icon: Users, end: false },
  { to: "/admin/merchants", key: "admin.nav.merchants", icon: Store, end: false },
  { to: "/admin/leaders", key: "leaderApply.admin.nav", icon: MapPinHouse, end: false },
  { to: "/admin/products", key: "admin.nav.products", icon: PackageCheck, end: false },
  { to: "/admin/fulfilment", key: "admin.nav.fulfilment", icon: Truck, end: false },
];

export default function AdminLayout() {
  const { t } = useTranslation();
  const { userName } = useLoaderData<typeof loader>();
  return (
    <div className="min-h-dvh">
      <RoleHeader area="admin" userName={userName} />
      <div className="lg:flex">
        <nav aria-label={t("nav.admin")} className="no-print border-b border-line bg-white lg:min-h-[calc(100dvh-3.75rem)] lg:w-56 lg:border-r lg:border-b-0">
          <ul className="flex gap-1 overflow-x-auto p-2 lg:flex-col">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.end}
                  className={({ isActive }) =>
                    `flex min-h-11 items-center gap-2 rounded-lg px-3 text-sm ${isActive ? "bg-brand-50 font-semibold text-brand-800" : "text-ink hover:bg-surface"}`
                  }
                >
                  <item.icon aria-hidden className="size-5" />
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="flex-1 p-4 lg:p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
