import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";

/**
 * Translates a validation message key (e.g. "phone_invalid") into the user's language. With a
 * `scope` (e.g. "merchantOnboarding.errors"), an area's own message for the key comes first.
 */
export function useErrorText(scope?: string) {
  const { t } = useTranslation();
  return (key: string) => {
    const shared = t(`validation.${key}`, { defaultValue: t("validation.invalid") });
    return scope ? t(`${scope}.${key}`, { defaultValue: shared }) : shared;
  };
}

export function FieldErrors({ id, errors, errorScope }: { id: string; errors?: string[] | null; errorScope?: string }) {
  const errorText = useErrorText(errorScope);
  if (!errors?.length) return null;
  return (
    <div id={id} className="field-error" role="alert">
      {errors.map((e) => (
        <p key={e}>{errorText(e)}</p>
      ))}
    </div>
  );
}

type InputType = "text" | "tel" | "email" | "password" | "number" | "search" | "url" | "datetime-local";

export function Field({
  meta,
  label,
  type = "text",
  hint,
  errorScope,
  ...rest
}: {
  meta: FieldMetadata<string | number | undefined>;
  label: string;
  type?: InputType;
  hint?: string;
  errorScope?: string;
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
      <FieldErrors id={meta.errorId} errors={meta.errors} errorScope={errorScope} />
    </div>
  );
}

/** Form-level errors (a summary at the top of the form). */
export function FormErrors({ id, errors, errorScope }: { id: string; errors?: string[] | null; errorScope?: string }) {
  const errorText = useErrorText(errorScope);
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className="rounded-xl bg-danger-50 p-3 text-sm text-danger">
      {errors.map((e) => (
        <p key={e}>{errorText(e)}</p>
      ))}
    </div>
  );
}
