import { getInputProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";

/** Translates a catalogue error code (merchantCatalog.errors.*, else adminProducts.errors.*). */
export function useCatalogErrorText() {
  const { t } = useTranslation();
  return (code: string) => t(`merchantCatalog.errors.${code}`, { defaultValue: t(`adminProducts.errors.${code}`, { defaultValue: t("merchantCatalog.errors.invalid") }) });
}

export function CatalogErrors({ id, errors }: { id?: string; errors?: string[] }) {
  const text = useCatalogErrorText();
  if (!errors?.length) return null;
  return (
    <div id={id} className="field-error" role="alert">
      {errors.map((e) => (
        <p key={e}>{text(e)}</p>
      ))}
    </div>
  );
}

function describedBy(meta: FieldMetadata<unknown>, hintId?: string) {
  return [meta.errors?.length ? meta.errorId : undefined, hintId].filter(Boolean).join(" ") || undefined;
}

/** A labelled input whose errors are catalogue error codes. */
export function CatalogField({
  meta,
  label,
  hint,
  className,
  ...rest
}: {
  meta: FieldMetadata<string | undefined>;
  label: string;
  hint?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name" | "id" | "form" | "type">) {
  const props = getInputProps(meta, { type: "text", ariaAttributes: true });
  const hintId = hint ? `${meta.id}-hint` : undefined;
  return (
    <div className={className}>
      <label htmlFor={meta.id} className="field-label">
        {label}
      </label>
      <input {...props} {...rest} key={props.key} className="field-input" aria-describedby={describedBy(meta, hintId)} />
      {hint ? (
        <p id={hintId} className="mt-1 text-sm text-muted">
          {hint}
        </p>
      ) : null}
      <CatalogErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function CatalogTextarea({ meta, label, rows = 4 }: { meta: FieldMetadata<string | undefined>; label: string; rows?: number }) {
  const props = getTextareaProps(meta, { ariaAttributes: true });
  return (
    <div>
      <label htmlFor={meta.id} className="field-label">
        {label}
      </label>
      <textarea {...props} key={props.key} rows={rows} className="field-input py-2" aria-describedby={describedBy(meta)} />
      <CatalogErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** The status of a product as a small badge. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const tone =
    status === "on_shelf"
      ? "bg-brand-50 text-brand-800"
      : status === "rejected"
      ? "bg-danger-50 text-danger"
      : status === "pending_review"
      ? "bg-price-50 text-ink"
      : "bg-surface text-ink";
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>{t(`merchantCatalog.statuses.${status}`)}</span>;
}
