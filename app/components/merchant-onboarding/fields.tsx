import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";

/**
 * Field pieces for the onboarding, staff and marketing forms. Their error codes are translated
 * from `merchantOnboarding.errors.*` first, then the shared `validation.*`.
 */
export function useOnboardingErrorText() {
  const { t } = useTranslation();
  return (code: string) =>
    t(`merchantOnboarding.errors.${code}`, {
      defaultValue: t(`validation.${code}`, {
        defaultValue: t("validation.invalid"),
      }),
    });
}

export function OnbErrors({ id, errors, summary = false }: { id: string; errors?: string[] | null; summary?: boolean }) {
  const text = useOnboardingErrorText();
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className={summary ? "rounded-xl bg-danger-50 p-3 text-sm text-danger" : "field-error"}>
      {errors.map((e) => (
        <p key={e}>{text(e)}</p>
      ))}
    </div>
  );
}

type InputType = "text" | "tel" | "number" | "datetime-local" | "url";

export function OnbField({
  meta,
  label,
  type = "text",
  hint,
  ...rest
}: {
  meta: FieldMetadata<unknown>;
  label: string;
  type?: InputType;
  hint?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "type" | "name" | "id" | "form">) {
  const props = getInputProps(meta as FieldMetadata<string>, {
    type: type === "datetime-local" ? "datetime-local" : type,
    ariaAttributes: true,
  });
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={meta.id} className="field-label">
        {label}
      </label>
      <input
        {...props}
        {...rest}
        key={props.key}
        className="field-input"
        aria-describedby={[meta.errors?.length ? meta.errorId : undefined, hintId].filter(Boolean).join(" ") || undefined}
      />
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <OnbErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}
