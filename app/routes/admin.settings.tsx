import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as v from "valibot";
import { getAdminAccess, requirePermission } from "~/auth/guards.server";
import { hasPermission } from "~/auth/permissions";
import { translate } from "~/i18n/i18n";
import { formatDateTime } from "~/lib/format";
import { resolveLocale } from "~/lib/preferences.server";
import {
  FEATURE_KEYS,
  MEMBERSHIP_LEVELS,
  SETTING_KEYS,
  SETTING_SECTIONS,
  type SettingSection,
} from "~/modules/settings/catalogue";
import { listCategoryNames } from "~/modules/settings/categories.server";
import {
  formatSettingValue,
  percentText,
  settingLabelKey,
} from "~/modules/settings/display";
import {
  FIELD_SPECS,
  featureField,
  OVERRIDE_PREFIX,
  OVERRIDE_SPEC,
  overrideField,
  parseSectionForm,
  rangeText,
  REASON_MAX,
  SaveMetaSchema,
  sectionFormValues,
  sectionOfIntent,
  type FieldErrors,
  type NumberFieldSpec,
} from "~/modules/settings/forms";
import { getSettingStates, listSettingChanges, saveSettings, unknownCategoryIds } from "~/modules/settings/settings.server";
import { couponTemplateExists, listRewardCouponTemplates } from "~/modules/share/settings.server";

export const meta: MetaFunction = ({ matches }) => {
  const locale =
    (matches[0]?.data as { locale?: string } | undefined)?.locale ?? "zh-CN";
  return [
    {
      title: `${translate(locale, "adminSettings.title")} · ${translate(
        locale,
        "app.name"
      )}`,
    },
  ];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(context, request, "read:settings:any");
  const locale = resolveLocale(request);
  const [states, categories, couponTemplates, recent, canEdit] = await Promise.all([
    getSettingStates(context, SETTING_KEYS),
    listCategoryNames(context, locale),
    listRewardCouponTemplates(context, locale),
    listSettingChanges(context, { page: 1, pageSize: 5 }),
    getAdminAccess(context, admin).then((access) =>
      hasPermission(admin.roles, access, "update:settings:any")
    ),
  ]);
  return { states, categories, couponTemplates, recent: recent.rows, canEdit, locale };
}

type ActionResult = {
  section: SettingSection | null;
  status: "saved" | "unchanged" | "error";
  changed: string[];
  fieldErrors: FieldErrors;
  formError: string | null;
  /** What was submitted (text fields), shown again after a refusal so nothing typed is lost. */
  values: Record<string, string> | null;
};

const reply = (
  r: Partial<ActionResult> & Pick<ActionResult, "section" | "status">,
  status = 200
) =>
  data<ActionResult>(
    { changed: [], fieldErrors: {}, formError: null, values: null, ...r },
    { status }
  );

/**
 * Saves one section (intent `save-<section>`): only the keys whose value changed, each with its
 * history row, and one audit row, in one batch (`saveSettings`). 400 with field errors for bad
 * values (nothing written), 409 when a key changed since the page was rendered (nothing written).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(
    context,
    request,
    "update:settings:any"
  );
  const raw: Record<string, string> = {};
  for (const [name, value] of await request.formData())
    if (typeof value === "string") raw[name] = value;
  const section = sectionOfIntent(raw.intent);
  if (!section)
    return reply(
      { section: null, status: "error", formError: "intent_invalid" },
      400
    );
  const values = { ...raw };
  delete values.intent;
  delete values.versions;

  const meta = v.safeParse(SaveMetaSchema, raw);
  const parsed = parseSectionForm(section, raw);
  const fieldErrors: FieldErrors = parsed.ok ? {} : { ...parsed.fieldErrors };
  if (!meta.success) {
    for (const issue of meta.issues) {
      const field = String(issue.path?.[0]?.key ?? "versions");
      if (field === "reason") fieldErrors.reason ??= [issue.message];
      else
        return reply(
          { section, status: "error", formError: "form_invalid", values },
          400
        );
    }
  }
  // Overrides must name existing categories (checked even when other fields are wrong, so every error shows at once).
  const overrideIds = section === "fees" ? Object.keys(values).filter((k) => k.startsWith(OVERRIDE_PREFIX) && values[k]!.trim() !== "").map((k) => k.slice(OVERRIDE_PREFIX.length)) : [];
  for (const id of await unknownCategoryIds(context, overrideIds)) fieldErrors[overrideField(id)] ??= ["category_unknown"];
  const template = parsed.ok && section === "share" ? parsed.values["share.reward"]?.couponTemplateId : null;
  if (template && !(await couponTemplateExists(context, template))) fieldErrors.shareCouponTemplate ??= ["coupon_template_unknown"];
  if (!parsed.ok || !meta.success || Object.keys(fieldErrors).length) return reply({ section, status: "error", fieldErrors, values }, 400);

  const keys: readonly string[] = SETTING_SECTIONS[section];
  const expectedVersions = Object.fromEntries(
    Object.entries(meta.output.versions).filter(([k]) => keys.includes(k))
  );
  if (Object.keys(expectedVersions).length !== keys.length)
    return reply(
      { section, status: "error", formError: "form_invalid", values },
      400
    );

  const saved = await saveSettings(context, {
    actorUserId: admin.id,
    section,
    reason: meta.output.reason || null,
    expectedVersions,
    values: parsed.values,
  });
  if (!saved.ok) {
    // A conflict shows the values now in force (the form re-renders from the loader), not the stale edit.
    if (saved.error.code === "version_conflict")
      return reply(
        { section, status: "error", formError: "version_conflict" },
        409
      );
    return reply(
      { section, status: "error", formError: "form_invalid", values },
      400
    );
  }
  return reply({
    section,
    status: saved.value.changed.length ? "saved" : "unchanged",
    changed: saved.value.changed.map((c) => c.key),
  });
}

/** One section's form state: what the fields show, the errors to show, the versions to send. */
function useSection(section: SettingSection) {
  const { states } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const mine = actionData?.section === section ? actionData : null;
  const current = Object.fromEntries(
    SETTING_KEYS.map((k) => [k, states[k].value])
  ) as Parameters<typeof sectionFormValues>[1];
  const versions = Object.fromEntries(
    SETTING_SECTIONS[section].map((k) => [k, states[k].version])
  );
  const submitted =
    mine?.status === "error" && mine.values ? mine.values : null;
  const shown = submitted ?? sectionFormValues(section, current);
  // A new key remounts the inputs with fresh defaults: after a save (new versions) or a refusal.
  const formKey = `${section}:${JSON.stringify(versions)}:${
    submitted ? "submitted" : "current"
  }`;
  return { mine, versions, shown, formKey, errors: mine?.fieldErrors ?? {} };
}

function ErrorText({
  id,
  code,
  spec,
}: {
  id: string;
  code: string | undefined;
  spec?: NumberFieldSpec;
}) {
  const { t } = useTranslation();
  if (!code) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {t(`adminSettings.errors.${code}`, {
        defaultValue: t("adminSettings.errors.invalid"),
        ...(spec ? rangeText(spec) : {}),
      })}
    </p>
  );
}

function NumberField({
  name,
  label,
  unit,
  hint,
  shown,
  errors,
  spec = FIELD_SPECS[name],
  disabled,
}: {
  name: string;
  label: string;
  unit: string;
  hint?: string;
  shown: Record<string, string>;
  errors: FieldErrors;
  spec?: NumberFieldSpec;
  disabled?: boolean;
}) {
  const id = `set-${name}`;
  const error = errors[name]?.[0];
  const describedBy =
    [hint ? `${id}-hint` : "", error ? `${id}-error` : ""]
      .filter(Boolean)
      .join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <input
          id={id}
          name={name}
          type="text"
          inputMode={spec?.kind === "whole" ? "numeric" : "decimal"}
          autoComplete="off"
          defaultValue={shown[name] ?? ""}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className="field-input tabular max-w-40"
        />
        <span className="text-sm text-muted">{unit}</span>
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <ErrorText id={`${id}-error`} code={error} spec={spec} />
    </div>
  );
}

/** The frame every section shares: its own form, the versions it was rendered with, a reason and Save. */
function SectionForm({
  section,
  title,
  lead,
  children,
}: {
  section: SettingSection;
  title: string;
  lead?: string;
  children: (s: ReturnType<typeof useSection>) => React.ReactNode;
}) {
  const { t } = useTranslation();
  const { canEdit } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const s = useSection(section);
  const busy =
    navigation.state === "submitting" &&
    navigation.formData?.get("intent") === `save-${section}`;
  const reasonError = s.errors.reason?.[0];
  return (
    <section
      id={section}
      className="card scroll-mt-4"
      aria-labelledby={`${section}-title`}
    >
      <h2 id={`${section}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {lead ? <p className="mt-1 text-sm text-muted">{lead}</p> : null}
      {s.mine?.status === "saved" ? (
        <p
          role="status"
          className="mt-3 rounded-xl bg-brand-50 p-3 text-sm text-brand-800"
        >
          {t("adminSettings.saved", { count: s.mine.changed.length })}
        </p>
      ) : s.mine?.status === "unchanged" ? (
        <p role="status" className="mt-3 rounded-xl bg-surface p-3 text-sm">
          {t("adminSettings.unchanged")}
        </p>
      ) : s.mine?.status === "error" ? (
        <p
          role="alert"
          className="mt-3 rounded-xl bg-danger-50 p-3 text-sm text-danger"
        >
          {t(`adminSettings.errors.${s.mine.formError ?? "fix_fields"}`, {
            defaultValue: t("adminSettings.errors.invalid"),
          })}
        </p>
      ) : null}
      <Form method="post" key={s.formKey} className="mt-3" preventScrollReset>
        <input type="hidden" name="intent" value={`save-${section}`} />
        <input
          type="hidden"
          name="versions"
          value={JSON.stringify(s.versions)}
        />
        <fieldset disabled={!canEdit} className="space-y-4">
          {children(s)}
          <div>
            <label htmlFor={`${section}-reason`} className="field-label">
              {t("adminSettings.reason")}
            </label>
            <input
              id={`${section}-reason`}
              name="reason"
              type="text"
              maxLength={REASON_MAX}
              defaultValue={s.shown.reason ?? ""}
              placeholder={t("adminSettings.reasonHint")}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={
                reasonError ? `${section}-reason-error` : undefined
              }
              className="field-input"
            />
            <ErrorText id={`${section}-reason-error`} code={reasonError} />
          </div>
          <button type="submit" className="btn-primary" disabled={busy}>
            {t("adminSettings.save")}
          </button>
        </fieldset>
      </Form>
    </section>
  );
}

function FeesSection() {
  const { t } = useTranslation();
  const { categories, states } = useLoaderData<typeof loader>();
  const overrides = states["commission.category_overrides_bp"].value;
  const defaultRate = states["commission.leader_rate_bp"].value;
  const known = new Set(categories.map((c) => c.id));
  // Every category, then ids that are not (any more): stored overrides, or ones just submitted, so they can be cleared.
  const rowsFor = (shown: Record<string, string>) => {
    const extra = [
      ...Object.keys(overrides),
      ...Object.keys(shown)
        .filter((k) => k.startsWith(OVERRIDE_PREFIX))
        .map((k) => k.slice(OVERRIDE_PREFIX.length)),
    ];
    return [
      ...categories,
      ...[...new Set(extra)]
        .filter((id) => !known.has(id))
        .map((id) => ({
          id,
          name: t("adminSettings.fees.unknownCategory", { id }),
        })),
    ];
  };
  return (
    <SectionForm
      section="fees"
      title={t("adminSettings.fees.title")}
      lead={t("adminSettings.fees.lead")}
    >
      {({ shown, errors }) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <NumberField
              name="platformFee"
              label={t("adminSettings.fees.platformFee")}
              unit="%"
              hint={t("adminSettings.fees.platformFeeHint")}
              shown={shown}
              errors={errors}
            />
            <NumberField
              name="leaderRate"
              label={t("adminSettings.fees.leaderRate")}
              unit="%"
              hint={t("adminSettings.fees.leaderRateHint")}
              shown={shown}
              errors={errors}
            />
          </div>
          <div>
            <h3 className="font-medium">{t("adminSettings.fees.overrides")}</h3>
            <p className="text-sm text-muted">
              {t("adminSettings.fees.overridesHint", {
                rate: percentText(defaultRate),
              })}
            </p>
            <div className="mt-2 max-h-96 overflow-auto rounded-xl border border-line">
              <table className="w-full text-left text-sm">
                <thead className="sticky top-0 bg-white">
                  <tr className="border-b border-line">
                    <th scope="col" className="p-2">
                      {t("adminSettings.fees.category")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("adminSettings.fees.categoryRate")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rowsFor(shown).map((c) => {
                    const name = overrideField(c.id);
                    const error = errors[name]?.[0];
                    return (
                      <tr
                        key={c.id}
                        className="border-b border-line last:border-0 align-top"
                      >
                        <th scope="row" className="p-2 font-normal">
                          <label htmlFor={`set-${name}`}>{c.name}</label>
                        </th>
                        <td className="p-2">
                          <div className="flex items-center gap-2">
                            <input
                              id={`set-${name}`}
                              name={name}
                              type="text"
                              inputMode="decimal"
                              autoComplete="off"
                              defaultValue={shown[name] ?? ""}
                              placeholder={t("adminSettings.fees.usesDefault")}
                              aria-invalid={error ? true : undefined}
                              aria-describedby={
                                error ? `set-${name}-error` : undefined
                              }
                              className="field-input tabular max-w-32"
                            />
                            <span className="text-sm text-muted">%</span>
                          </div>
                          <ErrorText
                            id={`set-${name}-error`}
                            code={error}
                            spec={OVERRIDE_SPEC}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </SectionForm>
  );
}

function TimingSection() {
  const { t } = useTranslation();
  return (
    <SectionForm
      section="timing"
      title={t("adminSettings.timing.title")}
      lead={t("adminSettings.timing.lead")}
    >
      {({ shown, errors }) => (
        <div className="grid gap-4 sm:grid-cols-3">
          <div>
            <label htmlFor="set-cutoffTime" className="field-label">
              {t("adminSettings.timing.cutoff")}
            </label>
            <input
              id="set-cutoffTime"
              name="cutoffTime"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder="21:00"
              defaultValue={shown.cutoffTime ?? ""}
              aria-invalid={errors.cutoffTime ? true : undefined}
              aria-describedby={[
                "set-cutoffTime-hint",
                errors.cutoffTime ? "set-cutoffTime-error" : "",
              ]
                .filter(Boolean)
                .join(" ")}
              className="field-input tabular max-w-40"
            />
            <p id="set-cutoffTime-hint" className="mt-1 text-sm text-muted">
              {t("adminSettings.timing.cutoffHint")}
            </p>
            <ErrorText
              id="set-cutoffTime-error"
              code={errors.cutoffTime?.[0]}
            />
          </div>
          <NumberField
            name="unpaidTimeout"
            label={t("adminSettings.timing.unpaid")}
            unit={t("adminSettings.units.minutesUnit")}
            hint={t("adminSettings.timing.unpaidHint")}
            shown={shown}
            errors={errors}
          />
          <NumberField
            name="afterSalesWindow"
            label={t("adminSettings.timing.afterSales")}
            unit={t("adminSettings.units.daysUnit")}
            hint={t("adminSettings.timing.afterSalesHint")}
            shown={shown}
            errors={errors}
          />
        </div>
      )}
    </SectionForm>
  );
}

function UncollectedSection() {
  const { t } = useTranslation();
  return (
    <SectionForm
      section="uncollected"
      title={t("adminSettings.uncollected.title")}
      lead={t("adminSettings.uncollected.lead")}
    >
      {({ shown, errors }) => (
        <div className="grid gap-4 sm:grid-cols-2">
          <NumberField
            name="uncollectedAfterDays"
            label={t("adminSettings.uncollected.afterDays")}
            unit={t("adminSettings.units.daysUnit")}
            hint={t("adminSettings.uncollected.afterDaysHint")}
            shown={shown}
            errors={errors}
          />
          <NumberField
            name="uncollectedRefund"
            label={t("adminSettings.uncollected.refund")}
            unit="%"
            hint={t("adminSettings.uncollected.refundHint")}
            shown={shown}
            errors={errors}
          />
        </div>
      )}
    </SectionForm>
  );
}

function PointsSection() {
  const { t } = useTranslation();
  return (
    <SectionForm section="points" title={t("adminSettings.points.title")}>
      {({ shown, errors }) => (
        <NumberField
          name="pointsMaxRedeem"
          label={t("adminSettings.points.maxRedeem")}
          unit="%"
          hint={t("adminSettings.points.maxRedeemHint")}
          shown={shown}
          errors={errors}
        />
      )}
    </SectionForm>
  );
}

function WithdrawalsSection() {
  const { t } = useTranslation();
  return (
    <SectionForm
      section="withdrawals"
      title={t("adminSettings.withdrawals.title")}
    >
      {({ shown, errors }) => (
        <>
          <NumberField
            name="withdrawalMin"
            label={t("adminSettings.withdrawals.min")}
            unit={t("adminSettings.units.yuan")}
            hint={t("adminSettings.withdrawals.minHint")}
            shown={shown}
            errors={errors}
          />
          <NumberField
            name="withdrawalFrozenDays"
            label={t("adminSettings.withdrawals.frozenDays")}
            unit={t("adminSettings.units.daysUnit")}
            hint={t("adminSettings.withdrawals.frozenDaysHint")}
            shown={shown}
            errors={errors}
          />
        </>
      )}
    </SectionForm>
  );
}

function ReviewsSection() {
  const { t } = useTranslation();
  return (
    <SectionForm section="reviews" title={t("reviewsConsole.settings.title")} lead={t("reviewsConsole.settings.lead")}>
      {({ shown, errors }) => (
        <NumberField name="reviewPoints" label={t("reviewsConsole.settings.points")} unit={t("reviewsConsole.settings.pointsUnit")} hint={t("reviewsConsole.settings.pointsHint")} shown={shown} errors={errors} />
      )}
    </SectionForm>
  );
}

const PERKS = [
  { suffix: "Multiplier", unit: "×", labelKey: "multiplier" },
  { suffix: "Discount", unit: "%", labelKey: "discount" },
  { suffix: "EarlyAccess", unit: "minutesUnit", labelKey: "earlyAccess" },
  { suffix: "Birthday", unit: "yuan", labelKey: "birthday" },
] as const;

function MembershipSection() {
  const { t } = useTranslation();
  const unitText = (u: string) =>
    u === "×" || u === "%" ? u : t(`adminSettings.units.${u}`);
  return (
    <SectionForm
      section="membership"
      title={t("adminSettings.membership.title")}
      lead={t("adminSettings.membership.lead")}
    >
      {({ shown, errors }) => (
        <>
          <div className="overflow-x-auto">
            <table className="w-full min-w-[36rem] text-left text-sm">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-line">
                  <th scope="col" className="p-2">
                    <span className="sr-only">
                      {t("adminSettings.membership.perk")}
                    </span>
                  </th>
                  {MEMBERSHIP_LEVELS.map((l) => (
                    <th key={l} scope="col" className="p-2">
                      {t(`adminSettings.membership.levels.${l}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr className="border-b border-line align-top">
                  <th scope="row" className="p-2 font-medium">
                    {t("adminSettings.membership.threshold")}
                    <span className="block text-xs font-normal text-muted">
                      {t("adminSettings.membership.thresholdHint")}
                    </span>
                  </th>
                  <td className="p-2 tabular">
                    {t("adminSettings.membership.everyone")}
                  </td>
                  {(["silver", "gold"] as const).map((l) => (
                    <MembershipCell
                      key={l}
                      name={`${l}Threshold`}
                      label={`${t(
                        `adminSettings.membership.levels.${l}`
                      )} · ${t("adminSettings.membership.threshold")}`}
                      unit={t("adminSettings.units.yuan")}
                      shown={shown}
                      errors={errors}
                    />
                  ))}
                </tr>
                {PERKS.map((p) => (
                  <tr
                    key={p.suffix}
                    className="border-b border-line align-top last:border-0"
                  >
                    <th scope="row" className="p-2 font-medium">
                      {t(`adminSettings.membership.${p.labelKey}`)}
                      <span className="block text-xs font-normal text-muted">
                        {t(`adminSettings.membership.${p.labelKey}Hint`)}
                      </span>
                    </th>
                    {MEMBERSHIP_LEVELS.map((l) => (
                      <MembershipCell
                        key={l}
                        name={`${l}${p.suffix}`}
                        label={`${t(
                          `adminSettings.membership.levels.${l}`
                        )} · ${t(`adminSettings.membership.${p.labelKey}`)}`}
                        unit={unitText(p.unit)}
                        shown={shown}
                        errors={errors}
                      />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Link to="/admin/member-products" className="link text-sm">
            {t("adminSettings.memberProducts.manage")}
          </Link>
        </>
      )}
    </SectionForm>
  );
}

function MembershipCell({
  name,
  label,
  unit,
  shown,
  errors,
}: {
  name: string;
  label: string;
  unit: string;
  shown: Record<string, string>;
  errors: FieldErrors;
}) {
  const id = `set-${name}`;
  const error = errors[name]?.[0];
  return (
    <td className="p-2">
      <div className="flex items-center gap-1">
        <input
          id={id}
          name={name}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          aria-label={label}
          defaultValue={shown[name] ?? ""}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="field-input tabular w-24"
        />
        <span className="text-xs text-muted">{unit}</span>
      </div>
      <ErrorText id={`${id}-error`} code={error} spec={FIELD_SPECS[name]} />
    </td>
  );
}

function ShareSection() {
  const { t } = useTranslation();
  const { couponTemplates } = useLoaderData<typeof loader>();
  return (
    <SectionForm section="share" title={t("adminSettings.share.title")} lead={t("adminSettings.share.lead")}>
      {({ shown, errors }) => (
        <>
          <fieldset>
            <legend className="field-label">{t("adminSettings.share.kind")}</legend>
            <div className="flex flex-wrap gap-4">
              {(["points", "coupon"] as const).map((kind) => (
                <label key={kind} className="flex min-h-11 items-center gap-2">
                  <input type="radio" name="shareKind" value={kind} defaultChecked={shown.shareKind === kind} className="size-5" />
                  {t(kind === "points" ? "adminSettings.share.kindPoints" : "adminSettings.share.kindCoupon")}
                </label>
              ))}
            </div>
            <ErrorText id="set-shareKind-error" code={errors.shareKind?.[0]} />
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <NumberField name="sharePoints" label={t("adminSettings.share.points")} unit={t("adminSettings.share.kindPoints")} hint={t("adminSettings.share.pointsHint")} shown={shown} errors={errors} />
            <div>
              <label htmlFor="set-shareCouponTemplate" className="field-label">
                {t("adminSettings.share.template")}
              </label>
              <select
                id="set-shareCouponTemplate"
                name="shareCouponTemplate"
                defaultValue={shown.shareCouponTemplate ?? ""}
                aria-invalid={errors.shareCouponTemplate ? true : undefined}
                aria-describedby={errors.shareCouponTemplate ? "set-shareCouponTemplate-error" : undefined}
                className="field-input"
              >
                <option value="">{t("adminSettings.share.templateNone")}</option>
                {couponTemplates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
              <ErrorText id="set-shareCouponTemplate-error" code={errors.shareCouponTemplate?.[0]} />
            </div>
            <NumberField name="sharePeriodDays" label={t("adminSettings.share.periodDays")} unit={t("adminSettings.units.daysUnit")} hint={t("adminSettings.share.periodDaysHint")} shown={shown} errors={errors} />
            <NumberField name="shareDailyCap" label={t("adminSettings.share.dailyCap")} unit={t("adminSettings.share.dailyCapUnit")} shown={shown} errors={errors} />
          </div>
        </>
      )}
    </SectionForm>
  );
}

function FeaturesSection() {
  const { t } = useTranslation();
  return (
    <SectionForm
      section="features"
      title={t("adminSettings.features.title")}
      lead={t("adminSettings.features.lead")}
    >
      {({ shown }) => (
        <ul className="grid gap-2 sm:grid-cols-2">
          {FEATURE_KEYS.map((key) => {
            const name = featureField(key);
            return (
              <li key={key}>
                <label className="flex min-h-11 items-start gap-3 rounded-xl border border-line p-3">
                  <input
                    type="checkbox"
                    name={name}
                    value="on"
                    defaultChecked={shown[name] !== undefined}
                    className="mt-0.5 size-5 shrink-0"
                    aria-describedby={`${name}-hint`}
                  />
                  <span>
                    <span className="block font-medium">
                      {t(settingLabelKey(key))}
                    </span>
                    <span
                      id={`${name}-hint`}
                      className="block text-sm text-muted"
                    >
                      {t(`adminSettings.features.hints.${name}`)}
                    </span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </SectionForm>
  );
}

function RecentChanges() {
  const { t } = useTranslation();
  const { recent, categories, locale } = useLoaderData<typeof loader>();
  const nameOf = (id: string) =>
    categories.find((c) => c.id === id)?.name ?? null;
  return (
    <section className="card" aria-labelledby="recent-title">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="recent-title" className="text-lg font-semibold">
          {t("adminSettings.history.recent")}
        </h2>
        <Link to="/admin/settings/history" className="link text-sm">
          {t("adminSettings.history.all")}
        </Link>
      </div>
      {recent.length === 0 ? (
        <p className="mt-2 text-sm text-muted">
          {t("adminSettings.history.empty")}
        </p>
      ) : (
        <ul className="mt-2 divide-y divide-line text-sm">
          {recent.map((c) => (
            <li key={c.id} className="py-2">
              <span className="font-medium">{t(settingLabelKey(c.key))}</span>{" "}
              <span className="tabular">
                {formatSettingValue(c.key, c.oldValue, t, nameOf)} →{" "}
                {formatSettingValue(c.key, c.newValue, t, nameOf)}
              </span>
              <span className="block text-muted">
                {t("adminSettings.history.byAt", {
                  name:
                    c.changedByName ?? t("adminSettings.history.unknownUser"),
                  at: formatDateTime(c.changedAt, locale),
                })}
                {c.reason ? ` · ${c.reason}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function AdminSettings() {
  const { t } = useTranslation();
  const { canEdit } = useLoaderData<typeof loader>();
  const sections: Array<[SettingSection, string]> = [
    ["fees", "adminSettings.fees.title"],
    ["timing", "adminSettings.timing.title"],
    ["uncollected", "adminSettings.uncollected.title"],
    ["withdrawals", "adminSettings.withdrawals.title"],
    ["membership", "adminSettings.membership.title"],
    ["points", "adminSettings.points.title"],
    ["reviews", "reviewsConsole.settings.title"],
    ["share", "adminSettings.share.title"],
    ["features", "adminSettings.features.title"],
  ];
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-bold">{t("adminSettings.title")}</h1>
      <p className="text-sm text-muted">{t("adminSettings.lead")}</p>
      {canEdit ? null : (
        <p role="status" className="rounded-xl bg-surface p-3 text-sm">
          {t("adminSettings.readOnly")}
        </p>
      )}
      <nav
        aria-label={t("adminSettings.sections")}
        className="flex flex-wrap gap-2"
      >
        {sections.map(([id, key]) => (
          <a
            key={id}
            href={`#${id}`}
            className="btn-secondary min-h-11 px-3 text-sm"
          >
            {t(key)}
          </a>
        ))}
      </nav>
      <FeesSection />
      <TimingSection />
      <UncollectedSection />
      <WithdrawalsSection />
      <MembershipSection />
      <PointsSection />
      <ReviewsSection />
      <ShareSection />
      <FeaturesSection />
      <RecentChanges />
    </div>
  );
}
