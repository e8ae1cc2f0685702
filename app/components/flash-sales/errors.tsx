import { useTranslation } from "react-i18next";

/**
 * A refused reservation or reminder, in words: the flash-sale message for the code when there is
 * one, else the shared validation message. `field` styles it as a field's error. Plain rendering,
 * without the form library (the sale page validates on the server only).
 */
export function FlashErrors({ id, errors, field = false }: { id: string; errors?: string[] | null; field?: boolean }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className={field ? "field-error" : "rounded-xl bg-danger-50 p-3 text-sm text-danger"} data-testid={field ? undefined : "flash-refusal"}>
      {errors.map((code) => (
        <p key={code}>{t(`flashSales.errors.${code}`, { defaultValue: t(`validation.${code}`, { defaultValue: t("validation.invalid") }) })}</p>
      ))}
    </div>
  );
}

/** "金卡会员提前 30 分钟": the levels a sale lets in early; the viewer's own level said first when it is one of them. */
export function EarlyAccess({ minutes, level }: { minutes: Partial<Record<"normal" | "silver" | "gold", number>>; level?: string }) {
  const { t } = useTranslation();
  const levels = (["gold", "silver", "normal"] as const).filter((l) => minutes[l]);
  if (!levels.length) return null;
  const mine = level && levels.includes(level as (typeof levels)[number]) ? (level as (typeof levels)[number]) : null;
  return (
    <ul className="space-y-0.5 text-sm" data-testid="flash-early">
      {mine ? <li className="font-semibold text-brand-800">{t("flashSales.early.yours", { level: t(`flashSales.level.${mine}`), minutes: minutes[mine] })}</li> : null}
      {levels
        .filter((l) => l !== mine)
        .map((l) => (
          <li key={l} className="text-muted">
            {t("flashSales.early.level", { level: t(`flashSales.level.${l}`), minutes: minutes[l] })}
          </li>
        ))}
    </ul>
  );
}
