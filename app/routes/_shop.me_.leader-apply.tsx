import { getFormProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithValibot } from "~/lib/form-submission";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, type ClientLoaderFunctionArgs } from "@remix-run/react";
import LocateFixed from "lucide-react/icons/locate-fixed";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/guards.server";
import { formatHours, LeaderErrors, LeaderField } from "~/components/leader-apply/fields";
import { registerConsoleMessages } from "~/i18n/console-messages";
import { translate, withMessagesInUse } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import { ApplyLeaderInput, LEADER_PHOTO_MAX_BYTES, LEADER_PHOTO_TYPES, WEEKDAYS } from "~/modules/leaders/apply-schemas";
import { applyAsLeader, getMyLeaderApplication } from "~/modules/leaders/apply.server";
import { isFeatureOn } from "~/modules/settings/settings.server";

// The leader application's strings live with the console's; this storefront page brings them along.
registerConsoleMessages();

/** On a client-side navigation here, the current language's console strings come with the data. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => withMessagesInUse(serverLoader);

export const meta: MetaFunction = ({ matches }) => {
  const locale = (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [{ title: `${translate(locale, "leaderApply.apply.title")} · ${translate(locale, "app.name")}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const [application, open] = await Promise.all([getMyLeaderApplication(context, user.id), isFeatureOn(context, "feature.leader_applications")]);
  return { application, paused: !open, locale: resolveLocale(request) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const formData = await request.formData();
  const submission = parseWithValibot(formData, { schema: ApplyLeaderInput });
  // Applications paused by the platform (admin settings): nothing is taken; pending ones are still reviewed.
  if (!(await isFeatureOn(context, "feature.leader_applications"))) {
    return data({ result: submission.reply({ formErrors: ["applications_paused"] }) }, { status: 409 });
  }
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const photo = formData.get("photo");
  const applied = await applyAsLeader(context, {
    userId: user.id,
    form: submission.value,
    photo: typeof photo === "object" && photo !== null && "arrayBuffer" in photo ? photo : null,
  });
  if (!applied.ok) {
    const status = applied.error.code === "application_pending" || applied.error.code === "already_leader" ? 409 : 400;
    return data({ result: submission.reply({ fieldErrors: { [applied.error.field ?? "name"]: [applied.error.code] } }) }, { status });
  }
  throw redirect("/me/leader-apply?submitted=1");
}

function StatusCard() {
  const { t } = useTranslation();
  const { application, locale } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  if (!application) return null;
  const tone =
    application.status === "active" ? "bg-brand-50 text-brand-800" : application.status === "pending" ? "bg-surface text-ink" : "bg-danger-50 text-danger";
  return (
    <section className="card space-y-3" aria-labelledby="leader-status-title">
      {params.get("submitted") === "1" && application.status === "pending" ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("leaderApply.apply.submitted")}
        </p>
      ) : null}
      <h2 id="leader-status-title" className="font-semibold">
        {t("leaderApply.status.title")}
      </h2>
      <p>
        <span className={`inline-block rounded-full px-3 py-1 text-sm font-semibold ${tone}`} data-testid="leader-application-status">
          {t(`leaderApply.status.${application.status}`)}
        </span>
      </p>
      <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-muted">{t("leaderApply.status.point")}</dt>
        <dd>{application.name}</dd>
        <dt className="text-muted">{t("leaderApply.apply.area")}</dt>
        <dd>{application.area}</dd>
        <dt className="text-muted">{t("leaderApply.apply.address")}</dt>
        <dd>{application.address}</dd>
        <dt className="text-muted">{t("leaderApply.admin.hours")}</dt>
        <dd className="tabular">{formatHours(application.hours, t)}</dd>
        <dt className="text-muted">{t("leaderApply.status.submittedAt")}</dt>
        <dd className="tabular">{formatDateTime(application.submittedAt, locale)}</dd>
      </dl>
      <p className="text-sm">{t(`leaderApply.status.${application.status}Lead`)}</p>
      {application.status === "rejected" && application.rejectReason ? (
        <p className="rounded-xl bg-danger-50 p-3 text-sm text-danger" data-testid="leader-reject-reason">
          {t("leaderApply.status.reason", { reason: application.rejectReason })}
        </p>
      ) : null}
      {application.status === "active" ? (
        <Link to="/leader" className="btn-primary min-h-12 w-full">
          {t("leaderApply.status.openLeader")}
        </Link>
      ) : null}
    </section>
  );
}

/** Fills the coordinates from the device's location; shown only where the browser offers it. */
function LocateButton({ onLocated }: { onLocated: (lat: string, lng: string) => void }) {
  const { t } = useTranslation();
  const [supported, setSupported] = useState(false);
  const [state, setState] = useState<"idle" | "locating" | "located" | "failed">("idle");
  useEffect(() => setSupported("geolocation" in navigator), []);
  if (!supported) return null;
  function locate() {
    setState("locating");
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        onLocated(pos.coords.latitude.toFixed(6), pos.coords.longitude.toFixed(6));
        setState("located");
      },
      () => setState("failed"),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }
  return (
    <div className="space-y-1">
      <button type="button" onClick={locate} disabled={state === "locating"} className="btn-secondary min-h-12 w-full">
        <LocateFixed aria-hidden className="size-5" />
        {state === "locating" ? t("leaderApply.apply.locating") : t("leaderApply.apply.locate")}
      </button>
      <p role="status" className={`text-sm ${state === "failed" ? "text-danger" : "text-brand-800"}`}>
        {state === "located" ? t("leaderApply.apply.located") : state === "failed" ? t("leaderApply.apply.locateFailed") : ""}
      </p>
    </div>
  );
}

function CheckGroup({ meta, legend, options }: { meta: FieldMetadata<unknown>; legend: string; options: Array<{ value: string; label: string }> }) {
  const chosen = new Set([meta.initialValue ?? []].flat().map(String));
  return (
    <fieldset aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
      <legend className="field-label">{legend}</legend>
      <div className="grid grid-cols-4 gap-2">
        {options.map((o) => (
          <label key={o.value} className="flex min-h-12 items-center justify-center gap-2 rounded-xl border border-line px-2 text-sm">
            <input type="checkbox" name={meta.name} value={o.value} defaultChecked={chosen.has(o.value)} className="size-5" />
            {o.label}
          </label>
        ))}
      </div>
      <LeaderErrors id={meta.errorId} errors={meta.errors} />
    </fieldset>
  );
}

function ApplyForm() {
  const { t } = useTranslation();
  const { application } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "leader-apply",
    lastResult: actionData?.result,
    defaultValue: application
      ? {
          name: application.name,
          area: application.area,
          address: application.address,
          lat: String(application.lat),
          lng: String(application.lng),
          open: application.hours.open,
          close: application.hours.close,
          days: application.hours.days.map(String),
          contactPhone: application.contactPhone,
          doorDelivery: application.doorDelivery ? "yes" : "no",
        }
      : { days: WEEKDAYS.map(String), open: "08:00", close: "21:00" },
    onValidate: ({ formData }) => parseWithValibot(formData, { schema: ApplyLeaderInput }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const photoErrors = actionData?.result.error?.photo;
  const door = fields.doorDelivery;
  const keepPhoto = application?.status === "rejected" && application.hasPhoto;
  return (
    <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-4">
      <LeaderErrors id={form.errorId} errors={form.errors} summary />
      <section className="card space-y-4" aria-labelledby="sec-point">
        <h2 id="sec-point" className="font-semibold">
          {t("leaderApply.apply.sectionPoint")}
        </h2>
        <LeaderField meta={fields.name} label={t("leaderApply.apply.name")} hint={t("leaderApply.apply.nameHint")} autoComplete="organization" />
        <LeaderField meta={fields.area} label={t("leaderApply.apply.area")} hint={t("leaderApply.apply.areaHint")} />
        <LeaderField meta={fields.address} label={t("leaderApply.apply.address")} hint={t("leaderApply.apply.addressHint")} autoComplete="street-address" />
      </section>
      <section className="card space-y-4" aria-labelledby="sec-location">
        <h2 id="sec-location" className="font-semibold">
          {t("leaderApply.apply.sectionLocation")}
        </h2>
        <LocateButton
          onLocated={(lat, lng) => {
            form.update({ name: fields.lat.name, value: lat });
            form.update({ name: fields.lng.name, value: lng });
          }}
        />
        <div className="grid grid-cols-2 gap-3">
          <LeaderField meta={fields.lat} label={t("leaderApply.apply.lat")} inputMode="decimal" />
          <LeaderField meta={fields.lng} label={t("leaderApply.apply.lng")} inputMode="decimal" />
        </div>
        <p className="text-sm text-muted">{t("leaderApply.apply.locationHint")}</p>
      </section>
      <section className="card space-y-4" aria-labelledby="sec-hours">
        <h2 id="sec-hours" className="font-semibold">
          {t("leaderApply.apply.sectionHours")}
        </h2>
        <div className="grid grid-cols-2 gap-3">
          <LeaderField meta={fields.open} label={t("leaderApply.apply.open")} inputMode="numeric" placeholder="08:00" />
          <LeaderField meta={fields.close} label={t("leaderApply.apply.close")} inputMode="numeric" placeholder="21:00" />
        </div>
        <p className="text-sm text-muted">{t("leaderApply.apply.timeHint")}</p>
        <CheckGroup meta={fields.days} legend={t("leaderApply.apply.days")} options={WEEKDAYS.map((d) => ({ value: String(d), label: t(`leaderApply.weekdays.${d}`) }))} />
      </section>
      <section className="card space-y-4" aria-labelledby="sec-contact">
        <h2 id="sec-contact" className="font-semibold">
          {t("leaderApply.apply.sectionContact")}
        </h2>
        <LeaderField
          meta={fields.contactPhone}
          label={t("leaderApply.apply.contactPhone")}
          hint={t("leaderApply.apply.contactPhoneHint")}
          type="tel"
          autoComplete="tel"
          inputMode="tel"
        />
        <fieldset aria-describedby={door.errors?.length ? door.errorId : undefined}>
          <legend className="field-label">{t("leaderApply.apply.doorDelivery")}</legend>
          <div className="grid gap-2">
            {(["yes", "no"] as const).map((value) => (
              <label key={value} className="flex min-h-12 items-center gap-3 rounded-xl border border-line px-3 text-sm">
                <input type="radio" name={door.name} value={value} defaultChecked={door.initialValue === value} className="size-5" />
                {t(value === "yes" ? "leaderApply.apply.doorYes" : "leaderApply.apply.doorNo")}
              </label>
            ))}
          </div>
          <LeaderErrors id={door.errorId} errors={door.errors} />
        </fieldset>
        <div>
          <label htmlFor="leader-photo" className="field-label">
            {t("leaderApply.apply.photo")}
          </label>
          <input
            id="leader-photo"
            name="photo"
            type="file"
            accept={LEADER_PHOTO_TYPES}
            required={!keepPhoto}
            data-max-bytes={LEADER_PHOTO_MAX_BYTES}
            aria-invalid={photoErrors?.length ? true : undefined}
            aria-describedby={["leader-photo-hint", photoErrors?.length ? "leader-photo-error" : ""].filter(Boolean).join(" ")}
            className="block min-h-12 w-full text-sm"
          />
          <p id="leader-photo-hint" className="mt-1 text-sm text-muted">
            {t("leaderApply.apply.photoHint")}
            {keepPhoto ? ` ${t("leaderApply.apply.photoKeep")}` : ""}
          </p>
          <LeaderErrors id="leader-photo-error" errors={photoErrors} />
        </div>
      </section>
      <button type="submit" className="btn-primary min-h-12 w-full" disabled={navigation.state === "submitting"}>
        {application?.status === "rejected" ? t("leaderApply.apply.resubmit") : t("leaderApply.apply.submit")}
      </button>
    </Form>
  );
}

export default function LeaderApply() {
  const { t } = useTranslation();
  const { application, paused } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const canApply = !paused && (!application || application.status === "rejected");
  // A refusal that makes the form go away (sent twice, already a leader) shows above the status.
  const refused = !paused && !canApply && actionData?.result.error ? Object.values(actionData.result.error).flat().filter((e): e is string => !!e) : null;
  return (
    <div className="space-y-4 p-4">
      <Link to="/me" className="flex min-h-11 items-center text-sm text-muted underline">
        {t("leaderApply.apply.back")}
      </Link>
      <h1 className="text-xl font-bold">{t("leaderApply.apply.title")}</h1>
      {canApply ? <p className="text-sm text-muted">{t("leaderApply.apply.lead")}</p> : null}
      {refused?.length ? <LeaderErrors id="leader-apply-refused" errors={refused} summary /> : null}
      {paused && (!application || application.status === "rejected") ? (
        <p role={actionData ? "alert" : "status"} className="rounded-xl bg-surface p-3 text-sm" data-testid="applications-paused">
          {t("leaderApply.applicationsPaused")}
        </p>
      ) : null}
      <StatusCard />
      {canApply ? <ApplyForm /> : null}
    </div>
  );
}
