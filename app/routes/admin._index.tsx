import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireAdmin } from "~/auth/guards.server";
import type { AdminPermission } from "~/auth/permissions";
import { translate } from "~/i18n/i18n";
import { getPlatformCounts } from "~/modules/identity/admin-stats.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "admin.dashboard.title")} · ${translate(locale, "app.name")}` }];
};

/**
 * Any admin opens the home (the `admin` role is enough: it shows counts, no personal data). A
 * tile links only where the admin's permissions reach, and a review queue's tile shows only to
 * admins who may work that queue.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { access } = await requireAdmin(context, request);
  const counts = await getPlatformCounts(context);
  const can = (permission: AdminPermission) => access.permissions.has(permission);
  const tiles: Array<{ key: string; value: number; to?: string }> = [
    { key: "users", value: counts.users, to: can("read:user:any") ? "/admin/users" : undefined },
    { key: "leaders", value: counts.leaders, to: can("read:user:any") ? "/admin/users?role=leader" : undefined },
    { key: "merchants", value: counts.merchants, to: can("read:user:any") ? "/admin/users?role=merchant" : undefined },
    { key: "products", value: counts.products },
    ...(can("read:merchant:any") ? [{ key: "pendingMerchants", value: counts.pendingMerchants, to: "/admin/merchants" }] : []),
    ...(can("review:leader:any") ? [{ key: "pendingPoints", value: counts.pendingPoints, to: "/admin/leaders" }] : []),
    ...(can("review:product:any") ? [{ key: "pendingProducts", value: counts.pendingProducts, to: "/admin/products" }] : []),
  ];
  return { tiles };
}

export default function AdminHome() {
  const { t } = useTranslation();
  const { tiles } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("admin.dashboard.title")}</h1>
      <ul className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {tiles.map((tile) => (
          <li key={tile.key} className="card">
            <p className="text-sm text-muted">{t(`admin.dashboard.${tile.key}`)}</p>
            <p className="tabular text-3xl font-bold">{tile.value.toLocaleString()}</p>
            {tile.to ? (
              <Link to={tile.to} className="link text-sm">
                {t("common.view")}
              </Link>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
