import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useNavigation, type ClientLoaderFunctionArgs } from "@remix-run/react";
import Clock from "lucide-react/icons/clock";
import MapPin from "lucide-react/icons/map-pin";
import Truck from "lucide-react/icons/truck";
import { useTranslation } from "react-i18next";
import { getOptionalUser } from "~/auth/guards.server";
import { formatHours } from "~/components/leader-apply/fields";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate, withMessagesInUse } from "~/i18n/i18n";
import { attributionCookie } from "~/lib/attribution-cookie.server";
import { pickupCookie, readPickupCookie } from "~/lib/pickup-cookie.server";
import { findPointByInviteCode, joinThroughInvite } from "~/modules/leaders/promote.server";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { getChosenPickupPointId } from "~/modules/pickup/choose.server";

// The invite page's strings live with the console's; this storefront page brings them along.
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction<typeof loader> = ({ matches, data: loaded }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  const title = loaded?.point ? loaded.point.name : translate(locale, "leaderApply.join.notFoundTitle");
  return [{ title: `${title} · ${translate(locale, "app.name")}` }, { name: "robots", content: "noindex" }];
};

/** A leader's invite link: shows the point; choosing it takes the button (a POST), so link previews never do. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const [found, doorFeature] = await Promise.all([findPointByInviteCode(context, params.code), isFeatureOn(context, "feature.door_delivery")]);
  if (!found) return data({ point: null, isCurrent: false }, { status: 404 });
  // With door delivery switched off platform-wide (admin settings), the point offers pickup only.
  const point = doorFeature ? found : { ...found, doorDelivery: false };
  const user = await getOptionalUser(context, request);
  const chosen = await getChosenPickupPointId(context, user?.id ?? null, readPickupCookie(request));
  return { point, isCurrent: chosen === point.id };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const user = await getOptionalUser(context, request);
  const joined = await joinThroughInvite(context, user?.id ?? null, params.code);
  if (!joined.ok) return data({ problem: joined.error.code }, { status: 404 });
  const secure = context.request!.secure;
  const headers = new Headers();
  // Guests keep the choice in the pickup-point cookie (it becomes the account's at sign-in).
  headers.append("Set-Cookie", pickupCookie(joined.value.pointId, secure));
  headers.append("Set-Cookie", attributionCookie(joined.value.pointId, secure));
  throw redirect("/", { headers });
}

export default function JoinPoint() {
  const { t } = useTranslation();
  const { point, isCurrent } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  if (!point) {
    return (
      <div className="space-y-4 p-4">
        <section className="card space-y-3" aria-labelledby="join-missing">
          <h1 id="join-missing" className="text-xl font-bold">
            {t("leaderApply.join.notFoundTitle")}
          </h1>
          <p role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
            {t("leaderApply.join.notFoundBody")}
          </p>
          <Link to="/pickup" className="btn-primary w-full">
            {t("leaderApply.join.choosePoint")}
          </Link>
          <Link to="/" className="btn-secondary w-full">
            {t("leaderApply.join.backHome")}
          </Link>
        </section>
      </div>
    );
  }
  return (
    <div className="space-y-4 p-4">
      <h1 className="text-xl font-bold">{t("leaderApply.join.title")}</h1>
      <p className="text-sm text-muted">{t("leaderApply.join.lead")}</p>
      <section className="card space-y-3" aria-labelledby="join-point" data-testid="join-point">
        <h2 id="join-point" className="text-lg font-semibold">
          {point.name}
        </h2>
        <p className="flex items-start gap-2 text-sm">
          <MapPin aria-hidden className="mt-0.5 size-4 shrink-0 text-brand-700" />
          <span>
            {point.area} · {point.addressMasked}
          </span>
        </p>
        <p className="flex items-start gap-2 text-sm">
          <Clock aria-hidden className="mt-0.5 size-4 shrink-0 text-brand-700" />
          <span className="tabular">
            <span className="sr-only">{t("leaderApply.join.hours")}: </span>
            {formatHours(point.hours, t)}
          </span>
        </p>
        <p className="flex items-start gap-2 text-sm">
          <Truck aria-hidden className="mt-0.5 size-4 shrink-0 text-brand-700" />
          <span>{point.doorDelivery ? t("leaderApply.join.doorDelivery") : t("leaderApply.join.pickupOnly")}</span>
        </p>
        {isCurrent ? (
          <>
            <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
              {t("leaderApply.join.current")}
            </p>
            <Link to="/" className="btn-primary w-full">
              {t("leaderApply.join.browse")}
            </Link>
          </>
        ) : (
          <Form method="post">
            <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
              {t("leaderApply.join.collect")}
            </button>
          </Form>
        )}
      </section>
    </div>
  );
}
