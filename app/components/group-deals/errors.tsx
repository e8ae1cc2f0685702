import { useTranslation } from "react-i18next";

/**
 * A refused start or join, in words: the group-deal message for the code when there is one, else
 * the shared validation message (as ui/field's FormErrors and FieldErrors say it, without pulling
 * the form library into the edge-cached product page). `field` styles it as a field's error.
 */
export function GroupErrors({ id, errors, field = false }: { id: string; errors?: string[] | null; field?: boolean }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className={field ? "field-error" : "rounded-xl bg-danger-50 p-3 text-sm text-danger"}>
      {errors.map((code) => (
        <p key={code}>{t(`groupDeals.errors.${code}`, { defaultValue: t(`validation.${code}`, { defaultValue: t("validation.invalid") }) })}</p>
      ))}
    </div>
  );
}
