import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Outlet, useLoaderData } from "@remix-run/react";
import { MapPin, PackageCheck, User } from "lucide-react";
import { useTranslation } from "react-i18next";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { requireRole } from "~/auth/guards.server";
import { RoleHeader } from "~/components/ui/role-header";
import { TabBar } from "~/components/ui/tab-bar";

// This area's translations travel in its own chunk, never in the storefront's (~/i18n/console-messages).
registerConsoleMessages();

/** The leader app shell. Each child loader guards itself too (loaders run in parallel). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  return { userName: user.displayName };
}

export default function LeaderLayout() {
  const { t } = useTranslation();
  const { userName } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto min-h-dvh max-w-[30rem] pb-20">
      <RoleHeader area="leader" userName={userName} />
      <main id="main" className="p-4">
        <Outlet />
      </main>
      <TabBar
        label={t("nav.leader")}
        tabs={[
          { to: "/leader", label: t("leader.tabs.point"), icon: MapPin, end: true },
          { to: "/leader/arrivals", label: t("fulfilment.arrivals.tab"), icon: PackageCheck },
          { to: "/me", label: t("nav.me"), icon: User },
        ]}
      />
    </div>
  );
}
