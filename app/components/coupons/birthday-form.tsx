import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldErrors, FormErrors } from "~/components/ui/field";

const SCOPE = "coupons.errors";

/**
 * The birthday (month and day) for the birthday gift, on /me. A plain form: the page's action
 * takes `intent=set-birthday` and answers field errors with 400, or redirects with `?birthday=saved`.
 */
export function BirthdayForm({ birthday, errors, saved }: { birthday: string | null; errors?: Record<string, string[] | undefined> | null; saved: boolean }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [month, day] = birthday ? birthday.split("-").map(Number) : [undefined, undefined];
  return (
    <section className="card space-y-3" aria-labelledby="birthday-title">
      <h2 id="birthday-title" className="font-semibold">
        {t("coupons.birthday.title")}
      </h2>
      <p className="text-sm text-muted">{t("coupons.birthday.lead")}</p>
      <p className="text-sm" data-testid="birthday-current">
        {month && day ? t("coupons.birthday.current", { month, day }) : t("coupons.birthday.notSet")}
      </p>
      {saved ? (
        <p role="status" className="rounded-xl bg-brand-50 p-3 text-sm text-brand-800">
          {t("coupons.birthday.saved")}
        </p>
      ) : null}
      <Form method="post" className="space-y-3" aria-describedby={errors?.[""]?.length ? "birthday-errors" : undefined}>
        <input type="hidden" name="intent" value="set-birthday" />
        <FormErrors id="birthday-errors" errors={errors?.[""]} errorScope={SCOPE} />
        <div className="grid grid-cols-2 gap-3">
          <div>
            <label htmlFor="birthday-month" className="field-label">
              {t("coupons.birthday.month")}
            </label>
            <select
              id="birthday-month"
              name="month"
              defaultValue={month ? String(month) : ""}
              className="field-input"
              aria-invalid={errors?.month?.length ? true : undefined}
              aria-describedby={errors?.month?.length ? "birthday-month-error" : undefined}
            >
              <option value="">{t("coupons.birthday.pick")}</option>
              {Array.from({ length: 12 }, (_, i) => (
                <option key={i + 1} value={i + 1}>
                  {t("coupons.birthday.monthOption", { month: i + 1 })}
                </option>
              ))}
            </select>
            <FieldErrors id="birthday-month-error" errors={errors?.month} errorScope={SCOPE} />
          </div>
          <div>
            <label htmlFor="birthday-day" className="field-label">
              {t("coupons.birthday.day")}
            </label>
            <select
              id="birthday-day"
              name="day"
              defaultValue={day ? String(day) : ""}
              className="field-input"
              aria-invalid={errors?.day?.length ? true : undefined}
              aria-describedby={errors?.day?.length ? "birthday-day-error" : undefined}
            >
              <option value="">{t("coupons.birthday.pick")}</option>
              {Array.from({ length: 31 }, (_, i) => (
                <option key={i + 1} value={i + 1}>
                  {t("coupons.birthday.dayOption", { day: i + 1 })}
                </option>
              ))}
            </select>
            <FieldErrors id="birthday-day-error" errors={errors?.day} errorScope={SCOPE} />
          </div>
        </div>
        <button type="submit" className="btn-secondary w-full" disabled={navigation.state === "submitting"}>
          {t("coupons.birthday.save")}
        </button>
      </Form>
    </section>
  );
}
