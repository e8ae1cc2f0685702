import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { LanguageSwitch, TextSizeSwitch } from "~/components/ui/preferences";
import { RoleSwitcher } from "~/components/ui/role-switcher";
import { translate } from "~/i18n/i18n";
import { getUserProfile } from "~/modules/identity/users.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "me.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const profile = await getUserProfile(context, user.id);
  if (!profile) throw new Response("Not Found", { status: 404 });
  return { profile };
}

export default function Me() {
  const { t } = useTranslation();
  const { profile } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4 p-4">
      <section className="card flex items-center gap-4" aria-labelledby="me-name">
        <span aria-hidden className="flex size-14 items-center justify-center rounded-full bg-brand-600 text-xl font-bold text-white">
          {profile.displayName.slice(0, 1)}
        </span>
        <div>
          <h1 id="me-name" className="text-xl font-bold">
            {profile.displayName}
          </h1>
          <p className="text-sm text-muted tabular">{profile.phoneMasked ?? profile.emailMasked}</p>
        </div>
      </section>
      <RoleSwitcher roles={profile.roles} current="shopper" />
      <section className="card space-y-3" aria-labelledby="prefs-title">
        <h2 id="prefs-title" className="font-semibold">
          {t("prefs.title")}
        </h2>
        <div className="flex items-center justify-between">
          <span>{t("prefs.language")}</span>
          <LanguageSwitch />
        </div>
        <TextSizeSwitch />
      </section>
      <Form method="post" action="/logout">
        <button type="submit" className="btn-secondary w-full">
          {t("auth.signOut")}
        </button>
      </Form>
    </div>
  );
}
