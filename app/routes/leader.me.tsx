import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import Bell from "lucide-react/icons/bell";
import ChevronRight from "lucide-react/icons/chevron-right";
import Megaphone from "lucide-react/icons/megaphone";
import PackageX from "lucide-react/icons/package-x";
import Store from "lucide-react/icons/store";
import Wallet from "lucide-react/icons/wallet";
import { useTranslation } from "react-i18next";
import { requireOwnPickupPoint, requireRole } from "~/auth/guards.server";
import { InstallPrompt } from "~/components/leader/install-prompt";
import { PushToggle } from "~/components/notifications/push-toggle";
import { LanguageSwitch, TextSizeSwitch } from "~/components/ui/preferences";
import { RoleSwitcher } from "~/components/ui/role-switcher";
import { translate } from "~/i18n/i18n";
import { pushToggleState } from "~/modules/notifications/push.server";
import { getOwnPickupPointView } from "~/modules/pickup/pickup-points.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leader.me.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(context, request, "leader");
  const point = await requireOwnPickupPoint(context, user);
  const view = await getOwnPickupPointView(context, point);
  return {
    user: { name: user.displayName, roles: user.roles },
    point: { name: view.name, area: view.area, status: view.status, hours: view.hours },
    push: await pushToggleState(context),
  };
}

/** The leader's "Me": the pickup point at a glance and everything that is not a daily tab. */
export default function LeaderMe() {
  const { t } = useTranslation();
  const { user, point, push } = useLoaderData<typeof loader>();
  const links = [
    { to: "/leader/point", icon: Store, label: t("leader.me.links.point"), hint: t("leader.me.links.pointHint") },
    { to: "/leader/notifications", icon: Bell, label: t("leader.me.links.notifications"), hint: t("leader.me.links.notificationsHint") },
    { to: "/leader/promote", icon: Megaphone, label: t("leader.me.links.promote"), hint: t("leader.me.links.promoteHint") },
    { to: "/leader/uncollected", icon: PackageX, label: t("leader.me.links.uncollected"), hint: t("leader.me.links.uncollectedHint") },
    { to: "/leader/commission", icon: Wallet, label: t("leader.me.links.commission"), hint: t("leader.me.links.commissionHint") },
  ];
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("leader.me.title")}</h1>
      <section className="card space-y-1" aria-labelledby="point-name">
        <p className="text-sm text-muted">{user.name}</p>
        <h2 id="point-name" className="text-lg font-semibold">
          {point.name}
        </h2>
        <p className="text-sm text-muted">{point.area}</p>
        <p className="tabular text-sm">
          {t("leader.point.hours")}: {point.hours.open}–{point.hours.close} · {t(`leader.point.statuses.${point.status}`)}
        </p>
      </section>
      <InstallPrompt />
      {push.shown ? <PushToggle publicKey={push.publicKey} /> : null}
      <nav aria-label={t("leader.me.sections")} className="card divide-y divide-line p-0">
        {links.map((link) => (
          <Link key={link.to} to={link.to} prefetch="intent" className="flex min-h-14 items-center gap-3 px-4 py-3">
            <link.icon aria-hidden className="size-6 shrink-0 text-brand-700" />
            <span className="flex-1">
              <span className="block font-medium">{link.label}</span>
              <span className="block text-sm text-muted">{link.hint}</span>
            </span>
            <ChevronRight aria-hidden className="size-5 text-muted" />
          </Link>
        ))}
      </nav>
      <RoleSwitcher roles={user.roles} current="leader" />
      <section className="card space-y-3" aria-labelledby="leader-prefs-title">
        <h2 id="leader-prefs-title" className="font-semibold">
          {t("prefs.title")}
        </h2>
        <div className="flex items-center justify-between">
          <span>{t("prefs.language")}</span>
          <LanguageSwitch />
        </div>
        <TextSizeSwitch />
      </section>
      <Form method="post" action="/logout">
        <button type="submit" className="btn-secondary min-h-12 w-full">
          {t("auth.signOut")}
        </button>
      </Form>
    </div>
  );
}
