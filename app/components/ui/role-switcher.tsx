import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ROLE_HOME } from "~/auth/permissions";
import type { Role } from "~/db/schema";

/** Lists the areas a user can work in; the current one is marked. */
export function RoleSwitcher({ roles, current }: { roles: Role[]; current: Role }) {
  const { t } = useTranslation();
  if (roles.length < 2) return null;
  return (
    <section aria-labelledby="role-switch-title" className="card">
      <h2 id="role-switch-title" className="mb-2 font-semibold">
        {t("roles.switchTitle")}
      </h2>
      <ul className="grid grid-cols-2 gap-2">
        {roles.map((role) => (
          <li key={role}>
            <Link
              to={ROLE_HOME[role]}
              aria-current={role === current ? "page" : undefined}
              className={`flex min-h-12 items-center justify-center rounded-xl border text-sm font-medium ${role === current ? "border-brand-600 bg-brand-50 text-brand-800" : "border-line bg-white"}`}
            >
              {t(`roles.${role}`)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
