import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { forgetAdminAccess, getAdminAccess, requirePermission } from "~/auth/guards.server";
import { FieldErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { formatDateTime, formatFen } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { setUserAdminRole } from "~/modules/identity/admin-roles.server";
import { ADMIN_USER_INTENT_PERMISSION, ADMIN_USER_INTENTS, AdminUserActionInput, UserId } from "~/modules/identity/admin-schemas";
import { adminErrorStatus, getAdminUserDetail, setUserRole, setUserStatus } from "~/modules/identity/admin-users.server";
import { ADMIN_ROLES, ROLES, type AdminRole, type Role } from "~/modules/identity/roles";

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  const name = loaded?.detail.profile.displayName ?? translate(locale, "adminUsers.detail.title");
  return [{ title: `${name} · ${translate(locale, "admin.users.title")} · ${translate(locale, "app.name")}` }];
};

const ERRORS = "adminUsers.errors";

function parseUserId(id: string | undefined): string {
  const parsed = v.safeParse(UserId, id);
  if (!parsed.success) throw new Response("Not Found", { status: 404 });
  return parsed.output;
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:user:any");
  const userId = parseUserId(params.id);
  const [detail, access] = await Promise.all([getAdminUserDetail(context, userId), getAdminAccess(context, admin)]);
  if (!detail) throw new Response("Not Found", { status: 404 });
  const has = (p: Parameters<typeof access.permissions.has>[0]) => access.permissions.has(p);
  return {
    detail,
    self: admin.id === userId,
    can: {
      changeRoles: has("update:user-roles:any"),
      manageAdmins: has("manage:admin-roles:any"),
      changeStatus: has("update:user-status:any"),
      superAdmin: access.superAdmin,
    },
    locale: resolveLocale(request),
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const rawIntent = String(formData.get("intent") ?? "");
  // The intent decides the permission; an unknown one still needs an admin who may read users.
  const permission = (ADMIN_USER_INTENTS as readonly string[]).includes(rawIntent)
    ? ADMIN_USER_INTENT_PERMISSION[rawIntent as keyof typeof ADMIN_USER_INTENT_PERMISSION]
    : "read:user:any";
  const admin = await requirePermission(context, request, permission);
  const userId = parseUserId(params.id);
  const submission = parseWithValibot(formData, { schema: AdminUserActionInput });
  if (submission.status !== "success") return data({ intent: rawIntent, result: submission.reply(), done: null }, { status: 400 });
  const input = submission.value;
  const actor = { id: admin.id, access: await getAdminAccess(context, admin) };
  let outcome;
  let done: string;
  switch (input.intent) {
    case "grant-role":
    case "revoke-role":
      outcome = await setUserRole(context, actor, { userId, role: input.role, grant: input.intent === "grant-role" });
      done = input.role;
      break;
    case "assign-admin-role":
    case "remove-admin-role":
      outcome = await setUserAdminRole(context, actor, { userId, adminRole: input.adminRole, grant: input.intent === "assign-admin-role" });
      done = input.adminRole;
      break;
    case "disable":
    case "enable":
      outcome = await setUserStatus(context, actor, { userId, disable: input.intent === "disable", reason: input.reason });
      done = input.intent;
      break;
  }
  if (!outcome.ok) {
    return data(
      { intent: input.intent, result: submission.reply({ fieldErrors: { [outcome.error.field ?? "intent"]: [outcome.error.code] } }), done: null },
      { status: adminErrorStatus(outcome.error.code) },
    );
  }
  forgetAdminAccess(context);
  return { intent: input.intent, result: submission.reply({ resetForm: true }), done };
}

function Section({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="card space-y-3">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default function AdminUserDetail() {
  const { t } = useTranslation();
  const { detail, self, can, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const { profile, adminRoles, activeSessions, recentOrders } = detail;
  const isAdmin = profile.roles.includes("admin");
  const errorsFor = (intents: string[]) => (actionData && intents.includes(actionData.intent) ? actionData.result.error : undefined);
  const roleErrors = errorsFor(["grant-role", "revoke-role"]);
  const adminRoleErrors = errorsFor(["assign-admin-role", "remove-admin-role"]);
  const statusErrors = errorsFor(["disable", "enable"]);
  const roleChangeable = (r: Role) => can.changeRoles && r !== "shopper" && (r !== "admin" || can.manageAdmins) && !(r === "admin" && self);
  const adminRoleChangeable = (r: AdminRole) => can.manageAdmins && (r !== "super_admin" || can.superAdmin);
  const grantable = ROLES.filter((r) => !profile.roles.includes(r) && roleChangeable(r));
  const assignable = ADMIN_ROLES.filter((r) => !adminRoles.includes(r) && adminRoleChangeable(r));
  // Only a super admin changes an admin's status; nobody disables themselves.
  const statusChangeable = can.changeStatus && !self && (!isAdmin || can.superAdmin);
  const reasonInvalid = Boolean(statusErrors?.reason?.length);

  return (
    <div className="space-y-4">
      <Link to="/admin/users" className="link text-sm">
        {t("adminUsers.detail.back")}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{profile.displayName}</h1>
        <span
          className={`rounded-full px-3 py-1 text-sm font-medium ${profile.status === "active" ? "bg-brand-50 text-brand-800" : "bg-danger-50 text-danger"}`}
          data-testid="user-status"
        >
          {t(`adminUsers.status.${profile.status}`)}
        </span>
      </div>

      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {actionData.intent === "grant-role" || actionData.intent === "revoke-role"
            ? t(actionData.intent === "grant-role" ? "admin.users.granted" : "admin.users.revoked", { role: t(`roles.${actionData.done}`) })
            : actionData.intent === "assign-admin-role" || actionData.intent === "remove-admin-role"
              ? t(`adminUsers.done.${actionData.intent}`, { role: t(`adminUsers.adminRoles.${actionData.done}.name`) })
              : t(`adminUsers.done.${actionData.intent}`)}
        </p>
      ) : null}

      <Section title={t("adminUsers.detail.profile")} id="profile-heading">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-muted">{t("admin.users.name")}</dt>
          <dd className="font-medium">{profile.displayName}</dd>
          <dt className="text-muted">{t("adminUsers.detail.phone")}</dt>
          <dd className="tabular">{profile.phoneMasked ?? t("adminUsers.detail.none")}</dd>
          <dt className="text-muted">{t("adminUsers.detail.email")}</dt>
          <dd>{profile.email ?? t("adminUsers.detail.none")}</dd>
          <dt className="text-muted">{t("adminUsers.detail.status")}</dt>
          <dd>{t(`adminUsers.status.${profile.status}`)}</dd>
          <dt className="text-muted">{t("adminUsers.detail.locale")}</dt>
          <dd>{t(`adminUsers.locales.${profile.locale === "en" ? "en" : "zh-CN"}`)}</dd>
          <dt className="text-muted">{t("admin.users.joined")}</dt>
          <dd className="tabular">{formatDateTime(profile.createdAt, locale)}</dd>
          <dt className="text-muted">{t("adminUsers.detail.sessions")}</dt>
          <dd className="tabular" data-testid="active-sessions">
            {t("adminUsers.detail.sessionCount", { count: activeSessions })}
          </dd>
        </dl>
      </Section>

      <Section title={t("admin.users.roles")} id="roles-heading">
        <ul className="flex flex-wrap gap-2">
          {profile.roles.map((r) => (
            <li key={r} className="flex min-h-11 items-center gap-1 rounded-full bg-brand-50 px-3 text-brand-800">
              {t(`roles.${r}`)}
              {roleChangeable(r) ? (
                <Form method="post" className="inline">
                  <input type="hidden" name="intent" value="revoke-role" />
                  <input type="hidden" name="role" value={r} />
                  <button
                    type="submit"
                    className="ml-1 min-h-11 min-w-11 rounded-full text-danger hover:bg-danger-50"
                    aria-label={t("admin.users.revokeLabel", { role: t(`roles.${r}`), name: profile.displayName })}
                    disabled={busy}
                  >
                    ×
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        {grantable.length ? (
          <Form method="post" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="intent" value="grant-role" />
            <div>
              <label htmlFor="grant-role" className="field-label">
                {t("admin.users.grantLabel", { name: profile.displayName })}
              </label>
              <select id="grant-role" name="role" className="field-input w-auto" defaultValue="" required>
                <option value="" disabled>
                  {t("admin.users.pickRole")}
                </option>
                {grantable.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="btn-secondary" disabled={busy}>
              {t("admin.users.grant")}
            </button>
          </Form>
        ) : null}
        {roleErrors
          ? Object.entries(roleErrors).map(([field, list]) => <FieldErrors key={field} id={`role-${field}-error`} errors={list ?? undefined} errorScope={ERRORS} />)
          : null}
        {/* Without the admin role there is no sub-role section: its refusals show here. */}
        {adminRoleErrors && !isAdmin
          ? Object.entries(adminRoleErrors).map(([field, list]) => (
              <FieldErrors key={field} id={`admin-role-${field}-error`} errors={list ?? undefined} errorScope={ERRORS} />
            ))
          : null}
      </Section>

      {isAdmin ? (
        <Section title={t("adminUsers.detail.adminRoles")} id="admin-roles-heading">
          <p className="text-sm text-muted">{t("adminUsers.detail.adminRolesHint")}</p>
          {adminRoles.length ? (
            <ul className="flex flex-wrap gap-2">
              {adminRoles.map((r) => (
                <li key={r} className="flex min-h-11 items-center gap-1 rounded-full bg-surface px-3">
                  {t(`adminUsers.adminRoles.${r}.name`)}
                  {adminRoleChangeable(r) ? (
                    <Form method="post" className="inline">
                      <input type="hidden" name="intent" value="remove-admin-role" />
                      <input type="hidden" name="adminRole" value={r} />
                      <button
                        type="submit"
                        className="ml-1 min-h-11 min-w-11 rounded-full text-danger hover:bg-danger-50"
                        aria-label={t("adminUsers.detail.removeAdminRole", { role: t(`adminUsers.adminRoles.${r}.name`), name: profile.displayName })}
                        disabled={busy}
                      >
                        ×
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="rounded-xl bg-surface p-3 text-sm">{t("adminUsers.detail.noAdminRoles")}</p>
          )}
          {assignable.length ? (
            <Form method="post" className="flex flex-wrap items-end gap-2">
              <input type="hidden" name="intent" value="assign-admin-role" />
              <div>
                <label htmlFor="assign-admin-role" className="field-label">
                  {t("adminUsers.detail.assignAdminRole")}
                </label>
                <select id="assign-admin-role" name="adminRole" className="field-input w-auto" defaultValue="" required>
                  <option value="" disabled>
                    {t("adminUsers.detail.pickAdminRole")}
                  </option>
                  {assignable.map((r) => (
                    <option key={r} value={r}>
                      {t(`adminUsers.adminRoles.${r}.name`)}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="btn-secondary" disabled={busy}>
                {t("adminUsers.detail.assign")}
              </button>
            </Form>
          ) : null}
          {adminRoleErrors
            ? Object.entries(adminRoleErrors).map(([field, list]) => (
                <FieldErrors key={field} id={`admin-role-${field}-error`} errors={list ?? undefined} errorScope={ERRORS} />
              ))
            : null}
        </Section>
      ) : null}

      <Section title={t("adminUsers.detail.account")} id="account-heading">
        {statusChangeable ? (
          <Form method="post" className="space-y-2">
            <input type="hidden" name="intent" value={profile.status === "active" ? "disable" : "enable"} />
            <p className="text-sm">{t(profile.status === "active" ? "adminUsers.detail.disableHint" : "adminUsers.detail.enableHint")}</p>
            <label htmlFor="status-reason" className="field-label">
              {t("adminUsers.detail.reason")}
            </label>
            <textarea
              id="status-reason"
              name="reason"
              rows={2}
              required
              minLength={2}
              maxLength={200}
              className="field-input py-2"
              aria-invalid={reasonInvalid ? true : undefined}
              aria-describedby={reasonInvalid ? "status-reason-error" : undefined}
            />
            <FieldErrors id="status-reason-error" errors={statusErrors?.reason ?? undefined} errorScope={ERRORS} />
            <button type="submit" className={profile.status === "active" ? "btn-danger" : "btn-primary"} disabled={busy}>
              {t(profile.status === "active" ? "adminUsers.detail.disable" : "adminUsers.detail.enable")}
            </button>
          </Form>
        ) : (
          <p className="text-sm text-muted">
            {t(self ? "adminUsers.detail.cannotDisableSelf" : !can.changeStatus ? "adminUsers.detail.noStatusPermission" : "adminUsers.detail.adminNeedsSuper")}
          </p>
        )}
        {/* A refusal that is not about the reason (e.g. an admin's status without super admin). */}
        <FieldErrors id="status-intent-error" errors={statusErrors?.intent ?? undefined} errorScope={ERRORS} />
      </Section>

      <Section title={t("adminUsers.detail.orders")} id="orders-heading">
        {recentOrders.length ? (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[36rem] text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="p-2">{t("adminUsers.detail.orderId")}</th>
                  <th scope="col" className="p-2">{t("adminUsers.detail.orderDate")}</th>
                  <th scope="col" className="p-2">{t("adminUsers.detail.orderStatus")}</th>
                  <th scope="col" className="p-2 text-right">{t("adminUsers.detail.orderAmount")}</th>
                  <th scope="col" className="p-2">{t("adminUsers.detail.orderPickup")}</th>
                </tr>
              </thead>
              <tbody>
                {recentOrders.map((o) => (
                  <tr key={o.id} className="border-b border-line last:border-0">
                    <td className="p-2 font-mono text-xs">{o.id}</td>
                    <td className="tabular p-2">{formatDateTime(o.createdAt, locale)}</td>
                    <td className="p-2">{t(`orders.status.${o.status}`)}</td>
                    <td className="tabular p-2 text-right">{formatFen(o.payableFen)}</td>
                    <td className="p-2">{o.pickupPointName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-muted">{t("adminUsers.detail.noOrders")}</p>
        )}
      </Section>
    </div>
  );
}
