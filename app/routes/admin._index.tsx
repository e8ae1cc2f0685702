import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requirePermission } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { getPlatformCounts } from "~/modules/identity/admin-stats.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "admin.dashboard.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:user:any");
  return { counts: await getPlatformCounts(context) };
}

export default function AdminHome() {
  const { t } = useTranslation();
  const { counts } = useLoaderData<typeof loader>();
  const tiles = [
    { key: "users", value: counts.users, to: "/admin/users" },
    { key: "leaders", value: counts.leaders, to: "/admin/users?role=leader" },
    { key: "merchants", value: counts.merchants, to: "/admin/users?role=merchant" },
    { key: "products", value: counts.products },
    { key: "pendingMerchants", value: counts.pendingMerchants, to: "/admin/merchants" },
    { key: "pendingPoints", value: counts.pendingPoints, to: "/admin/leaders" },
    { key: "pendingProducts", value: counts.pendingProducts, to: "/admin/products" },
  ];
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
