import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { NavLink, Outlet, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import ClipboardList from "lucide-react/icons/clipboard-list";
import Megaphone from "lucide-react/icons/megaphone";
import MessageSquareText from "lucide-react/icons/message-square-text";
import Package from "lucide-react/icons/package";
import Store from "lucide-react/icons/store";
import Truck from "lucide-react/icons/truck";
import Users from "lucide-react/icons/users";
import UsersRound from "lucide-react/icons/users-round";
import Wallet from "lucide-react/icons/wallet";
import Zap from "lucide-react/icons/zap";
import { useTranslation } from "react-i18next";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { withMessagesInUse } from "~/i18n/i18n";
import { requireRole } from "~/auth/guards.server";
import { RoleHeader } from "~/components/ui/role-header";

// This area's translations travel in its own chunk, never in the storefront's (~/i18n/console-messages).
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "merchant");
  return { userName: user.displayName };
}

const NAV = [
  { to: "/merchant", key: "merchant.nav.profile", icon: Store, end: true },
  { to: "/merchant/products", key: "merchant.nav.products", icon: Package, end: false },
  { to: "/merchant/orders", key: "merchant.nav.orders", icon: ClipboardList, end: false },
  { to: "/merchant/reviews", key: "reviewsConsole.merchant.nav", icon: MessageSquareText, end: false },
  { to: "/merchant/fulfilment", key: "merchant.nav.fulfilment", icon: Truck, end: false },
  { to: "/merchant/finance", key: "merchant.nav.finance", icon: Wallet, end: false },
  { to: "/merchant/marketing", key: "merchant.nav.marketing", icon: Megaphone, end: false },
  { to: "/merchant/group-deals", key: "groupDealsConsole.nav", icon: UsersRound, end: false },
  { to: "/merchant/flash-sales", key: "flashSalesConsole.nav", icon: Zap, end: false },
  { to: "/merchant/staff", key: "merchant.nav.staff", icon: Users, end: false },
];

/** Desk layout: side navigation from 1024 px, a top menu below. */
export default function MerchantLayout() {
  const { t } = useTranslation();
  const { userName } = useLoaderData<typeof loader>();
  return (
    <div className="min-h-dvh">
      <RoleHeader area="merchant" userName={userName} />
      <div className="lg:flex">
        <nav aria-label={t("nav.merchant")} className="no-print border-b border-line bg-white lg:min-h-[calc(100dvh-3.75rem)] lg:w-56 lg:border-r lg:border-b-0">
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
