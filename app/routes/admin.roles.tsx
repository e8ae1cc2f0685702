import { parseWithValibot } from "~/lib/form-submission";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import Check from "lucide-react/icons/check";
import { useTranslation } from "react-i18next";
import { forgetAdminAccess, getAdminAccess, requirePermission } from "~/auth/guards.server";
import { ADMIN_PERMISSIONS, EDITABLE_ADMIN_ROLES, type AdminPermission } from "~/auth/permissions";
import { FieldErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { getAdminRoleMatrix, resetAdminRolePermissions, saveAdminRolePermissions } from "~/modules/identity/admin-roles.server";
import { AdminRoleSetInput, permissionMessageKey } from "~/modules/identity/admin-schemas";
import { adminErrorStatus } from "~/modules/identity/admin-users.server";
import { ADMIN_ROLES } from "~/modules/identity/roles";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "adminUsers.roles.title")} · ${translate(locale, "app.name")}` }];
};

/** Seeing the matrix needs the same permission as changing it: it shows who holds admin power. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "manage:admin-roles:any");
  const [matrix, access] = await Promise.all([getAdminRoleMatrix(context), getAdminAccess(context, admin)]);
  return { matrix, superAdmin: access.superAdmin, held: [...access.permissions] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(context, request, "manage:admin-roles:any");
  const submission = parseWithValibot(await request.formData(), { schema: AdminRoleSetInput });
  if (submission.status !== "success") return data({ result: submission.reply(), done: null }, { status: 400 });
  const input = submission.value;
  const actor = { id: admin.id, access: await getAdminAccess(context, admin) };
  const saved =
    input.intent === "reset"
      ? await resetAdminRolePermissions(context, actor, input.role)
      : await saveAdminRolePermissions(context, actor, input.role, input.permission ?? []);
  if (!saved.ok) {
    return data(
      { result: submission.reply({ fieldErrors: { [saved.error.field ?? "permissions"]: [saved.error.code] } }), done: null },
      { status: adminErrorStatus(saved.error.code) },
    );
  }
  forgetAdminAccess(context);
  return { result: submission.reply(), done: { intent: input.intent, role: input.role } };
}

export default function AdminRoles() {
  const { t } = useTranslation();
  const { matrix, superAdmin, held } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = actionData?.result.error;
  // Without super admin, only what one holds can be added (the server refuses the rest anyway).
  const addable = (permission: AdminPermission) => superAdmin || (held.includes(permission) && permission !== "manage:admin-roles:any");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("adminUsers.roles.title")}</h1>
      <p className="max-w-3xl text-sm text-muted">{t("adminUsers.roles.lead")}</p>
      {actionData?.done ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t(`adminUsers.roles.${actionData.done.intent === "reset" ? "resetDone" : "saved"}`, { role: t(`adminUsers.adminRoles.${actionData.done.role}.name`) })}
        </p>
      ) : null}
      {errors ? (
        <div className="rounded-xl bg-danger-50 p-3">
          {Object.entries(errors).map(([field, list]) => (
            <FieldErrors key={field} id={`roles-error-${field}`} errors={list ?? undefined} errorScope="adminUsers.errors" />
          ))}
        </div>
      ) : null}

      {EDITABLE_ADMIN_ROLES.map((role) => (
        <Form key={role} id={`role-form-${role}`} method="post" className="hidden" aria-hidden>
          <input type="hidden" name="role" value={role} />
        </Form>
      ))}
      <div className="overflow-x-auto rounded-2xl bg-white shadow-sm">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <caption className="sr-only">{t("adminUsers.roles.caption")}</caption>
          <thead className="sticky top-0 z-10 bg-white">
            <tr className="border-b border-line">
              <th scope="col" className="sticky left-0 z-10 bg-white p-3">
                {t("adminUsers.roles.permission")}
              </th>
              {ADMIN_ROLES.map((role) => (
                <th key={role} scope="col" className="p-3 text-center">
                  <span className="block">{t(`adminUsers.adminRoles.${role}.name`)}</span>
                  <span className="block text-xs font-normal text-muted">{t(`adminUsers.adminRoles.${role}.summary`)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ADMIN_PERMISSIONS.map((permission) => (
              <tr key={permission} className="border-b border-line align-top last:border-0">
                <th scope="row" className="sticky left-0 w-56 max-w-[60vw] bg-white p-3 font-normal lg:w-auto lg:max-w-none">
                  <span className="block font-medium">{t(`${permissionMessageKey(permission)}.name`)}</span>
                  <span className="block text-xs text-muted">{t(`${permissionMessageKey(permission)}.help`)}</span>
                  <code className="text-xs text-muted">{permission}</code>
                </th>
                <td className="p-3 text-center">
                  <Check aria-hidden className="mx-auto size-5 text-brand-700" />
                  <span className="sr-only">{t("adminUsers.roles.alwaysOn")}</span>
                </td>
                {EDITABLE_ADMIN_ROLES.map((role) => {
                  const checked = matrix.sets[role].includes(permission);
                  const id = `perm-${role}-${permission.replace(/:/g, "-")}`;
                  return (
                    <td key={role} className="p-3 text-center">
                      <label htmlFor={id} className="inline-flex min-h-11 min-w-11 cursor-pointer items-center justify-center rounded-lg hover:bg-surface">
                        <input
                          id={id}
                          type="checkbox"
                          form={`role-form-${role}`}
                          name="permission"
                          value={permission}
                          defaultChecked={checked}
                          disabled={!checked && !addable(permission)}
                          className="size-5 accent-brand-700"
                        />
                        <span className="sr-only">
                          {t("adminUsers.roles.toggle", { role: t(`adminUsers.adminRoles.${role}.name`), permission: t(`${permissionMessageKey(permission)}.name`) })}
                        </span>
                      </label>
                    </td>
                  );
                })}
              </tr>
            ))}
            <tr>
              <th scope="row" className="sticky left-0 bg-white p-3 font-normal text-muted">
                {t("adminUsers.roles.actions")}
              </th>
              <td className="p-3 text-center text-xs text-muted">{t("adminUsers.roles.fixed")}</td>
              {EDITABLE_ADMIN_ROLES.map((role) => (
                <td key={role} className="space-y-2 p-3 text-center">
                  <button type="submit" form={`role-form-${role}`} name="intent" value="save" className="btn-primary w-full" disabled={busy}>
                    {t("adminUsers.roles.save", { role: t(`adminUsers.adminRoles.${role}.name`) })}
                  </button>
                  <button type="submit" form={`role-form-${role}`} name="intent" value="reset" className="btn-secondary w-full" disabled={busy}>
                    {t("adminUsers.roles.reset")}
                  </button>
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>

      <section aria-labelledby="holders-heading" className="card space-y-3">
        <h2 id="holders-heading" className="text-lg font-semibold">
          {t("adminUsers.roles.holders")}
        </h2>
        <dl className="space-y-3">
          {ADMIN_ROLES.map((role) => (
            <div key={role}>
              <dt className="font-medium">{t(`adminUsers.adminRoles.${role}.name`)}</dt>
              <dd>
                {matrix.holders[role].length ? (
                  <ul className="flex flex-wrap gap-2" data-testid={`holders-${role}`}>
                    {matrix.holders[role].map((h) => (
                      <li key={h.userId}>
                        <Link to={`/admin/users/${h.userId}`} className="link">
                          {h.displayName}
                        </Link>
                        {h.status === "disabled" ? <span className="ml-1 text-danger">{t("admin.users.disabled")}</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="text-sm text-muted">{t("adminUsers.roles.nobody")}</span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
