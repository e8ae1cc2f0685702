import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Outlet, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import CalendarCheck from "lucide-react/icons/calendar-check";
import PackageCheck from "lucide-react/icons/package-check";
import ScanLine from "lucide-react/icons/scan-line";
import User from "lucide-react/icons/user";
import Wallet from "lucide-react/icons/wallet";
import { useTranslation } from "react-i18next";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { withMessagesInUse } from "~/i18n/i18n";
import { requireRole } from "~/auth/guards.server";
import { NoticesBell } from "~/components/notifications/notices-bell";
import { RoleHeader } from "~/components/ui/role-header";
import { countUnread } from "~/modules/notifications/inbox.server";
import { TabBar } from "~/components/ui/tab-bar";

// This area's translations travel in its own chunk, never in the storefront's (~/i18n/console-messages).
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

/** The leader app shell. Each child loader guards itself too (loaders run in parallel). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  return { userName: user.displayName, unreadNotices: await countUnread(context, user.id, "leader") };
}

export default function LeaderLayout() {
  const { t } = useTranslation();
  const { userName, unreadNotices } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto min-h-dvh max-w-[30rem] pb-24">
      <RoleHeader area="leader" userName={userName} accountHref="/leader/me" actions={<NoticesBell to="/leader/notifications" unread={unreadNotices} />} />
      <main id="main" className="p-4">
        <Outlet />
      </main>
      <TabBar
        label={t("nav.leader")}
        tabs={[
          { to: "/leader", label: t("leader.tabs.today"), icon: CalendarCheck, end: true },
          { to: "/leader/arrivals", label: t("leader.tabs.arrivals"), icon: PackageCheck },
          { to: "/leader/handover", label: t("leader.tabs.handover"), icon: ScanLine, primary: true },
          { to: "/leader/commission", label: t("leader.tabs.commission"), icon: Wallet },
          { to: "/leader/me", label: t("leader.tabs.me"), icon: User },
        ]}
      />
    </div>
  );
}
