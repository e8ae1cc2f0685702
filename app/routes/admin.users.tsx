import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { forgetAdminAccess, getAdminAccess, requirePermission } from "~/auth/guards.server";
import { FieldErrors } from "~/components/ui/field";
import { ROLES } from "~/modules/identity/roles";
import { translate } from "~/i18n/i18n";
import { formatDate } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { adminErrorStatus, setUserRole } from "~/modules/identity/admin-users.server";
import { searchUsers } from "~/modules/identity/users.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "admin.users.title")} · ${translate(locale, "app.name")}` }];
};

const PAGE_SIZE = 20;

const UserQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, "query_too_long"))),
  role: v.optional(v.picklist(ROLES, "role_invalid")),
  page: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/, "page_invalid"), v.transform(Number), v.minValue(1, "page_invalid")), "1"),
});

export const RoleChangeInput = v.object({
  intent: v.picklist(["grant-role", "revoke-role"], "intent_invalid"),
  userId: v.pipe(v.string("user_required"), v.regex(/^usr_[0-9a-z]{20}$/, "user_invalid")),
  role: v.picklist(ROLES, "role_invalid"),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:user:any");
  const url = new URL(request.url);
  const parsed = v.safeParse(UserQuery, {
    q: url.searchParams.get("q") || undefined,
    role: url.searchParams.get("role") || undefined,
    page: url.searchParams.get("page") || undefined,
  });
  if (!parsed.success) throw data({ error: "invalid_query" }, { status: 400 });
  const { q, role, page } = parsed.output;
  const [{ rows, total }, access] = await Promise.all([searchUsers(context, { q, role, page: Number(page), pageSize: PAGE_SIZE }), getAdminAccess(context, admin)]);
  // The role controls show only to admins whose action would be allowed (the action checks again).
  const can = { changeRoles: access.permissions.has("update:user-roles:any"), manageAdmins: access.permissions.has("manage:admin-roles:any") };
  return { rows, total, page: Number(page), pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)), adminId: admin.id, can, locale: resolveLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "update:user-roles:any");
  const submission = parseWithValibot(await request.formData(), { schema: RoleChangeInput });
  if (submission.status !== "success") return data({ result: submission.reply(), done: null }, { status: 400 });
  const { intent, userId, role } = submission.value;
  const changed = await setUserRole(context, { id: admin.id, access: await getAdminAccess(context, admin) }, { userId, role, grant: intent === "grant-role" });
  if (!changed.ok) {
    return data(
      { result: submission.reply({ fieldErrors: { [changed.error.field ?? "role"]: [changed.error.code] } }), done: null },
      { status: adminErrorStatus(changed.error.code) },
    );
  }
  forgetAdminAccess(context);
  return { result: submission.reply({ resetForm: true }), done: { userId, role, intent } };
}

export default function AdminUsers() {
  const { t } = useTranslation();
  const { rows, total, page, pageCount, adminId, can, locale } = useLoaderData<typeof loader>();
  const changeable = (r: (typeof ROLES)[number]) => can.changeRoles && (r !== "admin" || can.manageAdmins);
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const pageLink = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    return `?${next}`;
  };
  const errors = actionData?.result.error;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("admin.users.title")}</h1>
      <Form method="get" className="card flex flex-wrap items-end gap-3" role="search">
        <div className="min-w-48 flex-1">
          <label htmlFor="q" className="field-label">
            {t("admin.users.search")}
          </label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} className="field-input" placeholder={t("admin.users.searchHint")} />
        </div>
        <div>
          <label htmlFor="role" className="field-label">
            {t("admin.users.role")}
          </label>
          <select id="role" name="role" defaultValue={params.get("role") ?? ""} className="field-input">
            <option value="">{t("admin.users.allRoles")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-primary">
          {t("common.search")}
        </button>
      </Form>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(actionData.done.intent === "grant-role" ? "admin.users.granted" : "admin.users.revoked", { role: t(`roles.${actionData.done.role}`) })}
        </p>
      ) : null}
      {errors ? (
        <div className="rounded-xl bg-danger-50 p-3">
          {Object.entries(errors).map(([field, list]) => (
            <FieldErrors key={field} id={`role-error-${field}`} errors={list ?? undefined} errorScope="adminUsers.errors" />
          ))}
        </div>
      ) : null}
      <p className="text-sm text-muted">{t("admin.users.total", { count: total })}</p>
      <div className="overflow-x-auto rounded-2xl bg-white shadow-sm">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <thead className="sticky top-0 bg-white">
            <tr className="border-b border-line">
              <th scope="col" className="p-3">{t("admin.users.name")}</th>
              <th scope="col" className="p-3">{t("admin.users.contact")}</th>
              <th scope="col" className="p-3">{t("admin.users.roles")}</th>
              <th scope="col" className="p-3">{t("admin.users.joined")}</th>
              <th scope="col" className="p-3">{t("admin.users.assign")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((u) => (
              <tr key={u.id} className="border-b border-line align-top last:border-0" data-user-id={u.id}>
                <td className="p-3">
                  <Link to={`/admin/users/${u.id}`} className="link font-medium">
                    {u.displayName}
                  </Link>
                  {u.status === "disabled" ? <span className="ml-2 text-danger">{t("admin.users.disabled")}</span> : null}
                </td>
                <td className="p-3 tabular">
                  {u.phoneMasked ?? ""}
                  {u.email ? <div className="text-muted">{u.email}</div> : null}
                </td>
                <td className="p-3">
                  <ul className="flex flex-wrap gap-1">
                    {u.roles.map((r) => (
                      <li key={r} className="flex items-center gap-1 rounded-full bg-brand-50 px-2 py-0.5 text-brand-800">
                        {t(`roles.${r}`)}
                        {r !== "shopper" && changeable(r) && !(r === "admin" && u.id === adminId) ? (
                          <Form method="post" className="inline">
                            <input type="hidden" name="intent" value="revoke-role" />
                            <input type="hidden" name="userId" value={u.id} />
                            <input type="hidden" name="role" value={r} />
                            <button
                              type="submit"
                              className="ml-1 min-h-6 min-w-6 rounded-full text-danger hover:bg-danger-50"
                              aria-label={t("admin.users.revokeLabel", { role: t(`roles.${r}`), name: u.displayName })}
                            >
                              ×
                            </button>
                          </Form>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="p-3 tabular">{formatDate(u.createdAt, locale)}</td>
                <td className="p-3">
                  {can.changeRoles ? (
                    <Form method="post" className="flex gap-2">
                      <input type="hidden" name="intent" value="grant-role" />
                      <input type="hidden" name="userId" value={u.id} />
                      <label className="sr-only" htmlFor={`grant-${u.id}`}>
                        {t("admin.users.grantLabel", { name: u.displayName })}
                      </label>
                      <select id={`grant-${u.id}`} name="role" className="field-input min-h-10 w-auto py-1" defaultValue="">
                        <option value="" disabled>
                          {t("admin.users.pickRole")}
                        </option>
                        {ROLES.filter((r) => !u.roles.includes(r) && changeable(r)).map((r) => (
                          <option key={r} value={r}>
                            {t(`roles.${r}`)}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className="btn-secondary min-h-10 px-3 text-sm" disabled={navigation.state === "submitting"}>
                        {t("admin.users.grant")}
                      </button>
                    </Form>
                  ) : (
                    <Link to={`/admin/users/${u.id}`} className="link text-sm">
                      {t("common.view")}
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pageCount > 1 ? (
        <nav aria-label={t("common.pagination")} className="flex items-center justify-between">
          {page > 1 ? <Link to={pageLink(page - 1)} className="btn-secondary">{t("common.previous")}</Link> : <span />}
          <span className="tabular text-sm">{t("common.pageOf", { page, count: pageCount })}</span>
          {page < pageCount ? <Link to={pageLink(page + 1)} className="btn-secondary">{t("common.next")}</Link> : <span />}
        </nav>
      ) : null}
    </div>
  );
}
