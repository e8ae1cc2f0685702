import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { NavLink, Outlet, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import Banknote from "lucide-react/icons/banknote";
import ChartColumn from "lucide-react/icons/chart-column";
import LayoutDashboard from "lucide-react/icons/layout-dashboard";
import MailWarning from "lucide-react/icons/mail-exclamation-point";
import MapPinHouse from "lucide-react/icons/map-pin-house";
import MessageSquareText from "lucide-react/icons/message-square-text";
import PackageCheck from "lucide-react/icons/package-check";
import Scale from "lucide-react/icons/scale";
import ScrollText from "lucide-react/icons/scroll-text";
import Settings from "lucide-react/icons/settings";
import ShieldCheck from "lucide-react/icons/shield-check";
import Store from "lucide-react/icons/store";
import TicketPercent from "lucide-react/icons/ticket-percent";
import Truck from "lucide-react/icons/truck";
import Users from "lucide-react/icons/users";
import UsersRound from "lucide-react/icons/users-round";
import Zap from "lucide-react/icons/zap";
import { useTranslation } from "react-i18next";
import { registerAdminMessages } from "~/i18n/admin-messages";
import { withMessagesInUse } from "~/i18n/i18n";
import { requireAdmin } from "~/auth/guards.server";
import type { AdminPermission } from "~/auth/permissions";
import { RoleHeader } from "~/components/ui/role-header";
import { getReviewQueueCounts } from "~/modules/identity/admin-stats.server";

// This area's translations travel in its own chunk, never in the storefront's (~/i18n/console-messages).
registerAdminMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, access } = await requireAdmin(context, request);
  // Only the entries this admin's permissions open (each page checks again on the server).
  const visible = NAV.filter((item) => !item.permission || access.permissions.has(item.permission)).map((item) => item.to);
  return { userName: user.displayName, queues: await getReviewQueueCounts(context), visible };
}

/** Each entry with the permission its page's loader requires (none: any admin). */
const NAV: Array<{ to: string; key: string; icon: typeof Users; end: boolean; permission?: AdminPermission; queue?: "merchants" | "leaders" | "products" | "groupDeals" | "flashSales" | "withdrawals" | "deadLetters" }> = [
  { to: "/admin", key: "admin.nav.dashboard", icon: LayoutDashboard, end: true },
  { to: "/admin/users", key: "admin.nav.users", icon: Users, end: false, permission: "read:user:any" },
  { to: "/admin/merchants", key: "admin.nav.merchants", icon: Store, end: false, permission: "read:merchant:any", queue: "merchants" },
  { to: "/admin/leaders", key: "leaderApply.admin.nav", icon: MapPinHouse, end: false, permission: "review:leader:any", queue: "leaders" },
  { to: "/admin/products", key: "admin.nav.products", icon: PackageCheck, end: false, permission: "review:product:any", queue: "products" },
  { to: "/admin/group-deals", key: "groupDealsConsole.navAdmin", icon: UsersRound, end: false, permission: "review:product:any", queue: "groupDeals" },
  { to: "/admin/flash-sales", key: "flashSalesConsole.navAdmin", icon: Zap, end: false, permission: "review:product:any", queue: "flashSales" },
  { to: "/admin/reviews", key: "reviewsConsole.admin.nav", icon: MessageSquareText, end: false, permission: "moderate:review:any" },
  { to: "/admin/coupons", key: "adminCoupons.nav", icon: TicketPercent, end: false, permission: "manage:coupons:any" },
  { to: "/admin/fulfilment", key: "admin.nav.fulfilment", icon: Truck, end: false, permission: "run:cutoff:any" },
  { to: "/admin/analytics", key: "admin.nav.analytics", icon: ChartColumn, end: false, permission: "read:analytics:any" },
  { to: "/admin/withdrawals", key: "adminFinance.nav.withdrawals", icon: Banknote, end: false, permission: "read:finance:any", queue: "withdrawals" },
  { to: "/admin/reconciliation", key: "adminFinance.nav.reconciliation", icon: Scale, end: false, permission: "read:finance:any" },
  { to: "/admin/dead-letters", key: "adminFinance.nav.deadLetters", icon: MailWarning, end: false, permission: "read:finance:any", queue: "deadLetters" },
  { to: "/admin/settings", key: "admin.nav.settings", icon: Settings, end: false, permission: "read:settings:any" },
  { to: "/admin/roles", key: "admin.nav.roles", icon: ShieldCheck, end: false, permission: "manage:admin-roles:any" },
  { to: "/admin/audit", key: "admin.nav.audit", icon: ScrollText, end: false, permission: "read:audit-log:any" },
];

export default function AdminLayout() {
  const { t } = useTranslation();
  const { userName, queues, visible } = useLoaderData<typeof loader>();
  return (
    <div className="min-h-dvh">
      <RoleHeader area="admin" userName={userName} />
      <div className="lg:flex">
        <nav aria-label={t("nav.admin")} className="no-print border-b border-line bg-white lg:min-h-[calc(100dvh-3.75rem)] lg:w-56 lg:border-r lg:border-b-0">
          <ul className="flex gap-1 overflow-x-auto p-2 lg:flex-col">
            {NAV.filter((item) => visible.includes(item.to)).map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.end}
                  className={({ isActive }) =>
                    `flex min-h-11 items-center gap-2 rounded-lg px-3 text-sm whitespace-nowrap ${isActive ? "bg-brand-50 font-semibold text-brand-800" : "text-ink hover:bg-surface"}`
                  }
                >
                  <item.icon aria-hidden className="size-5" />
                  {t(item.key)}
                  {item.queue && queues[item.queue] > 0 ? (
                    <span className="tabular ml-auto min-w-6 rounded-full bg-price px-1.5 text-center text-xs leading-6 font-bold text-white">
                      <span aria-hidden>{queues[item.queue]}</span>
                      <span className="sr-only">{t("admin.nav.waiting", { count: queues[item.queue] })}</span>
                    </span>
                  ) : null}
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
