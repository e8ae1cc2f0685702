import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import LocateFixed from "lucide-react/icons/locate-fixed";
import MapPin from "lucide-react/icons/map-pin";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getOptionalUser, safeRedirectPath } from "~/auth/guards.server";
import { FieldErrors } from "~/components/ui/field";
import { translate } from "~/i18n/i18n";
import { pickupCookie, readPickupCookie } from "~/lib/pickup-cookie.server";
import { choosePickupPoint, getChosenPickupPointId, listPickupPoints } from "~/modules/pickup/choose.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "pickup.title")} · ${translate(locale, "app.name")}` }];
};

const Coordinate = (min: number, max: number) =>
  v.optional(v.pipe(v.string(), v.regex(/^-?\d{1,3}(\.\d{1,7})?$/, "coordinate_invalid"), v.transform(Number), v.minValue(min, "coordinate_invalid"), v.maxValue(max, "coordinate_invalid")));

const PickupQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40, "query_too_long"))),
  lat: Coordinate(-90, 90),
  lng: Coordinate(-180, 180),
});

export const ChoosePickupInput = v.object({
  pickupPointId: v.pipe(v.string("pickup_point_required"), v.regex(/^pkp_[0-9a-z]{20}$/, "pickup_point_not_found")),
  returnTo: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = v.safeParse(PickupQuery, {
    q: url.searchParams.get("q") || undefined,
    lat: url.searchParams.get("lat") || undefined,
    lng: url.searchParams.get("lng") || undefined,
  });
  const query = parsed.success ? parsed.output : {};
  const user = await getOptionalUser(context, request);
  const [listed, chosenId, doorFeature] = await Promise.all([
    listPickupPoints(context, { q: query.q, lat: query.lat, lng: query.lat !== undefined ? query.lng : undefined }),
    getChosenPickupPointId(context, user?.id ?? null, readPickupCookie(request)),
    isFeatureOn(context, "feature.door_delivery"),
  ]);
  // With door delivery switched off platform-wide (admin settings), no point offers it.
  const points = doorFeature ? listed : listed.map((p) => ({ ...p, doorDelivery: false }));
  return data(
    { points, chosenId, located: query.lat !== undefined && query.lng !== undefined, invalidQuery: !parsed.success },
    { status: parsed.success ? 200 : 400 },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithValibot(await request.formData(), { schema: ChoosePickupInput });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const user = await getOptionalUser(context, request);
  const chosen = await choosePickupPoint(context, user?.id ?? null, submission.value.pickupPointId);
  if (!chosen.ok) return data({ result: submission.reply({ fieldErrors: { pickupPointId: [chosen.error.code] } }) }, { status: 404 });
  return redirect(safeRedirectPath(submission.value.returnTo, "/"), {
    headers: { "Set-Cookie": pickupCookie(chosen.value.pickupPointId, context.request!.secure) },
  });
}

function formatDistance(m: number, t: (k: string, o?: Record<string, unknown>) => string) {
  return m < 1000 ? t("pickup.metres", { n: m }) : t("pickup.kilometres", { n: (Math.round(m / 100) / 10).toFixed(1) });
}

export default function ChoosePickupPoint() {
  const { t } = useTranslation();
  const { points, chosenId, located } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const returnTo = params.get("returnTo") ?? "/";

  function locate() {
    if (!("geolocation" in navigator)) return;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const next = new URLSearchParams(params);
        next.set("lat", pos.coords.latitude.toFixed(5));
        next.set("lng", pos.coords.longitude.toFixed(5));
        submit(next, { method: "get", replace: true });
      },
      () => undefined,
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
    );
  }

  return (
    <div className="space-y-4 p-4">
      <h1 className="text-2xl font-bold">{t("pickup.title")}</h1>
      <p className="text-muted">{t("pickup.lead")}</p>
      <Form method="get" role="search" className="flex gap-2">
        <input type="hidden" name="returnTo" value={returnTo} />
        <label htmlFor="pickup-q" className="sr-only">
          {t("pickup.search")}
        </label>
        <input id="pickup-q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={t("pickup.searchHint")} className="field-input flex-1" />
        <button type="submit" className="btn-primary">
          {t("common.search")}
        </button>
      </Form>
      <button type="button" onClick={locate} className="btn-secondary w-full">
        <LocateFixed aria-hidden className="size-5" />
        {t("pickup.nearMe")}
      </button>
      {actionData?.result.error ? <FieldErrors id="choose-error" errors={Object.values(actionData.result.error).flat() as string[]} /> : null}
      {points.length === 0 ? (
        <p className="card text-muted">{t("pickup.none")}</p>
      ) : (
        <ul className="space-y-3" aria-label={located ? t("pickup.nearest") : t("pickup.all")}>
          {points.map((p) => (
            <li key={p.id} className={`card flex items-start gap-3 ${p.id === chosenId ? "ring-2 ring-brand-600" : ""}`}>
              <MapPin aria-hidden className="mt-1 size-5 shrink-0 text-brand-700" />
              <div className="flex-1 space-y-1">
                <p className="font-semibold">
                  {p.name}
                  {p.id === chosenId ? <span className="ml-2 rounded-full bg-brand-50 px-2 text-xs text-brand-800">{t("pickup.current")}</span> : null}
                  {p.doorDelivery ? <span className="ml-2 rounded-full bg-brand-50 px-2 text-xs text-brand-800">{t("pickup.doorDelivery")}</span> : null}
                </p>
                <p className="text-sm text-muted">
                  {p.area} · {p.addressMasked}
                </p>
                <p className="tabular text-sm">
                  {t("pickup.hours", { open: p.hours.open, close: p.hours.close })}
                  {p.distanceM !== null ? ` · ${formatDistance(p.distanceM, t)}` : ""}
                </p>
              </div>
              <Form method="post">
                <input type="hidden" name="pickupPointId" value={p.id} />
                <input type="hidden" name="returnTo" value={returnTo} />
                <button type="submit" className="btn-primary min-h-11 px-4 text-sm" disabled={navigation.state === "submitting"}>
                  {t("pickup.choose")}
                  <span className="sr-only">{`：${p.name}`}</span>
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
