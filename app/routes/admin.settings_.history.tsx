import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { SETTING_KEYS } from "~/modules/settings/catalogue";
import { listCategoryNames } from "~/modules/settings/categories.server";
import { formatSettingValue, settingLabelKey } from "~/modules/settings/display";
import { listSettingChanges } from "~/modules/settings/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminSettings.history.title")} · ${translate(locale, "app.name")}` }];
};

/** The filter in the URL: one key (or all), and the page. Anything else reads as the default. */
const HistoryQuery = v.object({
  key: v.optional(v.picklist(SETTING_KEYS)),
  page: v.optional(v.pipe(v.string(), v.regex(/^\d{1,6}$/), v.transform(Number), v.minValue(1))),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:settings:any");
  const params = new URL(request.url).searchParams;
  const query = v.safeParse(HistoryQuery, { key: params.get("key") || undefined, page: params.get("page") || undefined });
  const filter = query.success ? query.output : {};
  const locale = resolveLocale(request);
  const [history, categories] = await Promise.all([listSettingChanges(context, { key: filter.key ?? null, page: filter.page ?? 1 }), listCategoryNames(context, locale)]);
  return { ...history, key: filter.key ?? null, categories, locale };
}

export default function AdminSettingsHistory() {
  const { t } = useTranslation();
  const { rows, page, pageCount, total, key, categories, locale } = useLoaderData<typeof loader>();
  const nameOf = (id: string) => categories.find((c) => c.id === id)?.name ?? null;
  const pageLink = (p: number) => {
    const next = new URLSearchParams();
    if (key) next.set("key", key);
    if (p > 1) next.set("page", String(p));
    const qs = next.toString();
    return qs ? `?${qs}` : "?";
  };
  return (
    <div className="max-w-5xl space-y-4">
      <Link to="/admin/settings" className="flex min-h-11 items-center text-sm text-muted underline">
        {t("adminSettings.history.back")}
      </Link>
      <h1 className="text-2xl font-bold">{t("adminSettings.history.title")}</h1>
      <Form method="get" className="card flex flex-wrap items-end gap-3">
        <div className="min-w-48 flex-1">
          <label htmlFor="history-key" className="field-label">
            {t("adminSettings.history.filter")}
          </label>
          <select id="history-key" name="key" defaultValue={key ?? ""} className="field-input">
            <option value="">{t("adminSettings.history.allKeys")}</option>
            {SETTING_KEYS.map((k) => (
              <option key={k} value={k}>
                {t(settingLabelKey(k))}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-primary">
          {t("adminSettings.history.apply")}
        </button>
      </Form>
      <p className="text-sm text-muted">{t("adminSettings.history.total", { count: total })}</p>
      {rows.length === 0 ? (
        <p className="card text-sm text-muted">{t("adminSettings.history.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-2xl bg-white shadow-sm">
          <table className="w-full min-w-[48rem] text-left text-sm">
            <thead className="sticky top-0 bg-white">
              <tr className="border-b border-line">
                <th scope="col" className="p-3">{t("adminSettings.history.when")}</th>
                <th scope="col" className="p-3">{t("adminSettings.history.who")}</th>
                <th scope="col" className="p-3">{t("adminSettings.history.setting")}</th>
                <th scope="col" className="p-3">{t("adminSettings.history.change")}</th>
                <th scope="col" className="p-3">{t("adminSettings.history.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} className="border-b border-line align-top last:border-0" data-change-key={c.key}>
                  <td className="tabular p-3 whitespace-nowrap">{formatDateTime(c.changedAt, locale)}</td>
                  <td className="p-3">{c.changedByName ?? t("adminSettings.history.unknownUser")}</td>
                  <td className="p-3">
                    {t(settingLabelKey(c.key))}
                    <span className="block text-xs text-muted">{t("adminSettings.history.version", { version: c.version })}</span>
                  </td>
                  <td className="tabular p-3">
                    <span className="text-muted">{formatSettingValue(c.key, c.oldValue, t, nameOf)}</span>
                    <span aria-hidden> → </span>
                    <span className="sr-only">{t("adminSettings.history.to")}</span>
                    <span className="font-medium">{formatSettingValue(c.key, c.newValue, t, nameOf)}</span>
                  </td>
                  <td className="p-3">{c.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pageCount > 1 ? (
        <nav aria-label={t("common.pagination")} className="flex items-center justify-between">
          {page > 1 ? (
            <Link to={pageLink(page - 1)} className="btn-secondary">
              {t("common.previous")}
            </Link>
          ) : (
            <span />
          )}
          <span className="tabular text-sm">{t("common.pageOf", { page, count: pageCount })}</span>
          {page < pageCount ? (
            <Link to={pageLink(page + 1)} className="btn-secondary">
              {t("common.next")}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
