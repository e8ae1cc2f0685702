import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";

/** Translates a validation message key (e.g. "phone_invalid") into the user's language. */
export function useErrorText() {
  const { t } = useTranslation();
  return (key: string) => t(`validation.${key}`, { defaultValue: t("validation.invalid") });
}

export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  const errorText = useErrorText();
  if (!errors?.length) return null;
  return (
    <div id={id} className="field-error" role="alert">
      {errors.map((e) => (
        <p key={e}>{errorText(e)}</p>
      ))}
    </div>
  );
}

type InputType = "text" | "tel" | "email" | "password" | "number" | "search" | "url";

export function Field({
  meta,
  label,
  type = "text",
  hint,
  ...rest
}: {
  meta: FieldMetadata<string | number | undefined>;
  label: string;
  type?: InputType;
  hint?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "type" | "name" | "id" | "form">) {
  const props = getInputProps(meta, { type, ariaAttributes: true });
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
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** Form-level errors (a summary at the top of the form). */
export function FormErrors({ id, errors }: { id: string; errors?: string[] }) {
  const errorText = useErrorText();
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
      {errors.map((e) => (
        <p key={e}>{errorText(e)}</p>
      ))}
    </div>
  );
}
