import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import Download from "lucide-react/icons/download";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { requirePermission } from "~/auth/guards.server";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { AUDIT_GROUPS, auditActionKey, parseAuditQuery } from "~/modules/audit/audit-log";
import { searchAuditLog } from "~/modules/audit/audit-log.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminAudit.title")} · ${translate(locale, "app.name")}` }];
};

const PAGE_SIZE = 50;

/** The audit log: every privileged action, newest first, filtered by the URL. Read-only by construction. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context, request, "read:audit-log:any");
  const parsed = parseAuditQuery(new URL(request.url).searchParams);
  if (!parsed.success) {
    return data({ rows: [], nextCursor: null, errors: v.flatten(parsed.issues).nested ?? {}, locale: resolveLocale(request) }, { status: 400 });
  }
  const { rows, nextCursor } = await searchAuditLog(context, parsed.output, PAGE_SIZE);
  return { rows, nextCursor, errors: null, locale: resolveLocale(request) };
}

function DataList({ value }: { value: Record<string, unknown> }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
      {Object.entries(value).map(([key, item]) => (
        <div key={key} className="contents">
          <dt className="font-mono text-muted">{key}</dt>
          <dd className="font-mono break-all">{typeof item === "string" ? item : JSON.stringify(item)}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function AdminAudit() {
  const { t } = useTranslation();
  const { rows, nextCursor, errors, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const withParams = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, value] of Object.entries(change)) {
      if (value === null) next.delete(k);
      else next.set(k, value);
    }
    return `?${next}`;
  };
  const exportParams = new URLSearchParams(params);
  exportParams.delete("cursor");
  const fieldError = (name: string) => {
    const list = (errors as Record<string, string[] | undefined> | null)?.[name];
    return list?.length ? (
      <p id={`audit-${name}-error`} className="mt-1 text-sm text-danger">
        {t(`adminAudit.errors.${list[0]}`)}
      </p>
    ) : null;
  };
  // Filters without a visible field (they come from links) report their errors above the table.
  const hiddenErrors = (["actor", "entityType", "entityId", "cursor"] as const).flatMap((k) => (errors as Record<string, string[] | undefined> | null)?.[k]?.slice(0, 1) ?? []);
  const filtered = ["q", "group", "actor", "entityType", "entityId", "from", "to"].some((k) => params.get(k));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t("adminAudit.title")}</h1>
        <a href={`/admin/audit.csv?${exportParams}`} className="btn-secondary inline-flex items-center gap-2" download>
          <Download aria-hidden className="size-4" />
          {t("adminAudit.export")}
        </a>
      </div>
      <p className="text-sm text-muted">{t("adminAudit.intro")}</p>
      <Form method="get" role="search" className="card grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end">
        <div className="sm:col-span-2">
          <label htmlFor="audit-q" className="field-label">
            {t("adminAudit.search")}
          </label>
          <input
            id="audit-q"
            name="q"
            type="search"
            defaultValue={params.get("q") ?? ""}
            className="field-input"
            placeholder={t("adminAudit.searchHint")}
            aria-describedby={errors && "q" in errors ? "audit-q-error" : undefined}
          />
          {fieldError("q")}
        </div>
        <div>
          <label htmlFor="audit-group" className="field-label">
            {t("adminAudit.group")}
          </label>
          <select id="audit-group" name="group" defaultValue={params.get("group") ?? ""} className="field-input">
            <option value="">{t("adminAudit.allGroups")}</option>
            {AUDIT_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`adminAudit.groups.${g.replace("-", "_")}`)}
              </option>
            ))}
          </select>
          {fieldError("group")}
        </div>
        <div>
          <label htmlFor="audit-from" className="field-label">
            {t("adminAudit.from")}
          </label>
          <input id="audit-from" name="from" type="date" defaultValue={params.get("from") ?? ""} className="field-input" />
          {fieldError("from")}
        </div>
        <div>
          <label htmlFor="audit-to" className="field-label">
            {t("adminAudit.to")}
          </label>
          <input id="audit-to" name="to" type="date" defaultValue={params.get("to") ?? ""} className="field-input" aria-describedby={errors && "to" in errors ? "audit-to-error" : undefined} />
          {fieldError("to")}
        </div>
        {(["actor", "entityType", "entityId"] as const).map((k) =>
          params.get(k) ? <input key={k} type="hidden" name={k} value={params.get(k) ?? ""} /> : null,
        )}
        <div className="flex gap-2 sm:col-span-2 lg:col-span-5">
          <button type="submit" className="btn-primary">
            {t("common.search")}
          </button>
          {filtered ? (
            <Link to="/admin/audit" className="btn-secondary">
              {t("adminAudit.clear")}
            </Link>
          ) : null}
        </div>
      </Form>
      {hiddenErrors.length ? (
        <div role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
          {hiddenErrors.map((code) => (
            <p key={code}>{t(`adminAudit.errors.${code}`)}</p>
          ))}
          <Link to="/admin/audit" className="underline">
            {t("adminAudit.newest")}
          </Link>
        </div>
      ) : null}
      {params.get("actor") || params.get("entityId") ? (
        <p className="flex flex-wrap gap-2 text-sm">
          {params.get("actor") ? (
            <Link to={withParams({ actor: null, cursor: null })} className="rounded-full bg-brand-50 px-3 py-1 text-brand-800">
              {t("adminAudit.actorFilter", { id: params.get("actor") })} ✕
            </Link>
          ) : null}
          {params.get("entityId") ? (
            <Link to={withParams({ entityType: null, entityId: null, cursor: null })} className="rounded-full bg-brand-50 px-3 py-1 text-brand-800">
              {t("adminAudit.entityFilter", { id: params.get("entityId") })} ✕
            </Link>
          ) : null}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="card text-muted">{t(filtered ? "adminAudit.emptyFiltered" : "adminAudit.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-2xl bg-white shadow-sm">
          <table className="w-full min-w-[52rem] text-left text-sm">
            <thead className="sticky top-0 bg-white">
              <tr className="border-b border-line">
                <th scope="col" className="p-3">{t("adminAudit.col.time")}</th>
                <th scope="col" className="p-3">{t("adminAudit.col.actor")}</th>
                <th scope="col" className="p-3">{t("adminAudit.col.action")}</th>
                <th scope="col" className="p-3">{t("adminAudit.col.entity")}</th>
                <th scope="col" className="p-3">{t("adminAudit.col.details")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-b border-line align-top last:border-0" data-audit-id={row.id}>
                  <td className="tabular p-3 whitespace-nowrap">{formatDateTime(row.createdAt, locale)}</td>
                  <td className="p-3">
                    {row.actorUserId ? (
                      <Link to={withParams({ actor: row.actorUserId, cursor: null })} className="text-brand-800 underline-offset-2 hover:underline">
                        {row.actorName ?? row.actorUserId}
                      </Link>
                    ) : (
                      <span className="text-muted">{t("adminAudit.system")}</span>
                    )}
                  </td>
                  <td className="p-3">
                    <span className="font-medium">{t(auditActionKey(row.action), { defaultValue: row.action })}</span>
                    <div className="font-mono text-xs text-muted">{row.action}</div>
                  </td>
                  <td className="p-3">
                    <div>{t(`adminAudit.entity.${row.entityType}`, { defaultValue: row.entityType })}</div>
                    {row.entityId ? (
                      <Link
                        to={withParams({ entityType: row.entityType, entityId: row.entityId, cursor: null })}
                        className="font-mono text-xs break-all text-brand-800 underline-offset-2 hover:underline"
                        aria-label={t("adminAudit.entityHistory", { id: row.entityId })}
                      >
                        {row.entityId}
                      </Link>
                    ) : null}
                  </td>
                  <td className="p-3">
                    {row.data ? (
                      <details>
                        <summary className="min-h-11 cursor-pointer py-2 text-brand-800">{t("adminAudit.show")}</summary>
                        <DataList value={row.data} />
                      </details>
                    ) : (
                      <span className="text-muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t("adminAudit.pages")} className="flex gap-3">
        {params.get("cursor") ? (
          <Link to={withParams({ cursor: null })} className="btn-secondary">
            {t("adminAudit.newest")}
          </Link>
        ) : null}
        {nextCursor ? (
          <Link to={withParams({ cursor: nextCursor })} className="btn-secondary" rel="next">
            {t("adminAudit.older")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
